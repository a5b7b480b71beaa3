/**
 * Validation of TriageFacts. Facts come from the parser or from database rows, so
 * nothing is trusted: a bad value raises a TriageInputError naming the field,
 * never quoting the value (dates of service are PHI).
 */
import { assertIsoDate } from './dates';
import { TriageInputError } from './errors';
import { APPEAL_LEVELS, type TriageFacts } from './types';

/** CLP02 claim status codes of the 5010 835. */
export const CLAIM_STATUS_CODES = ['1', '2', '3', '4', '19', '20', '21', '22', '23', '25'] as const;
const GROUPS = ['CO', 'PR', 'OA', 'PI', 'CR'];

function assertCents(value: unknown, field: string, allowNegative: boolean): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || (!allowNegative && value < 0)) {
    throw new TriageInputError(
      field,
      `${allowNegative ? 'a' : 'a non-negative'} whole number of cents`,
    );
  }
}

function assertCode(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9]{1,6}$/.test(value.trim())) {
    throw new TriageInputError(field, 'a code of 1-6 letters or digits');
  }
}

/**
 * Checks the facts and returns a normalized copy (codes trimmed and upper-cased).
 * Charge and paid may be negative only on a reversal (CLP02 22), as the 835 sends them.
 */
export function validateFacts(facts: TriageFacts): TriageFacts {
  if (facts === null || typeof facts !== 'object') {
    throw new TriageInputError('facts', 'an object');
  }
  const status = facts.claimStatusCode;
  if (!(CLAIM_STATUS_CODES as readonly unknown[]).includes(status)) {
    throw new TriageInputError('claimStatusCode', `one of ${CLAIM_STATUS_CODES.join(', ')}`);
  }
  const reversal = status === '22';
  assertCents(facts.chargeCents, 'chargeCents', reversal);
  assertCents(facts.paidCents, 'paidCents', true);
  assertCents(facts.patientResponsibilityCents, 'patientResponsibilityCents', true);
  assertIsoDate(facts.determinationDate, 'determinationDate');
  if (facts.serviceDateFrom !== undefined) assertIsoDate(facts.serviceDateFrom, 'serviceDateFrom');
  if (
    facts.previousAppealLevel !== undefined &&
    !APPEAL_LEVELS.includes(facts.previousAppealLevel)
  ) {
    throw new TriageInputError('previousAppealLevel', `one of ${APPEAL_LEVELS.join(', ')}`);
  }
  for (const key of ['claimFilingIndicator', 'payerId', 'payerName'] as const) {
    if (facts[key] !== undefined && typeof facts[key] !== 'string') {
      throw new TriageInputError(key, 'a string');
    }
  }
  if (!Array.isArray(facts.adjustments)) throw new TriageInputError('adjustments', 'an array');
  if (!Array.isArray(facts.remarks)) throw new TriageInputError('remarks', 'an array');

  const adjustments = facts.adjustments.map((adjustment, index) => {
    const at = `adjustments[${index}]`;
    if (adjustment === null || typeof adjustment !== 'object') {
      throw new TriageInputError(at, 'an object');
    }
    const group = typeof adjustment.group === 'string' ? adjustment.group.trim().toUpperCase() : '';
    if (!GROUPS.includes(group))
      throw new TriageInputError(`${at}.group`, `one of ${GROUPS.join(', ')}`);
    assertCode(adjustment.reason, `${at}.reason`);
    assertCents(adjustment.amountCents, `${at}.amountCents`, true);
    if (adjustment.level !== 'claim' && adjustment.level !== 'service') {
      throw new TriageInputError(`${at}.level`, "'claim' or 'service'");
    }
    return { ...adjustment, group, reason: adjustment.reason.trim().toUpperCase() };
  });
  const remarks = facts.remarks.map((remark, index) => {
    assertCode(remark, `remarks[${index}]`);
    return remark.trim().toUpperCase();
  });
  return {
    ...facts,
    claimFilingIndicator: facts.claimFilingIndicator?.trim().toUpperCase() || undefined,
    adjustments,
    remarks: [...new Set(remarks)],
  };
}
