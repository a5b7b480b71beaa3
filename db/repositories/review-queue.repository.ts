import { QueryTemplate, queryBuilder, slot } from '../query-template';
import type { ReviewTask } from '../schema';
import type { Reader, Tx } from '../unit-of-work';
import { OPEN, pageLimit } from './plan-literals';

export interface QueueItem {
  id: string;
  claimId: string;
  appealId: string | null;
  status: ReviewTask['status'];
  assignedTo: string | null;
  dueAt: Date;
  category: string | null;
  payerKey: string;
  amountAtStakeCents: string | null;
  appealDeadline: string | null;
  priorityScore: number | null;
}

function queue() {
  return queryBuilder
    .selectFrom('review_tasks as t')
    .innerJoin('claims as c', (j) =>
      j.onRef('c.id', '=', 't.claim_id').onRef('c.tenant_id', '=', 't.tenant_id'),
    )
    .select([
      't.id',
      't.claim_id as claimId',
      't.appeal_id as appealId',
      't.status',
      't.assigned_to as assignedTo',
      't.due_at as dueAt',
      'c.category',
      'c.payer_key as payerKey',
      'c.amount_at_stake_cents as amountAtStakeCents',
      'c.appeal_deadline as appealDeadline',
      'c.priority_score as priorityScore',
    ])
    .where('t.status', '=', OPEN)
    .orderBy('t.due_at')
    .orderBy('t.id');
}

/** Keyed by page size: every request of both queues reads one of these. */
const MINE = new QueryTemplate<QueueItem, number>((limit) =>
  queue()
    .where((eb) => eb.or([eb('t.assigned_to', '=', slot(0)), eb('t.assigned_to', 'is', null)]))
    .limit(pageLimit(limit)),
);
const TEAM = new QueryTemplate<QueueItem, number>((limit) => queue().limit(pageLimit(limit)));

/** The review queues as people see them: open tasks with the claim's codes and amounts, no PHI. */
export class ReviewQueueRepository {
  constructor(private readonly tx: Tx | Reader) {}

  /** Open tasks assigned to the user or to nobody yet. */
  async mine(userId: string, limit = 100): Promise<QueueItem[]> {
    return (await this.tx.executeQuery(MINE.bind(limit, [userId]))).rows;
  }

  async team(limit = 100): Promise<QueueItem[]> {
    return (await this.tx.executeQuery(TEAM.bind(limit, []))).rows;
  }

  async find(id: string): Promise<ReviewTask | undefined> {
    return this.tx.selectFrom('review_tasks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Whether the claim is in the user's work: a task of the claim assigned to
   * them, decided by them, or open for anyone; with `team`, any task of it.
   */
  async inScope(claimId: string, userId: string, team: boolean): Promise<boolean> {
    let q = this.tx.selectFrom('review_tasks').select('id').where('claim_id', '=', claimId);
    if (!team)
      q = q.where((eb) =>
        eb.or([
          eb('assigned_to', '=', userId),
          eb('decided_by', '=', userId),
          eb.and([eb('status', '=', OPEN), eb('assigned_to', 'is', null)]),
        ]),
      );
    return (await q.limit(1).executeTakeFirst()) !== undefined;
  }
}
