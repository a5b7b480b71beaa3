import { ApplicationFailure } from '@temporalio/common';
import { errorFields, redact, REDACTED, safeErrorText, scrubSql } from './redact';

describe('PHI redaction for logs, spans and operator messages', () => {
  it('replaces values under PHI-bearing keys at any depth and keeps ids and codes', () => {
    const out = redact({
      workflowId: 'claim-1',
      patientName: 'ZQLAST',
      nested: { memberId: 'MEM1', address: { street: 'x' }, code: 'CO-50' },
      list: [{ first_name: 'ZQFIRST', carc: '50' }],
      args: [{ anything: 'at all' }],
    });
    expect(out).toEqual({
      workflowId: 'claim-1',
      patientName: REDACTED,
      nested: { memberId: REDACTED, address: REDACTED, code: 'CO-50' },
      list: [{ first_name: REDACTED, carc: '50' }],
      args: REDACTED,
    });
  });

  it('shows the message of claimflow’s own error types and withholds any other', () => {
    expect(safeErrorText('SubmissionUnavailable', 'payer endpoint answered 500')).toBe(
      'SubmissionUnavailable: payer endpoint answered 500',
    );
    expect(safeErrorText('DatabaseError', 'Key (name)=(ZQLAST) already exists')).toBe(
      'DatabaseError (message withheld: it may quote data)',
    );
  });

  it('reduces an error and its causes to type, code and a safe message, without a stack', () => {
    const err = ApplicationFailure.create({
      message: 'Activity task failed',
      type: 'ActivityFailure',
      cause: Object.assign(new Error('value ZQLAST too long'), {
        name: 'DatabaseError',
        code: '22001',
      }),
    });
    const fields = errorFields(err);
    expect(JSON.stringify(fields)).not.toContain('ZQLAST');
    expect(fields).toEqual({
      type: 'ActivityFailure',
      message: 'ActivityFailure (message withheld: it may quote data)',
      cause: {
        type: 'DatabaseError',
        code: '22001',
        message: 'DatabaseError (message withheld: it may quote data)',
      },
    });
  });

  it('keeps the shape of SQL and drops its literals', () => {
    expect(
      scrubSql(`SELECT * FROM claims WHERE last_name = 'O''Brien' AND seq > 123456 AND id = $1`),
    ).toBe(`SELECT * FROM claims WHERE last_name = '?' AND seq > ? AND id = $1`);
  });
});
