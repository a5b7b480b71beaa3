/**
 * How an appeal reaches a payer. Every adapter is idempotent on the key: the
 * same key submitted twice yields the first submission, never a second one.
 */
export interface AppealSubmissionRequest {
  idempotencyKey: string;
  tenantId: string;
  appealId: string;
  /** The payer's claim number; the payer needs it to match the appeal. */
  payerClaimControlNumber: string;
  packet: Buffer;
}

export interface SubmissionReceipt {
  channel: 'portal' | 'api' | 'mail';
  payerReference: string;
}

export interface PayerAdapter {
  readonly name: string;
  submit(request: AppealSubmissionRequest): Promise<SubmissionReceipt>;
  /** Compensation: withdraw what submit did, when a later step of the saga cannot finish. */
  withdraw(request: {
    idempotencyKey: string;
    tenantId: string;
    payerReference: string;
  }): Promise<void>;
}

/** The payer refused the appeal for good (4xx): retrying cannot help. */
export class SubmissionRejected extends Error {
  readonly code = 'SUBMISSION_REJECTED';
  override readonly name = 'SubmissionRejected';
}

/** Transient (5xx, network): the activity's retry policy tries again with the same key. */
export class SubmissionUnavailable extends Error {
  readonly code = 'SUBMISSION_UNAVAILABLE';
  override readonly name = 'SubmissionUnavailable';
}
