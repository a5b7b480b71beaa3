/**
 * Issues carry positions and codes, never element values: values can be PHI (names, member
 * ids), so messages say where and what kind, with counts and amounts only.
 */
export type X12Severity = 'error' | 'warning';

export type X12IssueCode =
  | 'X12_EMPTY'
  | 'X12_BINARY'
  | 'X12_UTF16'
  | 'X12_NO_INTERCHANGE'
  | 'X12_NO_TRANSACTION'
  | 'X12_BAD_ISA'
  | 'X12_ODD_DELIMITERS'
  | 'X12_ENVELOPE_MISSING'
  | 'X12_MISSING_TRAILER'
  | 'X12_CONTROL_NUMBER_MISMATCH'
  | 'X12_COUNT_MISMATCH'
  | 'X12_DUPLICATE_CONTROL_NUMBER'
  | 'X12_VERSION_4010'
  | 'X12_UNSUPPORTED_VERSION'
  | 'X12_NOT_835'
  | 'X12_TRANSACTION_UNREADABLE'
  | 'X12_SEGMENT_TOO_LONG'
  | 'X12_INVALID_SEGMENT_ID'
  | 'X12_UNEXPECTED_SEGMENT'
  | 'X12_MISSING_SEGMENT'
  | 'X12_MISSING_ELEMENT'
  | 'X12_TOO_MANY_ELEMENTS'
  | 'X12_INVALID_AMOUNT'
  | 'X12_INVALID_NUMBER'
  | 'X12_INVALID_DATE'
  | 'X12_INVALID_CODE'
  | 'X12_COMPONENT_SEPARATOR_MISMATCH'
  | 'X12_MISSING_TERMINATOR'
  | 'X12_SERVICE_UNBALANCED'
  | 'X12_CLAIM_UNBALANCED'
  | 'X12_TRANSACTION_UNBALANCED'
  | 'X12_TOO_MANY_ISSUES'
  | 'X12_UNWRITABLE_VALUE';

export interface X12Position {
  /** 1-based number of the segment in the input, ISA included. */
  segmentIndex: number;
  segmentId: string;
  /** 1-based element position (SVC01 = 1). */
  element?: number;
  component?: number;
  /** Offset in bytes from the start of the input of the segment, or of the element if given. */
  byteOffset: number;
  transactionControlNumber?: string;
  fileName?: string;
}

export interface X12Issue {
  severity: X12Severity;
  code: X12IssueCode;
  message: string;
  position: X12Position;
}

/** Thrown only when the input cannot be read as X12 at all. */
export class X12Error extends Error {
  readonly code: X12IssueCode;
  readonly position: X12Position;
  /** The message without the position prefix. */
  readonly reason: string;

  constructor(code: X12IssueCode, reason: string, position: X12Position) {
    super(`${formatPosition(position)}: ${reason}`);
    this.name = 'X12Error';
    this.code = code;
    this.reason = reason;
    this.position = position;
  }

  toIssue(): X12Issue {
    return { severity: 'error', code: this.code, message: this.reason, position: this.position };
  }
}

export function formatPosition(p: X12Position): string {
  const parts = [`segment ${p.segmentIndex} (${p.segmentId || '?'})`];
  if (p.element !== undefined) {
    parts.push(
      p.component !== undefined ? `element ${p.element}-${p.component}` : `element ${p.element}`,
    );
  }
  parts.push(`byte ${p.byteOffset}`);
  return `${p.fileName ?? '<input>'}: ${parts.join(' ')}`;
}

export function formatIssue(issue: X12Issue): string {
  return `${formatPosition(issue.position)}: ${issue.severity} ${issue.code}: ${issue.message}`;
}
