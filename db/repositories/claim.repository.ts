import type { Insertable } from 'kysely';
import type {
  Claim,
  ClaimAdjustmentsTable,
  ClaimRemarksTable,
  NewClaim,
  ServiceLinesTable,
} from '../schema';
import type { Tx } from '../unit-of-work';

export class ClaimRepository {
  constructor(private readonly tx: Tx) {}

  /** Idempotent: a retried activity or a resent interchange inserts nothing twice. */
  async insertMany(claims: NewClaim[]): Promise<void> {
    await this.insertManyReturningIds(claims);
  }

  /** Like insertMany, and says which ids were new (a retried chunk inserts nothing twice). */
  async insertManyReturningIds(claims: NewClaim[]): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < claims.length; i += 500) {
      const rows = await this.tx
        .insertInto('claims')
        .values(claims.slice(i, i + 500))
        .onConflict((oc) =>
          oc
            .columns([
              'tenant_id',
              'remittance_file_id',
              'transaction_control_number',
              'payer_key',
              'payer_claim_control_number',
              'status_code',
            ])
            .doNothing(),
        )
        .returning('id')
        .execute();
      ids.push(...rows.map((r) => r.id));
    }
    return ids;
  }

  async listByFile(fileId: string): Promise<Claim[]> {
    return this.tx
      .selectFrom('claims')
      .selectAll()
      .where('remittance_file_id', '=', fileId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  async find(id: string): Promise<Claim | undefined> {
    return this.tx.selectFrom('claims').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Lookups by blind index only: the value itself is never in a WHERE clause. */
  async findByIndex(
    field: 'patient_control_number_bidx' | 'member_id_bidx',
    bidx: string,
  ): Promise<Claim[]> {
    return this.tx
      .selectFrom('claims')
      .selectAll()
      .where(field, '=', bidx)
      .orderBy('created_at')
      .execute();
  }

  /** The 835's lines, adjustments and remarks of claims already inserted. */
  async insertDetails(details: {
    serviceLines?: Insertable<ServiceLinesTable>[];
    adjustments?: Insertable<ClaimAdjustmentsTable>[];
    remarks?: Insertable<ClaimRemarksTable>[];
  }): Promise<void> {
    if (details.serviceLines?.length)
      await this.tx.insertInto('service_lines').values(details.serviceLines).execute();
    if (details.adjustments?.length)
      await this.tx.insertInto('claim_adjustments').values(details.adjustments).execute();
    if (details.remarks?.length)
      await this.tx.insertInto('claim_remarks').values(details.remarks).execute();
  }

  async setWorkflowIds(rows: { id: string; workflowId: string }[]): Promise<void> {
    for (const row of rows) {
      await this.tx
        .updateTable('claims')
        .set({ workflow_id: row.workflowId })
        .where('id', '=', row.id)
        .execute();
    }
  }

  async countByFile(fileId: string): Promise<number> {
    const row = await this.tx
      .selectFrom('claims')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('remittance_file_id', '=', fileId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
