import { condition, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import {
  getClaimState,
  submitReview,
  type ClaimLifecycleInput,
  type ClaimLifecycleState,
  type ClaimState,
  type ReviewDecision,
} from './contracts';

/**
 * One denied or underpaid claim's durable life. This first shape waits for a
 * person's review; triage, analysis, appeal and outcome steps grow around it.
 */
export async function claimLifecycle(input: ClaimLifecycleInput): Promise<ClaimLifecycleState> {
  const state: ClaimLifecycleState = {
    claimId: input.claimId,
    state: 'awaiting_review',
    history: [],
  };
  const enter = (next: ClaimState) => {
    state.state = next;
    // Date inside a workflow is the deterministic workflow clock, not the wall clock.
    state.history.push({ state: next, at: new Date().toISOString() });
    upsertSearchAttributes({ ClaimState: [next] });
  };
  enter('awaiting_review');

  let decision: ReviewDecision | undefined;
  setHandler(getClaimState, () => state);
  setHandler(
    submitReview,
    async (review) => {
      decision = review;
      // Answer with the state the decision led to, not the one it arrived in.
      await condition(() => state.state !== 'awaiting_review');
      return state;
    },
    {
      validator: (review) => {
        if (state.state !== 'awaiting_review')
          throw new Error(`claim is ${state.state}, not awaiting review`);
        if (review.decision !== 'approve' && review.decision !== 'reject')
          throw new Error('decision must be approve or reject');
        if (review.decision === 'reject' && !review.reason?.trim())
          throw new Error('a rejection needs a reason');
        if (!review.reviewer) throw new Error('reviewer is required');
      },
    },
  );

  const decided = await condition(
    () => decision !== undefined,
    input.reviewTimeout as `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`,
  );
  if (!decided || !decision) enter('review_missed');
  else enter(decision.decision === 'approve' ? 'approved' : 'rejected');
  return state;
}
