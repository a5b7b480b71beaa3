/**
 * Facts the appeal analysis needs, computed from a claim's segments. The rules are documented
 * on `Claim835.derived` in types.ts; keep the two in step.
 */
import { centsOf, formatCents } from './money';
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
function reasonKey(group: string, reason: string): string {
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
  return key;
}

export function deriveClaim(c: Claim835): ClaimDerived {
  let denied = 0;
  let patient = 0;
  let contractual = 0;
  const groups: string[] = [];
  const groupCents: number[] = [];
  const reasonCodes: string[] = [];
  const deniedLines: number[] = [];
  for (const a of c.adjustments) {
    const cents = centsOf(a.amount);
    const g = groups.indexOf(a.group);
    if (g < 0) {
      groups.push(a.group);
      groupCents.push(cents);
    } else {
      groupCents[g] += cents;
    }
    const key = reasonKey(a.group, a.reason);
    if (!reasonCodes.includes(key)) reasonCodes.push(key);
    if (a.group === 'PR') {
      patient += cents;
    } else if (isDenialAdjustment(a.group, a.reason)) {
      denied += cents;
      if (a.serviceLine !== undefined && cents !== 0 && !deniedLines.includes(a.serviceLine)) {
        deniedLines.push(a.serviceLine);
      }
    } else {
      contractual += cents;
    }
  }
  const remarkCodes: string[] = [];
  for (const r of c.remarks) {
    if (!remarkCodes.includes(r.code)) remarkCodes.push(r.code);
  }
  const paid = centsOf(c.paymentAmount);
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
  for (let g = 0; g < groups.length; g++) adjustmentTotals[groups[g]] = formatCents(groupCents[g]);
  return {
    outcome,
    deniedAmount: formatCents(denied),
    patientResponsibilityAmount: formatCents(patient),
    contractualAmount: formatCents(contractual),
    adjustmentTotals,
    reasonCodes: reasonCodes.slice(),
    remarkCodes: remarkCodes.length === 0 ? remarkCodes : remarkCodes.slice(),
    deniedServiceLines:
      deniedLines.length === 0 ? deniedLines : deniedLines.sort((x, y) => x - y).slice(),
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
