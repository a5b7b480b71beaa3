/**
 * Writes the model back to X12 835 (005010X221A1 layout). parse835(write835(x)) reads the
 * same transactions as x; envelopes are rebuilt from each transaction's interchange/group.
 */
import { X12Error } from './errors';
import { fromIsoDate } from './element-readers';
import { toX12Amount } from './money';
import { MIA_AMOUNTS, MOA_AMOUNTS } from './claim-reader';
import { BPR_FIELDS, TS2_AMOUNTS, TS3_AMOUNTS } from './transaction-builder';
import type {
  Adjustment,
  Claim835,
  Delimiters,
  Entity,
  Parse835Result,
  Procedure,
  Service835,
  Transaction835,
} from './types';

export interface WriteOptions {
  delimiters?: Partial<Delimiters>;
  /** Put a line break after each segment terminator (readable output). */
  lineBreaks?: boolean;
}

const DEFAULT_DELIMITERS: Delimiters = {
  element: '*',
  component: ':',
  repetition: '^',
  segment: '~',
};
const NM1_ORDER: [keyof Claim835, string][] = [
  ['patient', 'QC'],
  ['insured', 'IL'],
  ['correctedPatient', '74'],
  ['renderingProvider', '82'],
  ['crossoverCarrier', 'TT'],
  ['correctedPriorityPayer', 'PR'],
  ['otherSubscriber', 'GB'],
];

class SegmentWriter {
  readonly out: string[] = [];
  private readonly forbidden: string[];

  constructor(readonly d: Delimiters) {
    this.forbidden = [d.element, d.component, d.segment].concat(
      d.repetition === '' ? [] : [d.repetition],
    );
  }

  /** Elements given as arrays are composites, joined with the component separator. */
  seg(id: string, ...elements: (string | string[] | undefined)[]): void {
    let n = elements.length;
    while (
      n > 0 &&
      (elements[n - 1] === undefined || elements[n - 1] === '' || elements[n - 1]?.length === 0)
    )
      n--;
    let s = id;
    for (let i = 0; i < n; i++) {
      const v = elements[i] ?? '';
      if (typeof v === 'string') {
        this.check(v, id, i + 1);
        s += this.d.element + v;
      } else {
        v.forEach((part) => this.check(part, id, i + 1));
        s += this.d.element + v.join(this.d.component);
      }
    }
    this.out.push(s);
  }

  composite(parts: (string | undefined)[]): string[] {
    let n = parts.length;
    while (n > 0 && (parts[n - 1] === undefined || parts[n - 1] === '')) n--;
    return parts.slice(0, n).map((p) => p ?? '');
  }

  private check(v: string, id: string, element: number): void {
    for (const f of this.forbidden) {
      if (f !== '' && v.includes(f)) {
        throw new X12Error(
          'X12_UNWRITABLE_VALUE',
          `${id}${element < 10 ? '0' : ''}${element} holds a delimiter character`,
          {
            segmentIndex: this.out.length + 1,
            segmentId: id,
            element,
            byteOffset: 0,
          },
        );
      }
    }
  }
}

const amt = (a: string | undefined) => (a === undefined ? undefined : toX12Amount(a));
const dt = (d: string | undefined) => (d === undefined ? undefined : fromIsoDate(d));

export function write835(
  input: Parse835Result | Transaction835[] | Transaction835,
  options: WriteOptions = {},
): string {
  const transactions = Array.isArray(input)
    ? input
    : 'transactions' in input
      ? input.transactions
      : [input];
  const d: Delimiters = { ...DEFAULT_DELIMITERS, ...options.delimiters };
  const w = new SegmentWriter(d);
  let i = 0;
  while (i < transactions.length) {
    const ix = transactions[i].interchange;
    let j = i;
    while (
      j < transactions.length &&
      transactions[j].interchange?.controlNumber === ix?.controlNumber
    )
      j++;
    writeInterchange(w, transactions.slice(i, j));
    i = j;
  }
  if (w.out.length === 0) return '';
  const sep = d.segment + (options.lineBreaks ? '\n' : '');
  return w.out.join(sep) + sep;
}

function writeInterchange(w: SegmentWriter, txs: Transaction835[]): void {
  const ix = txs[0].interchange;
  const control = (ix?.controlNumber ?? '1').padStart(9, '0').slice(-9);
  const isa = [
    'ISA',
    '00',
    ' '.repeat(10),
    '00',
    ' '.repeat(10),
    (ix?.senderQualifier ?? 'ZZ').padEnd(2).slice(0, 2),
    (ix?.senderId ?? 'SENDER').padEnd(15).slice(0, 15),
    (ix?.receiverQualifier ?? 'ZZ').padEnd(2).slice(0, 2),
    (ix?.receiverId ?? 'RECEIVER').padEnd(15).slice(0, 15),
    (ix?.date ?? '000101').padEnd(6, '0').slice(0, 6),
    (ix?.time ?? '0000').padEnd(4, '0').slice(0, 4),
    w.d.repetition === '' ? 'U' : w.d.repetition,
    (ix?.version ?? '00501').padEnd(5, '0').slice(0, 5),
    control,
    '0',
    (ix?.usageIndicator ?? 'P').slice(0, 1) || 'P',
    w.d.component,
  ];
  w.out.push(isa.join(w.d.element));
  let groups = 0;
  let i = 0;
  while (i < txs.length) {
    const g = txs[i].group;
    let j = i;
    while (j < txs.length && txs[j].group?.controlNumber === g?.controlNumber) j++;
    const gControl = g?.controlNumber ?? String(groups + 1);
    const version = g?.version || txs[i].implementationConvention || '005010X221A1';
    w.seg(
      'GS',
      'HP',
      g?.senderCode ?? 'SENDER',
      g?.receiverCode ?? 'RECEIVER',
      g?.date ?? '20000101',
      g?.time ?? '0000',
      gControl,
      'X',
      version,
    );
    for (let k = i; k < j; k++) writeTransaction(w, txs[k]);
    w.seg('GE', String(j - i), gControl);
    groups++;
    i = j;
  }
  w.seg('IEA', String(groups), control);
}

function writeTransaction(w: SegmentWriter, t: Transaction835): void {
  const start = w.out.length;
  w.seg(
    'ST',
    '835',
    t.controlNumber,
    t.implementationConvention.startsWith('005010') ? t.implementationConvention : undefined,
  );
  const p = t.payment as unknown as Record<string, string | undefined>;
  const bpr = BPR_FIELDS.slice(1).map((name, k) =>
    k + 1 === 2 ? amt(t.payment.amount) : k + 1 === 16 ? dt(t.payment.date) : p[name as string],
  );
  w.seg('BPR', ...bpr);
  if (t.trace)
    w.seg(
      'TRN',
      t.trace.typeCode,
      t.trace.referenceId,
      t.trace.originatingCompanyId,
      t.trace.supplementalCode,
    );
  if (t.currency) w.seg('CUR', ...t.currency.elements);
  for (const r of t.references) w.seg('REF', r.qualifier, r.value, r.description);
  if (t.productionDate) w.seg('DTM', '405', dt(t.productionDate));
  w.seg('N1', 'PR', t.payer.name, t.payer.idQualifier, t.payer.id);
  writeAddress(w, t.payer.address);
  for (const r of t.payer.references) w.seg('REF', r.qualifier, r.value, r.description);
  for (const c of t.payer.contacts) {
    w.seg(
      'PER',
      c.functionCode,
      c.name,
      ...c.communications.flatMap((x) => [x.qualifier, x.number]),
    );
  }
  w.seg('N1', 'PE', t.payee.name, t.payee.idQualifier, t.payee.id);
  writeAddress(w, t.payee.address);
  for (const r of t.payee.references) w.seg('REF', r.qualifier, r.value, r.description);
  if (t.payee.remittanceDelivery) w.seg('RDM', ...t.payee.remittanceDelivery.elements);
  let next = 0;
  let current: string | undefined;
  const writeSummary = (k: number) => {
    const s = t.providerSummaries[k];
    w.seg('LX', s.assignedNumber);
    if (s.ts3) {
      const ts3: (string | undefined)[] = [
        s.ts3.providerId,
        s.ts3.facilityTypeCode,
        dt(s.ts3.fiscalPeriodDate),
        s.ts3.totalClaimCount,
        amt(s.ts3.totalClaimChargeAmount),
      ];
      w.seg('TS3', ...ts3.concat(positionalValues(s.ts3.amounts, 24, TS3_AMOUNTS).slice(5)));
    }
    if (s.ts2) w.seg('TS2', ...positionalValues(s.ts2, 19, TS2_AMOUNTS));
  };
  for (const c of t.claims) {
    if (c.headerNumber !== undefined && c.headerNumber !== current) {
      while (next < t.providerSummaries.length) {
        const k = next++;
        writeSummary(k);
        if (t.providerSummaries[k].assignedNumber === c.headerNumber) break;
      }
      current = c.headerNumber;
    }
    writeClaim(w, c);
  }
  while (next < t.providerSummaries.length) writeSummary(next++);
  for (const plb of t.providerAdjustments) {
    const pairs = plb.adjustments.flatMap((a) => [
      w.composite([a.reason, a.reference]),
      amt(a.amount),
    ]);
    w.seg('PLB', plb.providerId, dt(plb.fiscalPeriodDate), ...pairs);
  }
  w.seg('SE', String(w.out.length - start + 1), t.controlNumber);
}

/** Values of a positional record as an element array (index 0 = element 1). */
function positionalValues(
  rec: Record<string, string>,
  max: number,
  amounts: ReadonlySet<number>,
): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (let i = 1; i <= max; i++) {
    const v = rec[String(i)];
    out.push(v !== undefined && amounts.has(i) ? toX12Amount(v) : v);
  }
  return out;
}

function writeAddress(w: SegmentWriter, a: Transaction835['payer']['address']): void {
  if (!a) return;
  if (a.line1 !== undefined) w.seg('N3', a.line1, a.line2);
  if (a.city !== undefined)
    w.seg(
      'N4',
      a.city,
      a.state,
      a.postalCode,
      a.countryCode,
      undefined,
      undefined,
      a.countrySubdivision,
    );
}

function writeEntity(w: SegmentWriter, code: string, e: Entity): void {
  w.seg(
    'NM1',
    code,
    e.entityType,
    e.lastName,
    e.firstName,
    e.middleName,
    e.prefix,
    e.suffix,
    e.idQualifier,
    e.id,
  );
}

function writeAdjustments(w: SegmentWriter, adjs: Adjustment[]): void {
  let i = 0;
  while (i < adjs.length) {
    const group = adjs[i].group;
    const els: (string | undefined)[] = [group];
    let n = 0;
    while (i < adjs.length && adjs[i].group === group && n < 6) {
      els.push(adjs[i].reason, amt(adjs[i].amount), adjs[i].quantity);
      i++;
      n++;
    }
    w.seg('CAS', ...els);
  }
}

function procedure(w: SegmentWriter, p: Procedure | undefined): string[] | undefined {
  if (p === undefined) return undefined;
  const mods = [...p.modifiers];
  while (mods.length < 4 && p.description !== undefined) mods.push('');
  return w.composite([p.qualifier, p.code, ...mods, p.description]);
}

function writeClaim(w: SegmentWriter, c: Claim835): void {
  w.seg(
    'CLP',
    c.patientControlNumber,
    c.statusCode,
    amt(c.chargeAmount),
    amt(c.paymentAmount),
    amt(c.patientResponsibility),
    c.claimFilingIndicator,
    c.payerClaimControlNumber,
    c.facilityTypeCode,
    c.frequencyCode,
    undefined,
    c.drgCode,
    c.drgWeight,
    c.dischargeFraction,
  );
  writeAdjustments(
    w,
    c.adjustments.filter((a) => a.level === 'claim'),
  );
  for (const [key, code] of NM1_ORDER) {
    const e = c[key] as Entity | undefined;
    if (e !== undefined) writeEntity(w, code, e);
  }
  if (c.inpatientAdjudication)
    w.seg('MIA', ...positionalValues(c.inpatientAdjudication, 24, MIA_AMOUNTS));
  if (c.outpatientAdjudication)
    w.seg('MOA', ...positionalValues(c.outpatientAdjudication, 9, MOA_AMOUNTS));
  for (const r of c.references) w.seg('REF', r.qualifier, r.value, r.description);
  for (const x of c.dates) w.seg('DTM', x.qualifier, dt(x.date));
  for (const p of c.contacts)
    w.seg(
      'PER',
      p.functionCode,
      p.name,
      ...p.communications.flatMap((x) => [x.qualifier, x.number]),
    );
  for (const a of c.amounts) w.seg('AMT', a.qualifier, amt(a.amount));
  for (const q of c.quantities) w.seg('QTY', q.qualifier, q.quantity);
  for (const s of c.services) writeService(w, c, s);
}

function writeService(w: SegmentWriter, c: Claim835, s: Service835): void {
  w.seg(
    'SVC',
    procedure(w, s.procedure),
    amt(s.chargeAmount),
    amt(s.paymentAmount),
    s.revenueCode,
    s.units,
    procedure(w, s.originalProcedure),
    s.originalUnits,
  );
  for (const x of s.dates) w.seg('DTM', x.qualifier, dt(x.date));
  writeAdjustments(
    w,
    c.adjustments.filter((a) => a.level === 'service' && a.serviceLine === s.lineNumber),
  );
  for (const r of s.references) w.seg('REF', r.qualifier, r.value, r.description);
  for (const a of s.amounts) w.seg('AMT', a.qualifier, amt(a.amount));
  for (const q of s.quantities) w.seg('QTY', q.qualifier, q.quantity);
  for (const r of c.remarks) {
    if (r.source === 'LQ' && r.serviceLine === s.lineNumber) w.seg('LQ', r.qualifier, r.code);
  }
}
