/**
 * Element-level readers shared by the segment handlers. Each validates the value's form and
 * reports a positioned issue instead of throwing, so one bad element never loses a file.
 *
 * They read the current segment through its view (element offsets in the input text): a value
 * is allocated only when it is kept, and short codes come from the parse's string table.
 */
import type { X12IssueCode, X12Severity } from './errors';
import { formatCents, isX12Number, parseCents } from './money';
import type { SegmentView } from './segment-scanner';
import { EMPTY } from './shared-lists';
import { DATE, MAX_INTERNED, PROCEDURE, type StringTable } from './string-table';
import type { Address, Contact, Entity, Procedure, Reference } from './types';

export interface ReadContext {
  /** The segment being read. */
  readonly view: SegmentView;
  /** Its id; '?' when the segment has no valid id. */
  readonly id: string;
  readonly componentSeparator: string;
  /** Shared copies of the short values of this parse (see string-table.ts). */
  readonly table: StringTable;
  report(
    severity: X12Severity,
    code: X12IssueCode,
    message: string,
    element?: number,
    component?: number,
  ): void;
}

function utf8Of(latin1: string): string {
  return Buffer.from(latin1, 'latin1').toString('utf8');
}

/** True when element i is present and not empty. */
export function has(ctx: ReadContext, i: number): boolean {
  const v = ctx.view;
  return i < v.count && v.starts[i + 1] - 1 > v.starts[i];
}

/** Element i as a new string; '' when absent. */
export function text(ctx: ReadContext, i: number): string {
  const v = ctx.view;
  if (i >= v.count) return '';
  const from = v.starts[i];
  const to = v.starts[i + 1] - 1;
  if (from === to) return '';
  const s = v.text.slice(from, to);
  return v.utf8 ? utf8Of(s) : s;
}

/** Element i from the parse's string table (for codes, qualifiers, names); '' when absent. */
export function code(ctx: ReadContext, i: number): string {
  if (!has(ctx, i)) return '';
  const v = ctx.view;
  if (v.utf8) return intern(ctx, text(ctx, i));
  const from = v.starts[i];
  const to = v.endOf(i);
  return to - from > MAX_INTERNED ? v.text.slice(from, to) : ctx.table.get(v.text, from, to);
}

/** The shared copy of a value already in hand. */
export function intern(ctx: ReadContext, value: string): string {
  return value.length > MAX_INTERNED || value.length === 0
    ? value
    : ctx.table.get(value, 0, value.length);
}

/** Every element of the segment, the id first (for segments kept whole, e.g. CUR). */
export function elements(ctx: ReadContext): string[] {
  const out: string[] = [];
  for (let i = 0; i < ctx.view.count; i++) out.push(text(ctx, i));
  return out;
}

export function opt(ctx: ReadContext, i: number): string | undefined {
  return has(ctx, i) ? text(ctx, i) : undefined;
}

export function optCode(ctx: ReadContext, i: number): string | undefined {
  return has(ctx, i) ? code(ctx, i) : undefined;
}

export function req(ctx: ReadContext, i: number): string {
  if (!has(ctx, i)) {
    missing(ctx, i);
    return '';
  }
  return text(ctx, i);
}

export function reqCode(ctx: ReadContext, i: number): string {
  if (!has(ctx, i)) {
    missing(ctx, i);
    return '';
  }
  return code(ctx, i);
}

/** Reports a required element that is absent, without reading anything. */
export function need(ctx: ReadContext, i: number): void {
  if (!has(ctx, i)) missing(ctx, i);
}

function missing(ctx: ReadContext, i: number): void {
  ctx.report('error', 'X12_MISSING_ELEMENT', `${ctx.id}${pad(i)} is required but empty`, i);
}

/** True when element i is exactly `value` (nothing allocated). */
export function is(ctx: ReadContext, i: number, value: string): boolean {
  const v = ctx.view;
  if (i >= v.count) return value === '';
  if (v.utf8) return text(ctx, i) === value;
  const from = v.starts[i];
  if (v.starts[i + 1] - 1 - from !== value.length) return false;
  for (let k = 0; k < value.length; k++) {
    if (v.text.charCodeAt(from + k) !== value.charCodeAt(k)) return false;
  }
  return true;
}

export function pad(i: number): string {
  return i < 10 ? `0${i}` : `${i}`;
}

/** A money element as a model amount; undefined when absent and optional. */
export function amountAt(ctx: ReadContext, i: number, required: true): string;
export function amountAt(ctx: ReadContext, i: number, required?: boolean): string | undefined;
export function amountAt(ctx: ReadContext, i: number, required = false): string | undefined {
  lastCents = 0;
  if (!has(ctx, i)) {
    if (required) {
      ctx.report(
        'error',
        'X12_MISSING_ELEMENT',
        `${ctx.id}${pad(i)} amount is required but empty`,
        i,
      );
      return '0.00';
    }
    return undefined;
  }
  // Not interned: amounts repeat too little for a lookup to cost less than a copy.
  const raw = text(ctx, i);
  const cents = parseCents(raw);
  if (cents === undefined) {
    ctx.report(
      'error',
      'X12_INVALID_AMOUNT',
      `${ctx.id}${pad(i)} is not a monetary amount with at most 2 decimals`,
      i,
    );
    return required ? '0.00' : undefined;
  }
  lastCents = cents;
  // Most payers already write "123.45": reuse that string rather than allocate a new one.
  return isCanonical(raw) ? raw : formatCents(cents);
}

let lastCents = 0;

/**
 * Cents of the amount amountAt returned last (0 for an absent or invalid one, as centsOf would
 * say of what it returned): callers that sum or balance amounts need not parse them again.
 */
export function lastAmountCents(): number {
  return lastCents;
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
  if (!has(ctx, i)) return undefined;
  const v = code(ctx, i);
  if (!isX12Number(v)) {
    ctx.report('error', 'X12_INVALID_NUMBER', `${ctx.id}${pad(i)} is not a number`, i);
    return undefined;
  }
  return v;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** CCYYMMDD to ISO; invalid calendar dates are reported, not guessed. */
export function dateAt(ctx: ReadContext, i: number, required = false): string | undefined {
  if (!has(ctx, i)) {
    if (required) {
      ctx.report(
        'error',
        'X12_MISSING_ELEMENT',
        `${ctx.id}${pad(i)} date is required but empty`,
        i,
      );
    }
    return undefined;
  }
  const v = ctx.view;
  const from = v.starts[i];
  const to = v.endOf(i);
  // A remittance repeats few distinct dates: each is converted once per parse.
  const iso =
    to - from === 8 && !v.utf8
      ? ctx.table.derive(DATE, v.text, from, to, toIsoDate)
      : toIsoDate(text(ctx, i));
  if (iso === undefined) {
    ctx.report('error', 'X12_INVALID_DATE', `${ctx.id}${pad(i)} is not a valid CCYYMMDD date`, i);
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
  if (!has(ctx, i)) return undefined;
  const v = text(ctx, i);
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
        `${ctx.id}${pad(i)} uses a component separator other than the one declared in ISA16`,
        i,
      );
    return v.split(v[2]);
  }
  return [v];
}

/** Component boundaries of the element read by procedureAt: start of part k at PARTS[k]. */
const PARTS = new Int32Array(10);

export function procedureAt(ctx: ReadContext, i: number, required: boolean): Procedure | undefined {
  if (!has(ctx, i)) {
    if (required) {
      ctx.report(
        'error',
        'X12_MISSING_ELEMENT',
        `${ctx.id}${pad(i)} procedure is required but empty`,
        i,
      );
      return { qualifier: '', code: '', modifiers: EMPTY };
    }
    return undefined;
  }
  const v = ctx.view;
  const sep = ctx.componentSeparator;
  const from = v.starts[i];
  const to = v.endOf(i);
  const at = sep.length === 1 && !v.utf8 ? v.text.indexOf(sep, from) : -1;
  if (at < 0 || at >= to) return procedureOf(ctx, i, compositeAt(ctx, i) as string[]);
  // The usual case, read in place. A file repeats a few hundred procedures (code and
  // modifiers): each is built once per parse and shared, frozen, by every line that bills it.
  const s = v.text;
  const cacheable = to - from <= MAX_INTERNED;
  if (cacheable) {
    const seen = ctx.table.kept<Procedure>(PROCEDURE, s, from, to);
    if (seen !== undefined) return seen;
  }
  const sc = sep.charCodeAt(0);
  let n = 1;
  PARTS[0] = from;
  for (let p = at; p < to && n < 9; p++) {
    if (s.charCodeAt(p) === sc) PARTS[n++] = p + 1;
  }
  if (n === 9) return procedureOf(ctx, i, compositeAt(ctx, i) as string[]);
  PARTS[n] = to + 1;
  const codeText = part(ctx, 1);
  if (codeText === '') noProcedureCode(ctx, i);
  let last = Math.min(n, 6);
  while (last > 2 && PARTS[last] - 1 === PARTS[last - 1]) last--;
  let modifiers: string[] = EMPTY;
  if (last > 2) {
    modifiers = new Array<string>(last - 2);
    for (let k = 2; k < last; k++) modifiers[k - 2] = part(ctx, k);
  }
  const p: Procedure = { qualifier: part(ctx, 0), code: codeText, modifiers };
  if (n > 6 && PARTS[7] - 1 > PARTS[6]) p.description = s.slice(PARTS[6], PARTS[7] - 1);
  if (n > 7) tooManyComponents(ctx, i);
  else if (cacheable && codeText !== '') {
    Object.freeze(modifiers);
    ctx.table.keep(PROCEDURE, s, from, to, Object.freeze(p));
  }
  return p;
}

/** Component k of the composite procedureAt is reading. */
function part(ctx: ReadContext, k: number): string {
  const from = PARTS[k];
  const to = PARTS[k + 1] - 1;
  return to - from > MAX_INTERNED
    ? ctx.view.text.slice(from, to)
    : ctx.table.get(ctx.view.text, from, to);
}

function noProcedureCode(ctx: ReadContext, i: number): void {
  ctx.report(
    'error',
    'X12_MISSING_ELEMENT',
    `${ctx.id}${pad(i)} has no procedure code (component 2)`,
    i,
    2,
  );
}

/** procedureAt for composites that need the general split (UTF-8, odd separators). */
function procedureOf(ctx: ReadContext, i: number, parts: string[]): Procedure {
  if (parts.length < 2 || parts[1] === '') noProcedureCode(ctx, i);
  let last = Math.min(parts.length, 6);
  while (last > 2 && parts[last - 1] === '') last--;
  const modifiers = last > 2 ? parts.slice(2, last).map((m) => intern(ctx, m)) : EMPTY;
  const p: Procedure = {
    qualifier: intern(ctx, parts[0]),
    code: intern(ctx, parts[1] ?? ''),
    modifiers,
  };
  if (parts.length > 6 && parts[6] !== '') {
    p.description = parts[6];
  }
  if (parts.length > 7) tooManyComponents(ctx, i);
  return p;
}

function tooManyComponents(ctx: ReadContext, i: number): void {
  ctx.report(
    'error',
    'X12_TOO_MANY_ELEMENTS',
    `${ctx.id}${pad(i)} has more than 7 components`,
    i,
    8,
  );
}

export function maxElements(ctx: ReadContext, max: number): void {
  let n = ctx.view.count - 1;
  if (n <= max) return;
  while (n > max && !has(ctx, n)) n--;
  if (n > max) {
    ctx.report(
      'error',
      'X12_TOO_MANY_ELEMENTS',
      `${ctx.id} has ${n} elements; at most ${max} are defined`,
      max + 1,
    );
  }
}

export function referenceOf(ctx: ReadContext): Reference {
  const r: Reference = { qualifier: reqCode(ctx, 1), value: req(ctx, 2) };
  if (has(ctx, 3)) r.description = text(ctx, 3);
  maxElements(ctx, 4);
  return r;
}

export function entityOf(ctx: ReadContext): Entity {
  const e: Entity = {};
  if (has(ctx, 2)) e.entityType = code(ctx, 2);
  if (has(ctx, 3)) e.lastName = code(ctx, 3);
  if (has(ctx, 4)) e.firstName = code(ctx, 4);
  if (has(ctx, 5)) e.middleName = code(ctx, 5);
  if (has(ctx, 6)) e.prefix = text(ctx, 6);
  if (has(ctx, 7)) e.suffix = text(ctx, 7);
  if (has(ctx, 8)) e.idQualifier = code(ctx, 8);
  if (has(ctx, 9)) e.id = text(ctx, 9);
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
  need(ctx, 1);
  for (const [k, i] of keys) {
    const v = opt(ctx, i);
    if (v !== undefined) a[k] = v;
  }
}

export function contactOf(ctx: ReadContext): Contact {
  const c: Contact = { functionCode: reqCode(ctx, 1), communications: [] };
  const name = opt(ctx, 2);
  if (name !== undefined) c.name = name;
  for (let i = 3; i + 1 < ctx.view.count || i === 3; i += 2) {
    const q = optCode(ctx, i);
    const n = opt(ctx, i + 1);
    if (q !== undefined || n !== undefined) {
      c.communications.push({ qualifier: q ?? '', number: n ?? '' });
    }
    if (i >= 7) break;
  }
  return c;
}

/** "0".."30": keys of positional records, allocated once. */
const KEYS = Array.from({ length: 31 }, (_, i) => String(i));

/** Keeps every non-empty element by its position ("5" = element 5), for wide segments. */
export function positional(
  ctx: ReadContext,
  amountPositions: ReadonlySet<number>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; i < ctx.view.count; i++) {
    if (!has(ctx, i)) continue;
    const key = KEYS[i] ?? String(i);
    if (amountPositions.has(i)) {
      const a = amountAt(ctx, i);
      if (a !== undefined) out[key] = a;
    } else {
      out[key] = code(ctx, i);
    }
  }
  return out;
}
