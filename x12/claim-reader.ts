/**
 * Loops 2100 (claim) and 2110 (service line). Keeps running cents per claim and per line so
 * balancing costs nothing extra when the loop closes.
 */
import { deriveClaim } from './claim-derived';
import type { X12IssueCode, X12Severity } from './errors';
import {
  amountAt,
  compositeAt,
  contactOf,
  dateAt,
  entityOf,
  maxElements,
  numberAt,
  opt,
  pad,
  positional,
  procedureAt,
  referenceOf,
  req,
  type ReadContext,
} from './element-readers';
import { centsOf, formatCents } from './money';
import type { Claim835, ClaimStatus, Entity, Remark, Service835 } from './types';

export interface SegAt {
  segmentIndex: number;
  byteOffset: number;
  elements: string[];
  utf8: boolean;
}

export interface BuildContext extends ReadContext {
  here(): SegAt;
  reportAt(
    severity: X12Severity,
    code: X12IssueCode,
    message: string,
    at: SegAt,
    element?: number,
  ): void;
}

const STATUS: Record<string, ClaimStatus> = {
  '1': 'processed_primary',
  '2': 'processed_secondary',
  '3': 'processed_tertiary',
  '4': 'denied',
  '19': 'processed_primary_forwarded',
  '20': 'processed_secondary_forwarded',
  '21': 'processed_tertiary_forwarded',
  '22': 'reversal',
  '23': 'not_our_claim_forwarded',
  '25': 'predetermination_only',
};

const GROUPS = new Set(['CO', 'CR', 'OA', 'PI', 'PR']);
export const MIA_AMOUNTS = new Set([2, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19, 24]);
const MIA_REMARKS = [5, 20, 21, 22, 23];
export const MOA_AMOUNTS = new Set([2, 8, 9]);
const MOA_REMARKS = [3, 4, 5, 6, 7];
const NM1_ROLES: Record<string, keyof Claim835> = {
  QC: 'patient',
  IL: 'insured',
  '74': 'correctedPatient',
  '82': 'renderingProvider',
  TT: 'crossoverCarrier',
  PR: 'correctedPriorityPayer',
  GB: 'otherSubscriber',
};

interface OpenService {
  service: Service835;
  at: SegAt;
  balanced: boolean;
  casCents: number;
}

export class ClaimReader {
  readonly claim: Claim835;
  private readonly at: SegAt;
  private casCents = 0;
  private service: OpenService | undefined;

  constructor(
    private readonly ctx: BuildContext,
    headerNumber: string | undefined,
  ) {
    this.at = ctx.here();
    const status = req(ctx, 2);
    const statusName = STATUS[status];
    if (status !== '' && statusName === undefined) {
      ctx.report('error', 'X12_INVALID_CODE', 'CLP02 is not a known claim status code', 2);
    }
    const seg = ctx.seg;
    const n = seg.length;
    // Every optional key is present (undefined when absent) so all claims share one V8 shape;
    // JSON.stringify drops the undefined ones.
    const c: Claim835 = {
      headerNumber,
      patientControlNumber: req(ctx, 1),
      statusCode: status,
      status: statusName ?? 'unknown',
      chargeAmount: amountAt(ctx, 3, true),
      paymentAmount: amountAt(ctx, 4, true),
      patientResponsibility: amountAt(ctx, 5),
      claimFilingIndicator: n > 6 && seg[6] !== '' ? seg[6] : undefined,
      payerClaimControlNumber: n > 7 && seg[7] !== '' ? seg[7] : undefined,
      facilityTypeCode: n > 8 && seg[8] !== '' ? seg[8] : undefined,
      frequencyCode: n > 9 && seg[9] !== '' ? seg[9] : undefined,
      drgCode: n > 11 && seg[11] !== '' ? seg[11] : undefined,
      drgWeight: numberAt(ctx, 12),
      dischargeFraction: numberAt(ctx, 13),
      patient: undefined,
      insured: undefined,
      correctedPatient: undefined,
      renderingProvider: undefined,
      crossoverCarrier: undefined,
      correctedPriorityPayer: undefined,
      otherSubscriber: undefined,
      inpatientAdjudication: undefined,
      outpatientAdjudication: undefined,
      serviceDateFrom: undefined,
      serviceDateTo: undefined,
      receivedDate: undefined,
      dates: [],
      references: [],
      contacts: [],
      amounts: [],
      quantities: [],
      adjustments: [],
      remarks: [],
      services: [],
      derived: undefined as unknown as Claim835['derived'],
    };
    if (opt(ctx, 10) !== undefined) {
      ctx.report(
        'warning',
        'X12_TOO_MANY_ELEMENTS',
        'CLP10 is not used in 005010X221A1 and was ignored',
        10,
      );
    }
    maxElements(ctx, 13);
    this.claim = c;
  }

  /** Returns false when the segment does not belong to loops 2100/2110. */
  segment(id: string): boolean {
    const ctx = this.ctx;
    const s = this.service;
    switch (id) {
      case 'CAS':
        this.cas();
        return true;
      case 'SVC':
        this.closeService();
        this.openService();
        return true;
      case 'DTM': {
        const qualifier = ctx.intern(req(ctx, 1));
        const date = dateAt(ctx, 2, true) ?? '';
        maxElements(ctx, 2);
        if (s !== undefined) {
          s.service.dates.push({ qualifier, date });
          if (qualifier === '472' || qualifier === '150') s.service.serviceDateFrom = date;
          if (qualifier === '472' || qualifier === '151') s.service.serviceDateTo = date;
        } else {
          this.claim.dates.push({ qualifier, date });
          if (qualifier === '232') this.claim.serviceDateFrom = date;
          else if (qualifier === '233') this.claim.serviceDateTo = date;
          else if (qualifier === '050') this.claim.receivedDate = date;
        }
        return true;
      }
      case 'REF': {
        const r = referenceOf(ctx);
        if (s !== undefined) {
          s.service.references.push(r);
          if (r.qualifier === '6R') s.service.lineItemControlNumber = r.value;
        } else {
          this.claim.references.push(r);
        }
        return true;
      }
      case 'AMT': {
        const a = { qualifier: ctx.intern(req(ctx, 1)), amount: amountAt(ctx, 2, true) };
        (s !== undefined ? s.service.amounts : this.claim.amounts).push(a);
        return true;
      }
      case 'QTY': {
        const q = { qualifier: ctx.intern(req(ctx, 1)), quantity: numberAt(ctx, 2) ?? req(ctx, 2) };
        (s !== undefined ? s.service.quantities : this.claim.quantities).push(q);
        return true;
      }
      case 'LQ':
        if (s === undefined) return false;
        this.claim.remarks.push({
          code: ctx.intern(req(ctx, 2)),
          source: 'LQ',
          qualifier: req(ctx, 1),
          level: 'service',
          serviceLine: s.service.lineNumber,
        });
        return true;
    }
    if (s !== undefined) {
      return false;
    }
    switch (id) {
      case 'NM1': {
        const role = NM1_ROLES[req(ctx, 1)];
        if (role === undefined) {
          ctx.report(
            'error',
            'X12_INVALID_CODE',
            'NM101 is not an entity code allowed in loop 2100',
            1,
          );
        } else {
          (this.claim as unknown as Record<string, Entity>)[role] = entityOf(ctx);
        }
        return true;
      }
      case 'MIA':
        req(ctx, 1);
        this.claim.inpatientAdjudication = positional(ctx, MIA_AMOUNTS);
        this.remarksFrom('MIA', MIA_REMARKS);
        maxElements(ctx, 24);
        return true;
      case 'MOA':
        this.claim.outpatientAdjudication = positional(ctx, MOA_AMOUNTS);
        this.remarksFrom('MOA', MOA_REMARKS);
        maxElements(ctx, 9);
        return true;
      case 'PER':
        this.claim.contacts.push(contactOf(ctx));
        return true;
    }
    return false;
  }

  private remarksFrom(source: Remark['source'], positions: number[]): void {
    for (const i of positions) {
      const code = opt(this.ctx, i);
      if (code !== undefined) {
        this.claim.remarks.push({
          code: this.ctx.intern(code),
          source,
          qualifier: 'HE',
          level: 'claim',
          serviceLine: undefined,
        });
      }
    }
  }

  private cas(): void {
    const ctx = this.ctx;
    const group = req(ctx, 1);
    if (group !== '' && !GROUPS.has(group)) {
      ctx.report('error', 'X12_INVALID_CODE', 'CAS01 is not a claim adjustment group code', 1);
    }
    const s = this.service;
    let sum = 0;
    for (let i = 2; i <= 17; i += 3) {
      const reason = opt(ctx, i);
      if (reason === undefined) {
        if (opt(ctx, i + 1) !== undefined) {
          ctx.report(
            'error',
            'X12_MISSING_ELEMENT',
            `CAS${pad(i)} reason is empty but its amount is not`,
            i,
          );
        } else if (i === 2) {
          ctx.report('error', 'X12_MISSING_ELEMENT', 'CAS02 is required but empty', 2);
        }
        continue;
      }
      const amount = amountAt(ctx, i + 1, true);
      const adj: Claim835['adjustments'][number] = {
        level: s === undefined ? 'claim' : 'service',
        serviceLine: s === undefined ? undefined : s.service.lineNumber,
        group,
        reason: ctx.intern(reason),
        amount,
        quantity: numberAt(ctx, i + 2),
      };
      this.claim.adjustments.push(adj);
      sum += centsOf(amount);
    }
    maxElements(ctx, 19);
    this.casCents += sum;
    if (s !== undefined) s.casCents += sum;
  }

  private openService(): void {
    const ctx = this.ctx;
    const lineNumber = this.claim.services.length + 1;
    const procedure = procedureAt(ctx, 1, true) as Service835['procedure'];
    const charge = amountAt(ctx, 2, true);
    const paid = amountAt(ctx, 3, true);
    const service: Service835 = {
      lineNumber,
      procedure,
      chargeAmount: charge,
      paymentAmount: paid,
      revenueCode: opt(ctx, 4),
      units: numberAt(ctx, 5),
      originalProcedure: compositeAt(ctx, 6) !== undefined ? procedureAt(ctx, 6, false) : undefined,
      originalUnits: numberAt(ctx, 7),
      serviceDateFrom: undefined,
      serviceDateTo: undefined,
      lineItemControlNumber: undefined,
      dates: [],
      references: [],
      amounts: [],
      quantities: [],
    };
    maxElements(ctx, 7);
    this.claim.services.push(service);
    const balanced = opt(ctx, 2) !== undefined && opt(ctx, 3) !== undefined;
    this.service = { service, at: ctx.here(), balanced, casCents: 0 };
  }

  private closeService(): void {
    const s = this.service;
    if (s === undefined) return;
    this.service = undefined;
    const svc = s.service;
    const expected = centsOf(svc.chargeAmount) - s.casCents;
    if (s.balanced && expected !== centsOf(svc.paymentAmount)) {
      this.ctx.reportAt(
        'warning',
        'X12_SERVICE_UNBALANCED',
        `service line ${svc.lineNumber}: SVC02 ${svc.chargeAmount} - adjustments ${formatCents(s.casCents)} = ${formatCents(expected)}, but SVC03 is ${svc.paymentAmount}`,
        s.at,
        3,
      );
    }
  }

  /** Closes the claim: balancing, date fallbacks and derived facts. */
  close(): Claim835 {
    this.closeService();
    const c = this.claim;
    const expected = centsOf(c.chargeAmount) - this.casCents;
    if (expected !== centsOf(c.paymentAmount)) {
      this.ctx.reportAt(
        'warning',
        'X12_CLAIM_UNBALANCED',
        `claim: CLP03 ${c.chargeAmount} - adjustments ${formatCents(this.casCents)} = ${formatCents(expected)}, but CLP04 is ${c.paymentAmount}`,
        this.at,
        4,
      );
    }
    if (c.serviceDateFrom === undefined || c.serviceDateTo === undefined) {
      let from: string | undefined;
      let to: string | undefined;
      for (const s of c.services) {
        if (s.serviceDateFrom !== undefined && (from === undefined || s.serviceDateFrom < from))
          from = s.serviceDateFrom;
        if (s.serviceDateTo !== undefined && (to === undefined || s.serviceDateTo > to))
          to = s.serviceDateTo;
      }
      if (c.serviceDateFrom === undefined && from !== undefined) c.serviceDateFrom = from;
      if (c.serviceDateTo === undefined && to !== undefined) c.serviceDateTo = to;
    }
    compact(c);
    for (const svc of c.services) compact(svc);
    c.derived = deriveClaim(c);
    return c;
  }
}

/**
 * Arrays grown by push keep room for 17 entries; most of ours hold one or two. Copying them to
 * exact size once the loop closes cuts the retained model by about a third (and GC with it).
 */
function compact(o: Claim835 | Service835): void {
  const r = o as unknown as Record<string, unknown[]>;
  for (const k of COMPACTED) {
    const a = r[k];
    if (a !== undefined && a.length > 0) r[k] = a.slice();
  }
}

const COMPACTED = [
  'dates',
  'references',
  'amounts',
  'quantities',
  'contacts',
  'adjustments',
  'remarks',
  'services',
];
