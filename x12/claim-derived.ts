/**
 * Facts the appeal analysis needs, computed from a claim's segments. The rules are documented
 * on `Claim835.derived` in types.ts; keep the two in step.
 */
import { centsOf, formatCents } from './money';
import { SharedLists } from './shared-lists';
import type { Claim835, ClaimDerived, ClaimOutcome } from './types';

/**
 * Reasons that reduce payment by contract or coordination of benefits rather than deny it:
 * 45 charge exceeds fee schedule, 42 exceeds maximum allowable, 23 prior payers' adjudication,
 * 94 processed in excess of charges, 253 sequestration, A2 contractual adjustment,
 * 59 multiple/concurrent procedure rules, 144 incentive adjustment, 237 legislated penalty.
 */
const NON_DENIAL_REASONS = new Set(['45', '42', '23', '94', '253', 'A2', '59', '144', '237']);

export function isDenialAdjustment(group: string, reason: string): boolean {
  return group !== 'PR' && !NON_DENIAL_REASONS.has(reason);
}

const REASON_KEYS = new Map<string, Map<string, string>>();

/** "CO-45": interned, as a file repeats a few dozen of them across thousands of claims. */
let lastGroup = '';
let lastReason = '';
let lastKey = '';

function reasonKey(group: string, reason: string): string {
  // Adjustments come in runs of one reason (CO-45 on every line): check the last one first.
  if (group === lastGroup && reason === lastReason) return lastKey;
  let byReason = REASON_KEYS.get(group);
  if (byReason === undefined) {
    if (REASON_KEYS.size > 64) REASON_KEYS.clear();
    byReason = new Map();
    REASON_KEYS.set(group, byReason);
  }
  let key = byReason.get(reason);
  if (key === undefined) {
    key = `${group}-${reason}`;
    if (byReason.size < 2048) byReason.set(reason, key);
  }
  lastGroup = group;
  lastReason = reason;
  lastKey = key;
  return key;
}

// Scratch lists of deriveClaim, reused for every claim (a claim has a handful of each).
const GROUP_NAMES: string[] = [];
const GROUP_CENTS: number[] = [];
const GROUP_ONLY: (string | undefined)[] = [];
const REASONS: string[] = [];
const REMARKS: string[] = [];
const LINES: number[] = [];

function indexIn<T>(list: T[], n: number, value: T): number {
  for (let i = 0; i < n; i++) if (list[i] === value) return i;
  return -1;
}

/** Shares the lists of derived facts between the claims of a transaction. */
export class DerivedLists {
  readonly reasons = new SharedLists<string>();
  readonly remarks = new SharedLists<string>();
  readonly lines = new SharedLists<number>();
}

/**
 * A total as a model amount. Most totals are one adjustment's amount (or nothing): that
 * string is reused, so the model holds no second copy of it.
 */
function total(cents: number, only: string | undefined): string {
  return only !== undefined ? only : formatCents(cents);
}

/**
 * adjustmentCents[k] and paidCents, when given, are the cents of c.adjustments[k].amount and
 * c.paymentAmount, already parsed by the reader.
 */
export function deriveClaim(
  c: Claim835,
  lists: DerivedLists,
  adjustmentCents?: readonly number[],
  paidCents?: number,
): ClaimDerived {
  let denied = 0;
  let patient = 0;
  let contractual = 0;
  // The amount string of a total's only adjustment; null once a second one joins it.
  let deniedOnly: string | null | undefined;
  let patientOnly: string | null | undefined;
  let contractualOnly: string | null | undefined;
  let groups = 0;
  let reasons = 0;
  let lines = 0;
  const adjustments = c.adjustments;
  for (let k = 0; k < adjustments.length; k++) {
    const a = adjustments[k];
    const cents = adjustmentCents !== undefined ? adjustmentCents[k] : centsOf(a.amount);
    const g = indexIn(GROUP_NAMES, groups, a.group);
    if (g < 0) {
      GROUP_NAMES[groups] = a.group;
      GROUP_ONLY[groups] = a.amount;
      GROUP_CENTS[groups++] = cents;
    } else {
      GROUP_CENTS[g] += cents;
      GROUP_ONLY[g] = undefined;
    }
    const key = reasonKey(a.group, a.reason);
    if (indexIn(REASONS, reasons, key) < 0) REASONS[reasons++] = key;
    if (a.group === 'PR') {
      patient += cents;
      patientOnly = patientOnly === undefined ? a.amount : null;
    } else if (isDenialAdjustment(a.group, a.reason)) {
      denied += cents;
      deniedOnly = deniedOnly === undefined ? a.amount : null;
      if (a.serviceLine !== undefined && cents !== 0 && indexIn(LINES, lines, a.serviceLine) < 0) {
        LINES[lines++] = a.serviceLine;
      }
    } else {
      contractual += cents;
      contractualOnly = contractualOnly === undefined ? a.amount : null;
    }
  }
  let remarks = 0;
  for (const r of c.remarks) {
    if (indexIn(REMARKS, remarks, r.code) < 0) REMARKS[remarks++] = r.code;
  }
  const paid = paidCents ?? centsOf(c.paymentAmount);
  let outcome: ClaimOutcome;
  if (c.statusCode === '22') {
    outcome = 'reversal';
  } else if (c.statusCode === '4') {
    outcome = 'denied';
  } else if (paid === 0) {
    outcome = denied > 0 ? 'denied' : 'zero_pay';
  } else {
    outcome = denied > 0 ? 'partially_paid' : 'paid';
  }
  const adjustmentTotals: Record<string, string> = {};
  for (let g = 0; g < groups; g++) {
    adjustmentTotals[GROUP_NAMES[g]] = total(GROUP_CENTS[g], GROUP_ONLY[g]);
  }
  // Sorted in place: insertion sort, as a claim denies a few lines at most.
  for (let i = 1; i < lines; i++) {
    const line = LINES[i];
    let j = i - 1;
    for (; j >= 0 && LINES[j] > line; j--) LINES[j + 1] = LINES[j];
    LINES[j + 1] = line;
  }
  return {
    outcome,
    deniedAmount: total(denied, deniedOnly ?? undefined),
    patientResponsibilityAmount: total(
      patient,
      patientOnly ??
        (patient === centsOf(c.patientResponsibility) ? c.patientResponsibility : undefined),
    ),
    contractualAmount: total(contractual, contractualOnly ?? undefined),
    adjustmentTotals,
    reasonCodes: lists.reasons.get(REASONS, reasons),
    remarkCodes: lists.remarks.get(REMARKS, remarks),
    deniedServiceLines: lists.lines.get(LINES, lines),
    role: c.statusCode === '22' ? 'reversal' : 'original',
  };
}

/**
 * Links each reversal (CLP02 22) to the next claim with the same payer claim control number:
 * payers send the reversal of the earlier payment followed by the corrected claim.
 */
export function linkReversals(claims: Claim835[]): void {
  for (let i = 0; i < claims.length; i++) {
    const r = claims[i];
    if (r.statusCode !== '22' || r.payerClaimControlNumber === undefined) continue;
    for (let j = i + 1; j < claims.length; j++) {
      const c = claims[j];
      if (
        c.statusCode !== '22' &&
        c.payerClaimControlNumber === r.payerClaimControlNumber &&
        c.derived.role === 'original'
      ) {
        c.derived.role = 'correction';
        c.derived.linkedClaimIndex = i;
        r.derived.linkedClaimIndex = j;
        break;
      }
    }
  }
}
