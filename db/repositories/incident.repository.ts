import type { Incident, IncidentsTable } from '../schema';
import type { Tx } from '../unit-of-work';

export class IncidentRepository {
  constructor(private readonly tx: Tx) {}

  async open(
    tenantId: string,
    incident: Pick<IncidentsTable, 'kind' | 'severity' | 'summary' | 'reported_by'>,
  ): Promise<Incident> {
    return this.tx
      .insertInto('incidents')
      .values({ tenant_id: tenantId, ...incident })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async resolve(id: string): Promise<void> {
    await this.tx
      .updateTable('incidents')
      .set({ status: 'resolved', resolved_at: new Date() })
      .where('id', '=', id)
      .execute();
  }

  async listOpen(): Promise<Incident[]> {
    return this.tx
      .selectFrom('incidents')
      .selectAll()
      .where('status', '<>', 'resolved')
      .orderBy('detected_at')
      .execute();
  }
}
