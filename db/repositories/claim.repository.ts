import type { Claim, NewClaim } from '../schema';
import type { Tx } from '../unit-of-work';

export class ClaimRepository {
  constructor(private readonly tx: Tx) {}

  /** Idempotent: a retried activity or a resent interchange inserts nothing twice. */
  async insertMany(claims: NewClaim[]): Promise<void> {
    for (let i = 0; i < claims.length; i += 500) {
      await this.tx
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
        .execute();
    }
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

  async setWorkflowIds(rows: { id: string; workflowId: string }[]): Promise<void> {
    for (const row of rows) {
      await this.tx
        .updateTable('claims')
        .set({ workflow_id: row.workflowId })
        .where('id', '=', row.id)
        .execute();
    }
  }
}
