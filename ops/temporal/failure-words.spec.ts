import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  RetryState,
} from '@temporalio/common';
import { ago, describeFailure } from './failure-words';

describe('a failure in words for an operator', () => {
  it('names the activity, how its retries ended and our own cause’s message', () => {
    const err = new ActivityFailure(
      'Activity task failed',
      'submitAppeal',
      '4',
      RetryState.MAXIMUM_ATTEMPTS_REACHED,
      'worker',
      ApplicationFailure.create({
        type: 'SubmissionUnavailable',
        message: 'payer endpoint answered 500',
      }),
    );
    expect(describeFailure(err)).toBe(
      'activity submitAppeal failed after its last allowed attempt: SubmissionUnavailable: payer endpoint answered 500',
    );
  });

  it('withholds the message of a cause that is not one of ours', () => {
    const err = new ActivityFailure(
      'Activity task failed',
      'storeRemittance',
      '1',
      RetryState.NON_RETRYABLE_FAILURE,
      'worker',
      ApplicationFailure.create({ type: 'DatabaseError', message: 'Key (member)=(MEM123) exists' }),
    );
    const words = describeFailure(err);
    expect(words).toBe(
      'activity storeRemittance failed with an error that is not retried: DatabaseError (message withheld: it may quote data)',
    );
    expect(words).not.toContain('MEM123');
  });

  it('names a failed child workflow by type and id', () => {
    const err = new ChildWorkflowFailure(
      'claimflow',
      { workflowId: 'claim-1', runId: 'r' },
      'claimLifecycle',
      RetryState.RETRY_POLICY_NOT_SET,
      ApplicationFailure.create({ type: 'InvalidInput', message: 'the appeal has no packet' }),
    );
    expect(describeFailure(err)).toBe(
      'child workflow claimLifecycle (claim-1) failed: InvalidInput: the appeal has no packet',
    );
  });

  it('says so when there is no failure at all', () => {
    expect(describeFailure(undefined)).toBe('failed without a recorded failure');
  });

  it('rounds durations down to seconds, minutes, hours or days', () => {
    expect([ago(42_000), ago(5 * 60_000), ago(3 * 3_600_000), ago(3 * 86_400_000)]).toEqual([
      '42 s',
      '5 min',
      '3 h',
      '3 d',
    ]);
  });
});
