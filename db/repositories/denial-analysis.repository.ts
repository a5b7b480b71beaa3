import type { DenialAnalysis, NewDenialAnalysis } from '../schema';
import type { Tx } from '../unit-of-work';

export class DenialAnalysisRepository {
  constructor(private readonly tx: Tx) {}

  /** `rationale_enc` must be encrypted for denial_analyses.rationale_enc of this row's id. */
  async add(analysis: NewDenialAnalysis): Promise<DenialAnalysis> {
    return this.tx
      .insertInto('denial_analyses')
      .values(analysis)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async latestForClaim(claimId: string): Promise<DenialAnalysis | undefined> {
    return this.tx
      .selectFrom('denial_analyses')
      .selectAll()
      .where('claim_id', '=', claimId)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
  }
}
