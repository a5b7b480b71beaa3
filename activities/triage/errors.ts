/**
 * Raised for facts the engine cannot triage. The message names the field and the
 * expected shape but never echoes the value: service dates and amounts tied to a
 * patient are PHI, and error messages end up in logs.
 */
export class TriageInputError extends Error {
  readonly code = 'TRIAGE_INVALID_INPUT';
  /** Path of the offending field, e.g. 'determinationDate' or 'adjustments[2].amountCents'. */
  readonly field: string;

  constructor(field: string, expected: string) {
    super(`${field} must be ${expected}`);
    this.name = 'TriageInputError';
    this.field = field;
  }
}
