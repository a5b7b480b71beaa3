/**
 * Money as integer cents in a JS number: exact up to 2^53 cents (90 trillion dollars), far
 * beyond any remittance, and much faster than bigint on the hot path.
 */
/**
 * Cents for an X12 R (decimal) money value, or undefined if it is not one: optional '-',
 * up to 16 integer digits, at most 2 significant decimals ("12.50", "12.5", "12", ".5").
 * A hand-written scan: this runs for every amount and a regex was a tenth of parse time.
 */
export function parseCents(raw: string): number | undefined {
  const len = raw.length;
  let i = 0;
  let neg = false;
  if (len > 0 && raw.charCodeAt(0) === 45) {
    neg = true;
    i = 1;
  }
  let whole = 0;
  let intDigits = 0;
  while (i < len) {
    const c = raw.charCodeAt(i);
    if (c < 48 || c > 57) break;
    whole = whole * 10 + (c - 48);
    intDigits++;
    i++;
  }
  let frac = 0;
  let fracDigits = 0;
  if (i < len) {
    if (raw.charCodeAt(i) !== 46) return undefined;
    i++;
    while (i < len) {
      const c = raw.charCodeAt(i);
      if (c < 48 || c > 57) return undefined;
      if (fracDigits < 2) {
        frac = frac * 10 + (c - 48);
      } else if (c !== 48) {
        return undefined;
      }
      fracDigits++;
      i++;
    }
  }
  if ((intDigits === 0 && fracDigits === 0) || intDigits > 16) return undefined;
  if (fracDigits === 1) frac *= 10;
  const cents = whole * 100 + frac;
  if (!Number.isSafeInteger(cents)) return undefined;
  return neg && cents !== 0 ? -cents : cents;
}

export function formatCents(cents: number): string {
  if (cents === 0) return '0.00';
  const neg = cents < 0;
  const abs = neg ? -cents : cents;
  const whole = Math.floor(abs / 100);
  const frac = abs - whole * 100;
  return `${neg ? '-' : ''}${whole}.${frac < 10 ? '0' : ''}${frac}`;
}

/** Cents of a model amount ("123.45"); model amounts are always well-formed. */
export function centsOf(amount: string | undefined): number {
  if (amount === undefined) {
    return 0;
  }
  return parseCents(amount) ?? 0;
}

/** Shortest X12 form of a model amount: "34.60" -> "34.6", "6.00" -> "6". */
export function toX12Amount(amount: string): string {
  if (amount.indexOf('.') < 0) {
    return amount;
  }
  let s = amount.replace(/0+$/, '');
  if (s.endsWith('.')) {
    s = s.slice(0, -1);
  }
  return s === '-0' || s === '' ? '0' : s;
}

/** X12 R/N numeric: optional '-', digits with an optional '.', at most 18 characters. */
export function isX12Number(raw: string): boolean {
  const len = raw.length;
  if (len === 0 || len > 18) return false;
  let i = raw.charCodeAt(0) === 45 ? 1 : 0;
  let digits = 0;
  let dot = false;
  for (; i < len; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && !dot) dot = true;
    else return false;
  }
  return digits > 0;
}
