import type { AppealSubmission, ClaimLifecycleState } from '../schema';
import type { Reader, Tx } from '../unit-of-work';
import { pageLimit } from './plan-literals';

export interface ClaimFilter {
  state?: ClaimLifecycleState;
  category?: string;
  payerKey?: string;
  deadlineFrom?: string;
  deadlineTo?: string;
  minAmountCents?: number;
  maxAmountCents?: number;
  /** Keyset cursor: the last id of the previous page. */
  after?: string;
  limit: number;
}

/** Claim reads for people and tools: codes, amounts and states only (no PHI column is selected). */
export class ClaimReadRepository {
  constructor(private readonly tx: Tx | Reader) {}

  async search(f: ClaimFilter) {
    let q = this.tx
      .selectFrom('claims')
      .select([
        'id',
        'status_code as statusCode',
        'outcome',
        'category',
        'payer_key as payerKey',
        'charge_cents as chargeCents',
        'paid_cents as paidCents',
        'amount_at_stake_cents as amountAtStakeCents',
        'appeal_deadline as appealDeadline',
        'appeal_level as appealLevel',
        'recommended_action as recommendedAction',
        'lifecycle_state as state',
        'lifecycle_outcome as lifecycleOutcome',
        'priority_score as priorityScore',
        'created_at as createdAt',
      ])
      .orderBy('id')
      .limit(pageLimit(f.limit));
    if (f.state) q = q.where('lifecycle_state', '=', f.state);
    if (f.category) q = q.where('category', '=', f.category);
    if (f.payerKey) q = q.where('payer_key', '=', f.payerKey);
    if (f.deadlineFrom) q = q.where('appeal_deadline', '>=', f.deadlineFrom);
    if (f.deadlineTo) q = q.where('appeal_deadline', '<=', f.deadlineTo);
    if (f.minAmountCents !== undefined)
      q = q.where('amount_at_stake_cents', '>=', String(f.minAmountCents));
    if (f.maxAmountCents !== undefined)
      q = q.where('amount_at_stake_cents', '<=', String(f.maxAmountCents));
    if (f.after) q = q.where('id', '>', f.after);
    return q.execute();
  }

  async adjustments(claimId: string) {
    return this.tx
      .selectFrom('claim_adjustments')
      .select(['group_code as group', 'reason_code as reason', 'amount_cents as amountCents'])
      .where('claim_id', '=', claimId)
      .orderBy('position')
      .execute();
  }

  async analyses(claimId: string) {
    return this.tx
      .selectFrom('denial_analyses')
      .selectAll()
      .where('claim_id', '=', claimId)
      .orderBy('created_at')
      .execute();
  }

  async submissions(appealId: string): Promise<AppealSubmission[]> {
    return this.tx
      .selectFrom('appeal_submissions')
      .selectAll()
      .where('appeal_id', '=', appealId)
      .orderBy('created_at')
      .execute();
  }

  async outcomes(appealId: string) {
    return this.tx
      .selectFrom('appeal_outcomes')
      .select(['result', 'recovered_cents as recoveredCents', 'decided_at as decidedAt'])
      .where('appeal_id', '=', appealId)
      .execute();
  }
}
