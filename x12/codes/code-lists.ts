/**
 * Claim Adjustment Reason Codes (CARC, X12 external code source 139) and
 * Remittance Advice Remark Codes (RARC, X12 external code source 411), as
 * published, with their start/stop dates where the sources give them.
 *
 * The data lives in carc.json and rarc.json beside this file; SOURCE.md says
 * where each list came from, its date, its gaps and how to refresh it.
 * This module is pure: the only input is the JSON it imports.
 */
import carcData from './carc.json';
import rarcData from './rarc.json';

/** `deactivated` codes still appear on old remittances, so they are kept. */
export type CodeStatus = 'current' | 'deactivated';

export interface CodeEntry {
  /** The code as published: '16', 'B7', 'P32', 'M15', 'MA130', 'N386'. */
  readonly code: string;
  /** The published description, verbatim (whitespace trimmed). */
  readonly description: string;
  /** First date the code may be used (YYYY-MM-DD); null when no source gives it. */
  readonly start: string | null;
  /** First date the code may no longer be used (YYYY-MM-DD); null if none is known. */
  readonly stop: string | null;
  /** Status in the newest list (X12, retrieved 2026-08-17). */
  readonly status: CodeStatus;
  /** Replacement hints from the publisher, or how a date gap came about. */
  readonly notes?: string;
}

/**
 * Date of the newest list the descriptions and statuses come from. A code that
 * list marks deactivated without a known stop date is taken to be inactive
 * from this date on.
 */
export const CODE_LIST_STATUS_DATE = '2026-08-17';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, year, month, day] = match.map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

function freezeList(data: readonly CodeEntry[]): readonly CodeEntry[] {
  return Object.freeze(data.map((entry) => Object.freeze({ ...entry })));
}

/** Every CARC, sorted by code (numbers first, numerically; then A0, A1 … Y3). */
export const CARC_CODES: readonly CodeEntry[] = freezeList(carcData as readonly CodeEntry[]);
/** Every RARC, sorted by code (M1 … M144, MA01 … MA134, N1 … N940). */
export const RARC_CODES: readonly CodeEntry[] = freezeList(rarcData as readonly CodeEntry[]);

const carcByCode = new Map(CARC_CODES.map((entry) => [entry.code, entry]));
const rarcByCode = new Map(RARC_CODES.map((entry) => [entry.code, entry]));

const normalize = (code: string): string => code.trim().toUpperCase();

/** The CARC entry for a code such as '16' or 'b7'; undefined if it is not in the list. */
export function carcDescription(code: string): CodeEntry | undefined {
  return carcByCode.get(normalize(code));
}

/** The RARC entry for a code such as 'N386' or 'ma130'; undefined if it is not in the list. */
export function rarcDescription(code: string): CodeEntry | undefined {
  return rarcByCode.get(normalize(code));
}

/**
 * Whether the code was valid on `onDate` (YYYY-MM-DD): on or after its start
 * and before its stop. A missing start is treated as no lower bound. A code
 * marked deactivated without a known stop date counts as active only before
 * CODE_LIST_STATUS_DATE, the first date it is known to be retired.
 */
export function isActive(entry: CodeEntry, onDate: string): boolean {
  if (!isIsoDate(onDate)) {
    throw new RangeError(`onDate must be a calendar date written YYYY-MM-DD, got '${onDate}'`);
  }
  if (entry.start !== null && onDate < entry.start) return false;
  if (entry.stop !== null) return onDate < entry.stop;
  if (entry.status === 'deactivated') return onDate < CODE_LIST_STATUS_DATE;
  return true;
}
