import type { ClaimLifecycleState, ReviewDecision } from './contracts';

const MAX_LETTER = 50_000;

/**
 * Runs before an Update is accepted into history: a refused review leaves no
 * trace in the workflow, and the caller gets the reason.
 */
export function validateReview(d: ReviewDecision, state: ClaimLifecycleState): void {
  if (state.state !== 'awaiting_review')
    throw new Error(`claim is ${state.state}, not awaiting review`);
  const roles = d?.actor?.roles ?? [];
  if (!d?.actor?.userId) throw new Error('actor.userId is required');
  const specialist = roles.includes('appeal_specialist') || roles.includes('reviewer');
  if (!specialist) throw new Error('only an appeal specialist or reviewer may review an appeal');
  switch (d.decision) {
    case 'approve':
      break;
    case 'edit':
      if (typeof d.letter !== 'string' || !d.letter.trim())
        throw new Error('letter: an edited letter cannot be empty');
      if (d.letter.length > MAX_LETTER) throw new Error(`letter: at most ${MAX_LETTER} characters`);
      break;
    case 'reject':
      if (typeof d.reason !== 'string' || !d.reason.trim())
        throw new Error('reason: a rejection needs a reason');
      break;
    case 'reassign':
      if (!roles.includes('reviewer')) throw new Error('only a reviewer may reassign a task');
      if (!d.assignTo) throw new Error('assignTo: required');
      break;
    default:
      throw new Error('decision must be approve, edit, reject or reassign');
  }
  // Approving someone else's assigned task is a reviewer's call.
  if (
    (d.decision === 'approve' || d.decision === 'edit') &&
    state.assignedTo &&
    state.assignedTo !== d.actor.userId &&
    !roles.includes('reviewer')
  ) {
    throw new Error('this task is assigned to someone else');
  }
}
