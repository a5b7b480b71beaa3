/**
 * Synthetic, balanced 835s for property tests and the benchmark. All names and ids are made
 * up from a seeded PRNG: no real patient data, reproducible from the seed.
 */
import type { Delimiters } from '../types';

export type Element = string | string[];

export interface SynthAdjustment {
  group: string;
  reason: string;
  cents: number;
}

export interface SynthService {
  procedure: string;
  modifiers: string[];
  chargeCents: number;
  adjustments: SynthAdjustment[];
  remarks: string[];
  units: string;
  date: string;
}

export interface SynthClaim {
  patientControlNumber: string;
  status: string;
  payerClaimControlNumber: string;
  patientLast: string;
  patientFirst: string;
  memberId: string;
  claimAdjustments: SynthAdjustment[];
  services: SynthService[];
  moaRemarks: string[];
}

export interface SynthTransaction {
  controlNumber: string;
  payerName: string;
  payeeName: string;
  npi: string;
  claims: SynthClaim[];
  plb: { reason: string; reference?: string; cents: number }[];
}

/** mulberry32: tiny, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function cents(c: number): string {
  const neg = c < 0;
  const a = Math.abs(c);
  const s = `${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
  return neg ? `-${s}` : s;
}

const LAST = ['ALPHA', 'BRAVO', 'CHARLIE', 'DELTA', 'ECHO', 'FOXTROT', 'GOLF', 'HOTEL'];
const FIRST = ['ANN', 'BOB', 'CAT', 'DAN', 'EVE', 'FAY', 'GUS', 'HAL'];
const PROCS = ['99213', '99214', '97110', '80053', '36415', '71046', 'J1100', 'G0439'];
const DENIALS = ['16', '29', '50', '96', '197', '204', '151', '11'];
const REMARKS = ['N130', 'M15', 'N381', 'MA130', 'N290', 'M86'];

/** A realistic claim mix: most paid with contractual CO 45, some partial, some denied. */
export function randomTransaction(
  rand: () => number,
  controlNumber: string,
  claimCount: number,
): SynthTransaction {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const claims: SynthClaim[] = [];
  for (let i = 0; i < claimCount; i++) {
    const kind = rand();
    const services: SynthService[] = [];
    const lines = 1 + Math.floor(rand() * 4);
    for (let l = 0; l < lines; l++) {
      const charge = 2000 + Math.floor(rand() * 50000);
      const adjustments: SynthAdjustment[] = [];
      const remarks: string[] = [];
      if (kind < 0.15 || (kind < 0.3 && l === 0)) {
        adjustments.push({ group: 'CO', reason: pick(DENIALS), cents: charge });
        remarks.push(pick(REMARKS));
      } else {
        const contractual = Math.floor(charge * 0.3);
        adjustments.push({ group: 'CO', reason: '45', cents: contractual });
        if (rand() < 0.4)
          adjustments.push({
            group: 'PR',
            reason: pick(['1', '2', '3']),
            cents: Math.floor((charge - contractual) * 0.2),
          });
      }
      services.push({
        procedure: pick(PROCS),
        modifiers: rand() < 0.3 ? ['25'] : [],
        chargeCents: charge,
        adjustments,
        remarks,
        units: '1',
        date: '20240115',
      });
    }
    const claimAdjustments: SynthAdjustment[] =
      kind >= 0.3 && rand() < 0.1 ? [{ group: 'OA', reason: '23', cents: 100 }] : [];
    claims.push({
      patientControlNumber: `PCN${controlNumber}${i}`,
      status: kind < 0.15 ? '4' : '1',
      payerClaimControlNumber: `PY${Math.floor(rand() * 1e12)}`,
      patientLast: pick(LAST),
      patientFirst: pick(FIRST),
      memberId: `M${Math.floor(rand() * 1e9)}`,
      claimAdjustments,
      services,
      moaRemarks: rand() < 0.2 ? [pick(REMARKS)] : [],
    });
  }
  const plb = rand() < 0.5 ? [{ reason: 'WO', reference: `R${controlNumber}`, cents: 1234 }] : [];
  return {
    controlNumber,
    payerName: 'SYNTHETIC PAYER',
    payeeName: 'SYNTHETIC CLINIC',
    npi: '1999999984',
    claims,
    plb,
  };
}

function sum(xs: SynthAdjustment[]): number {
  return xs.reduce((n, a) => n + a.cents, 0);
}

export function servicePaid(s: SynthService): number {
  return s.chargeCents - sum(s.adjustments);
}

export function claimCharge(c: SynthClaim): number {
  return c.services.reduce((n, s) => n + s.chargeCents, 0);
}

export function claimPaid(c: SynthClaim): number {
  return c.services.reduce((n, s) => n + servicePaid(s), 0) - sum(c.claimAdjustments);
}

export function transactionSegments(t: SynthTransaction): Element[][] {
  const body: Element[][] = [];
  const total =
    t.claims.reduce((n, c) => n + claimPaid(c), 0) - t.plb.reduce((n, p) => n + p.cents, 0);
  body.push([
    'BPR',
    'I',
    cents(total),
    'C',
    'ACH',
    'CCP',
    '01',
    '011000015',
    'DA',
    '123456',
    '1512345678',
    '',
    '01',
    '011000028',
    'DA',
    '654321',
    '20240201',
  ]);
  body.push(['TRN', '1', `TR${t.controlNumber}`, '1512345678']);
  body.push(['DTM', '405', '20240131']);
  body.push(['N1', 'PR', t.payerName]);
  body.push(['N3', '1 SYNTHETIC WAY']);
  body.push(['N4', 'NOWHERE', 'NY', '10001']);
  body.push(['PER', 'BL', 'PROVIDER SERVICES', 'TE', '8005550100']);
  body.push(['N1', 'PE', t.payeeName, 'XX', t.npi]);
  body.push(['REF', 'TJ', '999999999']);
  body.push(['LX', '1']);
  for (const c of t.claims) {
    const pr = c.services.reduce(
      (n, s) => n + sum(s.adjustments.filter((a) => a.group === 'PR')),
      0,
    );
    body.push([
      'CLP',
      c.patientControlNumber,
      c.status,
      cents(claimCharge(c)),
      cents(claimPaid(c)),
      pr ? cents(pr) : '',
      '12',
      c.payerClaimControlNumber,
      '11',
      '1',
    ]);
    for (const a of c.claimAdjustments) body.push(['CAS', a.group, a.reason, cents(a.cents)]);
    body.push(['NM1', 'QC', '1', c.patientLast, c.patientFirst, '', '', '', 'MI', c.memberId]);
    if (c.moaRemarks.length) body.push(['MOA', '', '', ...c.moaRemarks]);
    body.push(['DTM', '232', '20240115']);
    body.push(['DTM', '233', '20240115']);
    for (const s of c.services) {
      body.push([
        'SVC',
        ['HC', s.procedure, ...s.modifiers],
        cents(s.chargeCents),
        cents(servicePaid(s)),
        '',
        s.units,
      ]);
      body.push(['DTM', '472', s.date]);
      const groups = [...new Set(s.adjustments.map((a) => a.group))];
      for (const g of groups) {
        body.push([
          'CAS',
          g,
          ...s.adjustments
            .filter((a) => a.group === g)
            .flatMap((a) => [a.reason, cents(a.cents), '']),
        ]);
      }
      body.push(['REF', '6R', `L${c.patientControlNumber}`]);
      for (const r of s.remarks) body.push(['LQ', 'HE', r]);
    }
  }
  for (const p of t.plb)
    body.push([
      'PLB',
      t.npi,
      '20241231',
      p.reference ? [p.reason, p.reference] : p.reason,
      cents(p.cents),
    ]);
  return [
    ['ST', '835', t.controlNumber, '005010X221A1'],
    ...body,
    ['SE', String(body.length + 2), t.controlNumber],
  ];
}

export function isaSegment(d: Delimiters, control: string): Element[] {
  return [
    'ISA',
    '00',
    ' '.repeat(10),
    '00',
    ' '.repeat(10),
    'ZZ',
    'SYNTHPAYER     ',
    'ZZ',
    'SYNTHCLINIC    ',
    '240131',
    '1200',
    d.repetition,
    '00501',
    control.padStart(9, '0'),
    '0',
    'T',
    d.component,
  ];
}

export function renderSegments(segments: Element[][], d: Delimiters, lineBreaks = false): string {
  const term = d.segment + (lineBreaks && d.segment !== '\n' ? '\n' : '');
  let out = '';
  for (const seg of segments) {
    let s = '';
    for (let i = 0; i < seg.length; i++) {
      const e = seg[i];
      if (i > 0) s += d.element;
      s += typeof e === 'string' ? e : e.join(d.component);
    }
    out += s + term;
  }
  return out;
}

/** One interchange, one group, the given transactions. */
export function renderInterchange(
  txs: SynthTransaction[],
  d: Delimiters,
  control = '1',
  lineBreaks = false,
): string {
  const segs: Element[][] = [
    isaSegment(d, control),
    ['GS', 'HP', 'SYNTHPAYER', 'SYNTHCLINIC', '20240131', '1200', control, 'X', '005010X221A1'],
  ];
  // No spread: a 10k-claim transaction has more segments than the call stack has room for.
  for (const t of txs) for (const seg of transactionSegments(t)) segs.push(seg);
  segs.push(['GE', String(txs.length), control], ['IEA', '1', control.padStart(9, '0')]);
  return renderSegments(segs, d, lineBreaks);
}
