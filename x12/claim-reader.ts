/**
 * Loops 2100 (claim) and 2110 (service line). Keeps running cents per claim and per line so
 * balancing costs nothing extra when the loop closes.
 *
 * One reader serves every claim of a transaction. Lists are gathered in scratch lists and
 * copied to exact size once, when their loop closes: lists grown by push would keep room for
 * 17 entries (most hold one or two) and leave a trail of outgrown copies for the collector.
 */
import { DerivedLists, deriveClaim } from './claim-derived';
import type { X12IssueCode, X12Position, X12Severity } from './errors';
import {
  amountAt,
  code,
  contactOf,
  dateAt,
  entityOf,
  has,
  lastAmountCents,
  maxElements,
  need,
  numberAt,
  optCode,
  pad,
  positional,
  procedureAt,
  referenceOf,
  req,
  reqCode,
  text,
  type ReadContext,
} from './element-readers';
import { formatCents } from './money';
import { EMPTY, SharedLists } from './shared-lists';
import type {
  Adjustment,
  AmountRef,
  Claim835,
  ClaimStatus,
  Contact,
  DateRef,
  Entity,
  QuantityRef,
  Reference,
  Remark,
  Service835,
} from './types';

export interface BuildContext extends ReadContext {
  /** Reports at a position captured earlier (a loop's balance is known only when it closes). */
  reportAt(severity: X12Severity, code: X12IssueCode, message: string, at: X12Position): void;
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

/** A list filled entry by entry and handed over at exact size. */
class Scratch<T> {
  private readonly items: T[] = [];
  n = 0;

  add(item: T): void {
    this.items[this.n++] = item;
  }

  at(i: number): T {
    return this.items[i];
  }

  take(): T[] {
    const n = this.n;
    if (n === 0) return EMPTY;
    this.n = 0;
    return this.items.slice(0, n);
  }

  /** The entries as a list shared with every equal list taken before. */
  takeShared(lists: SharedLists<T>): T[] {
    const n = this.n;
    this.n = 0;
    return lists.get(this.items, n);
  }
}

export class ClaimReader {
  /** The claim being read; undefined between claims. */
  claim: Claim835 | undefined;
  private clpSegment = 0;
  private clpOffset = 0;
  private chargeCents = 0;
  /** CLP04 of the claim being read, or of the claim closed last. */
  paidCents = 0;
  private casCents = 0;
  /** Cents of each entry of `adjustments`, for deriveClaim. */
  private readonly adjustmentCents: number[] = [];
  private readonly dates = new Scratch<DateRef>();
  private readonly references = new Scratch<Reference>();
  private readonly contacts = new Scratch<Contact>();
  private readonly amounts = new Scratch<AmountRef>();
  private readonly quantities = new Scratch<QuantityRef>();
  private readonly adjustments = new Scratch<Adjustment>();
  private readonly remarks = new Scratch<Remark>();
  private readonly services = new Scratch<Service835>();
  /** The open service line (loop 2110) and what its balance check needs. */
  private service: Service835 | undefined;
  private svcSegment = 0;
  private svcOffset = 0;
  private svcBalanced = false;
  private svcChargeCents = 0;
  private svcPaidCents = 0;
  /** Sum of the open line's CAS amounts. */
  private svcCents = 0;
  private readonly svcDates = new Scratch<DateRef>();
  private readonly svcReferences = new Scratch<Reference>();
  private readonly svcAmounts = new Scratch<AmountRef>();
  private readonly svcQuantities = new Scratch<QuantityRef>();
  /** Shared, frozen DateRefs: a transaction repeats a few dozen (qualifier, date) pairs. */
  private readonly dateRefs = new Map<string, Map<string, DateRef>>();
  private readonly dateLists = new SharedLists<DateRef>();
  private readonly derivedLists = new DerivedLists();

  constructor(private readonly ctx: BuildContext) {}

  /** Starts a claim at its CLP. */
  open(headerNumber: string | undefined): void {
    const ctx = this.ctx;
    const status = reqCode(ctx, 2);
    const statusName = STATUS[status];
    if (status !== '' && statusName === undefined) {
      ctx.report('error', 'X12_INVALID_CODE', 'CLP02 is not a known claim status code', 2);
    }
    const patientControlNumber = req(ctx, 1);
    const chargeAmount = amountAt(ctx, 3, true);
    this.chargeCents = lastAmountCents();
    const paymentAmount = amountAt(ctx, 4, true);
    this.paidCents = lastAmountCents();
    // Every optional key is present (undefined when absent) so all claims share one V8 shape;
    // JSON.stringify drops the undefined ones. Lists are filled in when the claim closes.
    this.claim = {
      headerNumber,
      patientControlNumber,
      statusCode: status,
      status: statusName ?? 'unknown',
      chargeAmount,
      paymentAmount,
      patientResponsibility: amountAt(ctx, 5),
      claimFilingIndicator: optCode(ctx, 6),
      payerClaimControlNumber: has(ctx, 7) ? text(ctx, 7) : undefined,
      facilityTypeCode: optCode(ctx, 8),
      frequencyCode: optCode(ctx, 9),
      drgCode: optCode(ctx, 11),
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
      dates: EMPTY,
      references: EMPTY,
      contacts: EMPTY,
      amounts: EMPTY,
      quantities: EMPTY,
      adjustments: EMPTY,
      remarks: EMPTY,
      services: EMPTY,
      derived: undefined as unknown as Claim835['derived'],
    };
    this.clpSegment = ctx.view.index;
    this.clpOffset = ctx.view.offsetOf(4);
    this.casCents = 0;
    if (has(ctx, 10)) {
      ctx.report(
        'warning',
        'X12_TOO_MANY_ELEMENTS',
        'CLP10 is not used in 005010X221A1 and was ignored',
        10,
      );
    }
    maxElements(ctx, 13);
  }

  /** Returns false when the segment does not belong to loops 2100/2110. */
  segment(id: string): boolean {
    const ctx = this.ctx;
    const s = this.service;
    const c = this.claim as Claim835;
    switch (id) {
      case 'CAS':
        this.cas();
        return true;
      case 'SVC':
        this.closeService();
        this.openService();
        return true;
      case 'DTM': {
        const qualifier = reqCode(ctx, 1);
        const date = dateAt(ctx, 2, true) ?? '';
        maxElements(ctx, 2);
        const ref = this.dateRef(qualifier, date);
        if (s !== undefined) {
          this.svcDates.add(ref);
          if (qualifier === '472' || qualifier === '150') s.serviceDateFrom = date;
          if (qualifier === '472' || qualifier === '151') s.serviceDateTo = date;
        } else {
          this.dates.add(ref);
          if (qualifier === '232') c.serviceDateFrom = date;
          else if (qualifier === '233') c.serviceDateTo = date;
          else if (qualifier === '050') c.receivedDate = date;
        }
        return true;
      }
      case 'REF': {
        const r = referenceOf(ctx);
        if (s !== undefined) {
          this.svcReferences.add(r);
          if (r.qualifier === '6R') s.lineItemControlNumber = r.value;
        } else {
          this.references.add(r);
        }
        return true;
      }
      case 'AMT': {
        const a = { qualifier: reqCode(ctx, 1), amount: amountAt(ctx, 2, true) };
        (s !== undefined ? this.svcAmounts : this.amounts).add(a);
        return true;
      }
      case 'QTY': {
        const q = { qualifier: reqCode(ctx, 1), quantity: numberAt(ctx, 2) ?? reqCode(ctx, 2) };
        (s !== undefined ? this.svcQuantities : this.quantities).add(q);
        return true;
      }
      case 'LQ':
        if (s === undefined) return false;
        this.remarks.add({
          code: reqCode(ctx, 2),
          source: 'LQ',
          qualifier: reqCode(ctx, 1),
          level: 'service',
          serviceLine: s.lineNumber,
        });
        return true;
    }
    if (s !== undefined) {
      return false;
    }
    switch (id) {
      case 'NM1': {
        const role = NM1_ROLES[reqCode(ctx, 1)];
        if (role === undefined) {
          ctx.report(
            'error',
            'X12_INVALID_CODE',
            'NM101 is not an entity code allowed in loop 2100',
            1,
          );
        } else {
          (c as unknown as Record<string, Entity>)[role] = entityOf(ctx);
        }
        return true;
      }
      case 'MIA':
        need(ctx, 1);
        c.inpatientAdjudication = positional(ctx, MIA_AMOUNTS);
        this.remarksFrom('MIA', MIA_REMARKS);
        maxElements(ctx, 24);
        return true;
      case 'MOA':
        c.outpatientAdjudication = positional(ctx, MOA_AMOUNTS);
        this.remarksFrom('MOA', MOA_REMARKS);
        maxElements(ctx, 9);
        return true;
      case 'PER':
        this.contacts.add(contactOf(ctx));
        return true;
    }
    return false;
  }

  private dateRef(qualifier: string, date: string): DateRef {
    let byDate = this.dateRefs.get(qualifier);
    if (byDate === undefined) {
      if (this.dateRefs.size >= 64) this.dateRefs.clear();
      byDate = new Map();
      this.dateRefs.set(qualifier, byDate);
    }
    let ref = byDate.get(date);
    if (ref === undefined) {
      ref = Object.freeze({ qualifier, date });
      if (byDate.size < 4096) byDate.set(date, ref);
    }
    return ref;
  }

  private remarksFrom(source: Remark['source'], positions: number[]): void {
    for (const i of positions) {
      if (has(this.ctx, i)) {
        this.remarks.add({
          code: code(this.ctx, i),
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
    const group = reqCode(ctx, 1);
    if (group !== '' && !GROUPS.has(group)) {
      ctx.report('error', 'X12_INVALID_CODE', 'CAS01 is not a claim adjustment group code', 1);
    }
    const s = this.service;
    let sum = 0;
    for (let i = 2; i <= 17; i += 3) {
      if (!has(ctx, i)) {
        if (has(ctx, i + 1)) {
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
      const cents = lastAmountCents();
      this.adjustmentCents[this.adjustments.n] = cents;
      this.adjustments.add({
        level: s === undefined ? 'claim' : 'service',
        serviceLine: s === undefined ? undefined : s.lineNumber,
        group,
        reason: code(ctx, i),
        amount,
        quantity: numberAt(ctx, i + 2),
      });
      sum += cents;
    }
    maxElements(ctx, 19);
    this.casCents += sum;
    if (s !== undefined) this.svcCents += sum;
  }

  private openService(): void {
    const ctx = this.ctx;
    const procedure = procedureAt(ctx, 1, true) as Service835['procedure'];
    const chargeAmount = amountAt(ctx, 2, true);
    this.svcChargeCents = lastAmountCents();
    const paymentAmount = amountAt(ctx, 3, true);
    this.svcPaidCents = lastAmountCents();
    const service: Service835 = {
      lineNumber: this.services.n + 1,
      procedure,
      chargeAmount,
      paymentAmount,
      revenueCode: optCode(ctx, 4),
      units: numberAt(ctx, 5),
      originalProcedure: has(ctx, 6) ? procedureAt(ctx, 6, false) : undefined,
      originalUnits: numberAt(ctx, 7),
      serviceDateFrom: undefined,
      serviceDateTo: undefined,
      lineItemControlNumber: undefined,
      dates: EMPTY,
      references: EMPTY,
      amounts: EMPTY,
      quantities: EMPTY,
    };
    maxElements(ctx, 7);
    this.services.add(service);
    this.service = service;
    this.svcSegment = ctx.view.index;
    this.svcOffset = ctx.view.offsetOf(3);
    this.svcBalanced = has(ctx, 2) && has(ctx, 3);
    this.svcCents = 0;
  }

  private closeService(): void {
    const svc = this.service;
    if (svc === undefined) return;
    this.service = undefined;
    svc.dates = this.svcDates.takeShared(this.dateLists);
    svc.references = this.svcReferences.take();
    svc.amounts = this.svcAmounts.take();
    svc.quantities = this.svcQuantities.take();
    const expected = this.svcChargeCents - this.svcCents;
    if (this.svcBalanced && expected !== this.svcPaidCents) {
      this.ctx.reportAt(
        'warning',
        'X12_SERVICE_UNBALANCED',
        `service line ${svc.lineNumber}: SVC02 ${svc.chargeAmount} - adjustments ${formatCents(this.svcCents)} = ${formatCents(expected)}, but SVC03 is ${svc.paymentAmount}`,
        { segmentIndex: this.svcSegment, segmentId: 'SVC', byteOffset: this.svcOffset, element: 3 },
      );
    }
  }

  /** Closes the claim: balancing, date fallbacks and derived facts. */
  close(): Claim835 {
    this.closeService();
    const c = this.claim as Claim835;
    this.claim = undefined;
    c.dates = this.dates.takeShared(this.dateLists);
    c.references = this.references.take();
    c.contacts = this.contacts.take();
    c.amounts = this.amounts.take();
    c.quantities = this.quantities.take();
    c.adjustments = this.adjustments.take();
    c.remarks = this.remarks.take();
    c.services = this.services.take();
    const expected = this.chargeCents - this.casCents;
    if (expected !== this.paidCents) {
      this.ctx.reportAt(
        'warning',
        'X12_CLAIM_UNBALANCED',
        `claim: CLP03 ${c.chargeAmount} - adjustments ${formatCents(this.casCents)} = ${formatCents(expected)}, but CLP04 is ${c.paymentAmount}`,
        { segmentIndex: this.clpSegment, segmentId: 'CLP', byteOffset: this.clpOffset, element: 4 },
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
    c.derived = deriveClaim(c, this.derivedLists, this.adjustmentCents, this.paidCents);
    return c;
  }
}
