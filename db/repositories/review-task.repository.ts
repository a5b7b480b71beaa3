import type { ReviewTask } from '../schema';
import type { Tx } from '../unit-of-work';
import { OPEN } from './plan-literals';

export class ReviewTaskRepository {
  constructor(private readonly tx: Tx) {}

  /** At most one open task per claim; a retried activity gets the open one back. */
  async open(
    tenantId: string,
    t: { claimId: string; appealId?: string | null; dueAt: Date; workflowId: string },
  ): Promise<ReviewTask> {
    const inserted = await this.tx
      .insertInto('review_tasks')
      .values({
        tenant_id: tenantId,
        claim_id: t.claimId,
        appeal_id: t.appealId ?? null,
        due_at: t.dueAt,
        workflow_id: t.workflowId,
      })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'claim_id']).where('status', '=', OPEN).doNothing(),
      )
      .returningAll()
      .executeTakeFirst();
    return (
      inserted ??
      this.tx
        .selectFrom('review_tasks')
        .selectAll()
        .where('claim_id', '=', t.claimId)
        .where('status', '=', OPEN)
        .executeTakeFirstOrThrow()
    );
  }

  /** Only an open task can be decided; returns false when it was not open. */
  async decide(
    id: string,
    decision: 'approved' | 'edited' | 'rejected',
    userId: string,
  ): Promise<boolean> {
    const r = await this.tx
      .updateTable('review_tasks')
      .set({ status: decision, decided_by: userId, decided_at: new Date() })
      .where('id', '=', id)
      .where('status', '=', OPEN)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async expire(id: string): Promise<void> {
    await this.tx
      .updateTable('review_tasks')
      .set({ status: 'expired', decided_at: new Date() })
      .where('id', '=', id)
      .where('status', '=', OPEN)
      .execute();
  }

  async listOpen(limit = 100): Promise<ReviewTask[]> {
    return this.tx
      .selectFrom('review_tasks')
      .selectAll()
      .where('status', '=', OPEN)
      .orderBy('due_at')
      .limit(limit)
      .execute();
  }
}
