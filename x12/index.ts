/**
 * X12 835 (005010X221A1) remittance parser: pure TypeScript, no runtime dependencies.
 * parse835 for input in memory, stream835 for large files, write835 to serialize back.
 */
export { parse835, stream835 } from './parse';
export { write835, type WriteOptions } from './writer';
export { X12Error, formatIssue, formatPosition } from './errors';
export type { X12Issue, X12IssueCode, X12Position, X12Severity } from './errors';
export { isDenialAdjustment } from './claim-derived';
export { centsOf, formatCents, parseCents } from './money';
export type * from './types';
