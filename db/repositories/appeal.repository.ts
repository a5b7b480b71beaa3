import type {
  Appeal,
  AppealOutcome,
  AppealOutcomesTable,
  AppealStatus,
  AppealSubmission,
  AppealSubmissionsTable,
} from '../schema';
import type { Tx } from '../unit-of-work';

/** An appeal with its submissions and its outcome: one aggregate. */
export class AppealRepository {
  constructor(private readonly tx: Tx) {}

  async create(
    tenantId: string,
    appeal: { claimId: string; level?: number; deadline?: string | null; createdBy: string },
  ): Promise<Appeal> {
    return this.tx
      .insertInto('appeals')
      .values({
        tenant_id: tenantId,
        claim_id: appeal.claimId,
        level: appeal.level ?? 1,
        deadline: appeal.deadline ?? null,
        created_by: appeal.createdBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async find(id: string): Promise<Appeal | undefined> {
    return this.tx.selectFrom('appeals').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async listForClaim(claimId: string): Promise<Appeal[]> {
    return this.tx
      .selectFrom('appeals')
      .selectAll()
      .where('claim_id', '=', claimId)
      .orderBy('level')
      .execute();
  }

  /** `letterEnc` is the cipher's blob for appeals.letter_enc of this row. */
  async update(id: string, patch: { status?: AppealStatus; letterEnc?: Buffer }): Promise<void> {
    await this.tx
      .updateTable('appeals')
      .set({
        ...(patch.status ? { status: patch.status } : {}),
        ...(patch.letterEnc ? { letter_enc: patch.letterEnc } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
  }

  /** Idempotent on the key: a retried activity gets the first attempt's row back. */
  async addSubmission(
    tenantId: string,
    s: Pick<AppealSubmissionsTable, 'appeal_id' | 'channel' | 'idempotency_key'>,
  ): Promise<AppealSubmission> {
    const inserted = await this.tx
      .insertInto('appeal_submissions')
      .values({ tenant_id: tenantId, ...s })
      .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doNothing())
      .returningAll()
      .executeTakeFirst();
    return (
      inserted ??
      this.tx
        .selectFrom('appeal_submissions')
        .selectAll()
        .where('idempotency_key', '=', s.idempotency_key)
        .executeTakeFirstOrThrow()
    );
  }

  async markSubmission(
    id: string,
    patch: Partial<Pick<AppealSubmissionsTable, 'payer_reference' | 'failure_code'>> & {
      status: 'sent' | 'acknowledged' | 'failed' | 'compensated';
    },
  ): Promise<void> {
    await this.tx
      .updateTable('appeal_submissions')
      .set({
        ...patch,
        ...(patch.status === 'sent' ? { sent_at: new Date() } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  async recordOutcome(
    tenantId: string,
    o: Pick<AppealOutcomesTable, 'appeal_id' | 'result'> & {
      recovered_cents?: number | bigint | string;
      source_remittance_file_id?: string | null;
    },
  ): Promise<AppealOutcome> {
    return this.tx
      .insertInto('appeal_outcomes')
      .values({ tenant_id: tenantId, ...o })
      .returningAll()
      .executeTakeFirstOrThrow();
  }
}
