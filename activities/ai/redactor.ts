import type { ClaimForAnalysis } from './claim-facts';

/**
 * Knows every identifying value of one claim and the placeholder that stands
 * for it. Shared by the minimizer (claim fields) and the analyzer (text the
 * rules wrote about the claim), so both replace the same values the same way.
 */
export interface Redactor {
  /** placeholder → real value, for filling back in locally. */
  readonly placeholders: Map<string, string>;
  /** Days from the anchor date, as 'service+N' / 'service-N'; null when the date is unusable. */
  relativeDate(date: string | undefined): string | null;
  /** A code-like field kept only when it is code-shaped and not, nor containing, an identifying value. */
  code(value: string | undefined, shape?: RegExp): string | null;
  /** Free-standing text with every known identifying value and every calendar date replaced. */
  text(value: string): string;
}

export const REDACTED = '{{REDACTED}}';
const CODE_SHAPE = /^[A-Za-z0-9]{1,8}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ANY_ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/g;
const DAY_MS = 86_400_000;
/** Shorter values (a last name 'Li', a PCN '7') would match inside ordinary words and codes. */
const MIN_CONTAINED = 4;

export function isoDay(date: string | undefined): number | null {
  const m = date ? ISO_DATE.exec(date) : null;
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return null;
  return t / DAY_MS;
}

/** The service date the claim's dates are counted from; the determination date if it has none. */
function anchorOf(claim: ClaimForAnalysis): { label: 'service' | 'determination'; day: number } {
  const lineDates = claim.services.map((s) => s.serviceDate).filter((d) => isoDay(d) !== null);
  const service = [claim.serviceDateFrom, ...lineDates.sort()].find((d) => isoDay(d) !== null);
  const day = isoDay(service);
  if (day !== null) return { label: 'service', day };
  return { label: 'determination', day: isoDay(claim.determinationDate) ?? 0 };
}

const clean = (v: string | undefined): string | undefined => {
  const t = v?.trim();
  return t ? t : undefined;
};

function collectPlaceholders(claim: ClaimForAnalysis): Map<string, string> {
  const p = claim.patient;
  const full = [p.firstName, p.middleName, p.lastName].map(clean).filter(Boolean).join(' ');
  const entries: [string, string | undefined][] = [
    ['{{PATIENT_NAME}}', full],
    ['{{PATIENT_FIRST_NAME}}', p.firstName],
    ['{{PATIENT_MIDDLE_NAME}}', p.middleName],
    ['{{PATIENT_LAST_NAME}}', p.lastName],
    ['{{MEMBER_ID}}', p.memberId],
    ['{{PATIENT_DOB}}', p.dateOfBirth],
    ['{{PATIENT_ADDRESS}}', p.address],
    ['{{PATIENT_CONTROL_NUMBER}}', claim.patientControlNumber],
    ['{{PAYER_CLAIM_NUMBER}}', claim.payerClaimControlNumber],
    ['{{PROVIDER_NAME}}', claim.provider.name],
    ['{{PROVIDER_NPI}}', claim.provider.npi],
    ['{{SERVICE_DATE_FROM}}', claim.serviceDateFrom],
    ['{{SERVICE_DATE_TO}}', claim.serviceDateTo],
    ['{{DETERMINATION_DATE}}', claim.determinationDate],
    ...claim.services.map((s): [string, string | undefined] => [
      `{{SERVICE_DATE_LINE_${s.line}}}`,
      s.serviceDate,
    ]),
    ...(claim.freeText ?? []).map((t, i): [string, string | undefined] => [
      `{{FREE_TEXT_${i + 1}}}`,
      t,
    ]),
  ];
  const map = new Map<string, string>();
  for (const [key, value] of entries) {
    const v = clean(value);
    if (v) map.set(key, v);
  }
  return map;
}

/** Every identifying value, in the spellings it may take in other fields or text. */
function identifyingValues(claim: ClaimForAnalysis, placeholders: Map<string, string>): string[] {
  const values = new Set<string>();
  const add = (v: string | undefined) => {
    const t = clean(v);
    if (t) values.add(t.toLowerCase());
  };
  for (const v of placeholders.values()) {
    add(v);
    // A date may also be written the X12 way (CCYYMMDD).
    if (ISO_DATE.test(v)) add(v.replaceAll('-', ''));
  }
  add(claim.claimId);
  return [...values];
}

export function createRedactor(claim: ClaimForAnalysis): Redactor {
  const placeholders = collectPlaceholders(claim);
  const values = identifyingValues(claim, placeholders);
  const anchor = anchorOf(claim);

  const identifying = (v: string): boolean => {
    const lower = v.toLowerCase();
    return values.some((x) => x === lower || (x.length >= MIN_CONTAINED && lower.includes(x)));
  };

  const relativeDate = (date: string | undefined): string | null => {
    const day = isoDay(date);
    if (day === null) return null;
    const n = day - anchor.day;
    return `${anchor.label}${n < 0 ? '-' : '+'}${Math.abs(n)}`;
  };

  // One pass over one alternation, longest value first: a full name is replaced before the
  // first name inside it, and nothing already replaced is looked at again.
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const keyOf = new Map<string, string>();
  for (const [key, real] of placeholders) {
    if (!keyOf.has(real.toLowerCase())) keyOf.set(real.toLowerCase(), key);
  }
  const wanted = values.filter((v) => v.length >= MIN_CONTAINED || ISO_DATE.test(v));
  const alternatives = [
    ...wanted.sort((a, b) => b.length - a.length).map(escape),
    ANY_ISO_DATE.source,
  ];
  const pattern = new RegExp(alternatives.join('|'), 'gi');
  const replace = (match: string): string => {
    // A known date becomes its placeholder, never a day count: a birth date counted from the
    // service date would be the patient's age to the day.
    const key = keyOf.get(match.toLowerCase());
    if (key) return key;
    if (ISO_DATE.test(match)) return relativeDate(match) ?? REDACTED;
    return REDACTED;
  };

  return {
    placeholders,
    relativeDate,
    code(value, shape = CODE_SHAPE) {
      const v = clean(value);
      if (!v) return null;
      return shape.test(v) && !identifying(v) ? v : REDACTED;
    },
    text(value) {
      return value.replace(pattern, replace);
    },
  };
}
