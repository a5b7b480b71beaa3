import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  TerminatedFailure,
  TimeoutFailure,
} from '@temporalio/common';
import { safeErrorText } from '../telemetry/redact';

const RETRY_WORDS: Record<string, string> = {
  MAXIMUM_ATTEMPTS_REACHED: 'after its last allowed attempt',
  NON_RETRYABLE_FAILURE: 'with an error that is not retried',
  TIMEOUT: 'when its retry time ran out',
  CANCEL_REQUESTED: 'after cancellation was requested',
};

/** The innermost cause in words: the error's type and, when it is one of ours, its message. */
export function causeWords(err: Error | undefined): string {
  if (!err) return 'no cause recorded';
  if (err instanceof ApplicationFailure) return safeErrorText(err.type ?? 'Error', err.message);
  if (err instanceof TimeoutFailure)
    return `timed out (${(err.timeoutType ?? 'unknown').toLowerCase().replace(/_/g, '-')})`;
  if (err instanceof TerminatedFailure) return 'terminated';
  if (err instanceof CancelledFailure) return 'cancelled';
  return describeFailure(err);
}

/**
 * A failure chain as one sentence an operator can act on, never its payloads:
 * which step failed, how its retries ended, and the cause's type.
 */
export function describeFailure(err: Error | undefined): string {
  if (!err) return 'failed without a recorded failure';
  if (err instanceof ActivityFailure) {
    const how = (err.retryState && RETRY_WORDS[err.retryState]) || '';
    return `activity ${err.activityType} failed${how ? ` ${how}` : ''}: ${causeWords(err.cause)}`;
  }
  if (err instanceof ChildWorkflowFailure)
    return `child workflow ${err.workflowType} (${err.execution.workflowId}) failed: ${causeWords(err.cause)}`;
  if (err instanceof ApplicationFailure || err instanceof TimeoutFailure)
    return `the workflow failed: ${causeWords(err)}`;
  if (err instanceof TerminatedFailure) return 'the workflow was terminated';
  if (err instanceof CancelledFailure) return 'the workflow was cancelled';
  return `the workflow failed: ${safeErrorText(err.name || 'Error', undefined)}`;
}

/** Minutes, hours or days, rounded down: how long something has been so. */
export function ago(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.floor(ms / 1000))} s`;
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} d`;
}
