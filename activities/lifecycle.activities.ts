import type { LifecycleDeps } from './lifecycle-deps';
import { createPreparationActivities } from './preparation.activities';
import { createReviewActivities } from './review.activities';
import { createSubmissionActivities } from './submission.activities';

/** Every activity a claim's lifecycle calls, built over its dependencies. */
export function createLifecycleActivities(deps: LifecycleDeps) {
  return {
    ...createPreparationActivities(deps),
    ...createReviewActivities(deps),
    ...createSubmissionActivities(deps),
  };
}

export type LifecycleActivities = ReturnType<typeof createLifecycleActivities>;
export type { LifecycleDeps } from './lifecycle-deps';
