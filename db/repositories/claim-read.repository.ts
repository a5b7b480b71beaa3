import type { InferResult } from 'kysely';
import { QueryTemplate, queryBuilder, slot } from '../query-template';
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

type SearchFilter = Exclude<keyof ClaimFilter, 'limit'>;

/** The filters in the order their values are bound. */
const SEARCH_FILTERS: readonly SearchFilter[] = [
  'state',
  'category',
  'payerKey',
  'deadlineFrom',
  'deadlineTo',
  'minAmountCents',
  'maxAmountCents',
  'after',
];

/** One page of claim search, before its filters. */
function searchPage(limit: number) {
  return queryBuilder
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
    .limit(pageLimit(limit));
}

type SearchRow = InferResult<ReturnType<typeof searchPage>>[number];

/**
 * Claim search compiled once per page size and set of filters (key
 * "limit:filter,filter"), each filter's value bound to a slot in that order.
 */
const SEARCH = new QueryTemplate<SearchRow, string>((key) => {
  const [limit, names] = key.split(':') as [string, string];
  const present = new Set(names ? names.split(',') : []);
  let i = 0;
  const next = <T = string>() => slot<T>(i++);
  let q = searchPage(Number(limit));
  if (present.has('state')) q = q.where('lifecycle_state', '=', next<ClaimLifecycleState>());
  if (present.has('category')) q = q.where('category', '=', next());
  if (present.has('payerKey')) q = q.where('payer_key', '=', next());
  if (present.has('deadlineFrom')) q = q.where('appeal_deadline', '>=', next());
  if (present.has('deadlineTo')) q = q.where('appeal_deadline', '<=', next());
  if (present.has('minAmountCents')) q = q.where('amount_at_stake_cents', '>=', next());
  if (present.has('maxAmountCents')) q = q.where('amount_at_stake_cents', '<=', next());
  if (present.has('after')) q = q.where('id', '>', next());
  return q;
}, 128);

/** Claim reads for people and tools: codes, amounts and states only (no PHI column is selected). */
export class ClaimReadRepository {
  constructor(private readonly tx: Tx | Reader) {}

  async search(f: ClaimFilter) {
    const present = SEARCH_FILTERS.filter((name) => f[name] !== undefined && f[name] !== '');
    const values = present.map((name) =>
      name === 'minAmountCents' || name === 'maxAmountCents' ? String(f[name]) : f[name],
    );
    return (await this.tx.executeQuery(SEARCH.bind(`${f.limit}:${present.join(',')}`, values)))
      .rows;
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
