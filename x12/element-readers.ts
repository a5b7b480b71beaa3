/**
 * Element-level readers shared by the segment handlers. Each validates the value's form and
 * reports a positioned issue instead of throwing, so one bad element never loses a file.
 */
import type { X12IssueCode, X12Severity } from './errors';
import { formatCents, isX12Number, parseCents } from './money';
import type { Address, Contact, Entity, Procedure, Reference } from './types';

export interface ReadContext {
  /** Elements of the current segment; [0] is the segment id. */
  seg: string[];
  readonly componentSeparator: string;
  /**
   * One shared copy of a short value seen before in this parse (qualifiers, codes, names):
   * most of a remittance's short strings repeat, and every duplicate kept in the model is heap
   * the garbage collector must copy. Returns the value itself the first time.
   */
  intern(value: string): string;
  report(
    severity: X12Severity,
    code: X12IssueCode,
    message: string,
    element?: number,
    component?: number,
  ): void;
}

export function opt(ctx: ReadContext, i: number): string | undefined {
  const v = ctx.seg[i];
  return v === undefined || v === '' ? undefined : v;
}

export function req(ctx: ReadContext, i: number): string {
  const v = ctx.seg[i];
  if (v === undefined || v === '') {
    ctx.report('error', 'X12_MISSING_ELEMENT', `${ctx.seg[0]}${pad(i)} is required but empty`, i);
    return '';
  }
  return v;
}

export function pad(i: number): string {
  return i < 10 ? `0${i}` : `${i}`;
}

/** A money element as a model amount; undefined when absent and optional. */
export function amountAt(ctx: ReadContext, i: number, required: true): string;
export function amountAt(ctx: ReadContext, i: number, required?: boolean): string | undefined;
export function amountAt(ctx: ReadContext, i: number, required = false): string | undefined {
  const v = ctx.seg[i];
  if (v === undefined || v === '') {
    if (required) {
      ctx.report(
        'error',
        'X12_MISSING_ELEMENT',
        `${ctx.seg[0]}${pad(i)} amount is required but empty`,
        i,
      );
      return '0.00';
    }
    return undefined;
  }
  const cents = parseCents(v);
  if (cents === undefined) {
    ctx.report(
      'error',
      'X12_INVALID_AMOUNT',
      `${ctx.seg[0]}${pad(i)} is not a monetary amount with at most 2 decimals`,
      i,
    );
    return required ? '0.00' : undefined;
  }
  // Most payers already write "123.45": reuse that string rather than allocate a new one.
  return isCanonical(v) ? v : formatCents(cents);
}

/** True for "123.45", "0.05", "-1.27" (a valid amount whose text is already the model form). */
function isCanonical(v: string): boolean {
  const n = v.length;
  if (n < 4 || v.charCodeAt(n - 3) !== 46) return false;
  const first = v.charCodeAt(0) === 45 ? 1 : 0;
  if (n - 3 - first < 1) return false;
  if (v.charCodeAt(first) === 48 && n - 3 - first > 1) return false;
  return v !== '-0.00';
}

export function numberAt(ctx: ReadContext, i: number): string | undefined {
  const v = ctx.seg[i];
  if (v === undefined || v === '') {
    return undefined;
  }
  if (!isX12Number(v)) {
    ctx.report('error', 'X12_INVALID_NUMBER', `${ctx.seg[0]}${pad(i)} is not a number`, i);
    return undefined;
  }
  return v;
}

/** A remittance repeats few distinct dates: caching saves building the same ISO string. */
const DATE_CACHE = new Map<string, string>();

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** CCYYMMDD to ISO; invalid calendar dates are reported, not guessed. */
export function dateAt(ctx: ReadContext, i: number, required = false): string | undefined {
  const v = ctx.seg[i];
  if (v === undefined || v === '') {
    if (required) {
      ctx.report(
        'error',
        'X12_MISSING_ELEMENT',
        `${ctx.seg[0]}${pad(i)} date is required but empty`,
        i,
      );
    }
    return undefined;
  }
  let iso = DATE_CACHE.get(v);
  if (iso === undefined) {
    iso = toIsoDate(v);
    if (iso !== undefined) {
      if (DATE_CACHE.size >= 4096) DATE_CACHE.clear();
      DATE_CACHE.set(v, iso);
    }
  }
  if (iso === undefined) {
    ctx.report(
      'error',
      'X12_INVALID_DATE',
      `${ctx.seg[0]}${pad(i)} is not a valid CCYYMMDD date`,
      i,
    );
  }
  return iso;
}

export function toIsoDate(v: string): string | undefined {
  if (v.length !== 8) return undefined;
  for (let i = 0; i < 8; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  const y =
    (v.charCodeAt(0) - 48) * 1000 +
    (v.charCodeAt(1) - 48) * 100 +
    (v.charCodeAt(2) - 48) * 10 +
    (v.charCodeAt(3) - 48);
  const m = (v.charCodeAt(4) - 48) * 10 + (v.charCodeAt(5) - 48);
  const d = (v.charCodeAt(6) - 48) * 10 + (v.charCodeAt(7) - 48);
  if (m < 1 || m > 12 || d < 1 || d > DAYS[m - 1]) {
    return undefined;
  }
  if (m === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) {
    return undefined;
  }
  return `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`;
}

export function fromIsoDate(iso: string): string {
  return iso.replace(/-/g, '');
}

/**
 * Splits a composite. Some payers use a component separator other than ISA16 (e.g. `HC>55669`
 * under `:`); when the declared one is absent and the value reads as a 2-character qualifier
 * followed by punctuation, that punctuation is used and the mismatch reported.
 */
export function compositeAt(ctx: ReadContext, i: number): string[] | undefined {
  const v = ctx.seg[i];
  if (v === undefined || v === '') {
    return undefined;
  }
  const sep = ctx.componentSeparator;
  if (sep !== '' && v.indexOf(sep) >= 0) {
    return v.split(sep);
  }
  const c = v.charCodeAt(2);
  if (
    v.length > 3 &&
    /^[A-Z0-9]{2}$/.test(v.slice(0, 2)) &&
    c > 32 &&
    c < 127 &&
    !/[A-Za-z0-9 ]/.test(v[2])
  ) {
    // Without an ISA (sep === '') there is nothing to mismatch: the separator is inferred.
    if (sep !== '')
      ctx.report(
        'warning',
        'X12_COMPONENT_SEPARATOR_MISMATCH',
        `${ctx.seg[0]}${pad(i)} uses a component separator other than the one declared in ISA16`,
        i,
      );
    return v.split(v[2]);
  }
  return [v];
}

export function procedureAt(ctx: ReadContext, i: number, required: boolean): Procedure | undefined {
  const parts = compositeAt(ctx, i);
  if (parts === undefined) {
    if (required) {
      ctx.report(
        'error',
        'X12_MISSING_ELEMENT',
        `${ctx.seg[0]}${pad(i)} procedure is required but empty`,
        i,
      );
      return { qualifier: '', code: '', modifiers: [] };
    }
    return undefined;
  }
  if (parts.length < 2 || parts[1] === '') {
    ctx.report(
      'error',
      'X12_MISSING_ELEMENT',
      `${ctx.seg[0]}${pad(i)} has no procedure code (component 2)`,
      i,
      2,
    );
  }
  let last = Math.min(parts.length, 6);
  while (last > 2 && parts[last - 1] === '') last--;
  let modifiers: string[];
  if (last > 2) {
    modifiers = parts.slice(2, last);
    for (let k = 0; k < modifiers.length; k++) modifiers[k] = ctx.intern(modifiers[k]);
  } else {
    modifiers = [];
  }
  const p: Procedure = {
    qualifier: ctx.intern(parts[0]),
    code: ctx.intern(parts[1] ?? ''),
    modifiers,
  };
  if (parts.length > 6 && parts[6] !== '') {
    p.description = parts[6];
  }
  if (parts.length > 7) {
    ctx.report(
      'error',
      'X12_TOO_MANY_ELEMENTS',
      `${ctx.seg[0]}${pad(i)} has more than 7 components`,
      i,
      8,
    );
  }
  return p;
}

export function maxElements(ctx: ReadContext, max: number): void {
  const seg = ctx.seg;
  let n = seg.length - 1;
  while (n > max && seg[n] === '') n--;
  if (n > max) {
    ctx.report(
      'error',
      'X12_TOO_MANY_ELEMENTS',
      `${seg[0]} has ${n} elements; at most ${max} are defined`,
      max + 1,
    );
  }
}

export function referenceOf(ctx: ReadContext): Reference {
  const r: Reference = { qualifier: req(ctx, 1), value: req(ctx, 2) };
  const desc = opt(ctx, 3);
  if (desc !== undefined) r.description = desc;
  maxElements(ctx, 4);
  return r;
}

export function entityOf(ctx: ReadContext): Entity {
  const e: Entity = {};
  const seg = ctx.seg;
  const n = seg.length;
  if (n > 2 && seg[2] !== '') e.entityType = seg[2];
  if (n > 3 && seg[3] !== '') e.lastName = ctx.intern(seg[3]);
  if (n > 4 && seg[4] !== '') e.firstName = ctx.intern(seg[4]);
  if (n > 5 && seg[5] !== '') e.middleName = ctx.intern(seg[5]);
  if (n > 6 && seg[6] !== '') e.prefix = seg[6];
  if (n > 7 && seg[7] !== '') e.suffix = seg[7];
  if (n > 8 && seg[8] !== '') e.idQualifier = seg[8];
  if (n > 9 && seg[9] !== '') e.id = seg[9];
  return e;
}

export function applyN3(ctx: ReadContext, a: Address): void {
  a.line1 = req(ctx, 1);
  const l2 = opt(ctx, 2);
  if (l2 !== undefined) a.line2 = l2;
}

export function applyN4(ctx: ReadContext, a: Address): void {
  const keys: [keyof Address, number][] = [
    ['city', 1],
    ['state', 2],
    ['postalCode', 3],
    ['countryCode', 4],
    ['countrySubdivision', 7],
  ];
  req(ctx, 1);
  for (const [k, i] of keys) {
    const v = opt(ctx, i);
    if (v !== undefined) a[k] = v;
  }
}

export function contactOf(ctx: ReadContext): Contact {
  const c: Contact = { functionCode: req(ctx, 1), communications: [] };
  const name = opt(ctx, 2);
  if (name !== undefined) c.name = name;
  for (let i = 3; i + 1 < ctx.seg.length || i === 3; i += 2) {
    const q = opt(ctx, i);
    const n = opt(ctx, i + 1);
    if (q !== undefined || n !== undefined) {
      c.communications.push({ qualifier: q ?? '', number: n ?? '' });
    }
    if (i >= 7) break;
  }
  return c;
}

/** Keeps every non-empty element by its position ("5" = element 5), for wide segments. */
export function positional(
  ctx: ReadContext,
  amountPositions: ReadonlySet<number>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; i < ctx.seg.length; i++) {
    if (ctx.seg[i] === '') continue;
    if (amountPositions.has(i)) {
      const a = amountAt(ctx, i);
      if (a !== undefined) out[String(i)] = a;
    } else {
      out[String(i)] = ctx.seg[i];
    }
  }
  return out;
}
