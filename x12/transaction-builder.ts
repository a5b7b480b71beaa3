/**
 * Builds one Transaction835 from the segments between ST and SE: header (BPR, TRN, CUR, REF,
 * DTM), 1000A payer, 1000B payee, 2000 LX/TS3/TS2, claims (via ClaimReader) and PLB.
 */
import { ClaimReader, type BuildContext } from './claim-reader';
import { linkReversals } from './claim-derived';
import {
  amountAt,
  applyN3,
  applyN4,
  compositeAt,
  contactOf,
  dateAt,
  elements,
  maxElements,
  need,
  numberAt,
  opt,
  pad,
  positional,
  referenceOf,
  req,
  reqCode,
} from './element-readers';
import type { X12Position } from './errors';
import { centsOf, formatCents } from './money';
import type {
  Claim835,
  FunctionalGroup,
  Interchange,
  Payment,
  ProviderSummary,
  Transaction835,
} from './types';

/** BPR element names by position; BPR02 (amount) and BPR16 (date) are typed separately. */
export const BPR_FIELDS: (keyof Payment | undefined)[] = [
  undefined,
  'handlingCode',
  'amount',
  'creditDebit',
  'method',
  'format',
  'originatorDfiQualifier',
  'originatorDfiId',
  'originatorAccountQualifier',
  'originatorAccountNumber',
  'originatingCompanyId',
  'originatingCompanySupplementalCode',
  'receiverDfiQualifier',
  'receiverDfiId',
  'receiverAccountQualifier',
  'receiverAccountNumber',
  'date',
  'businessFunctionCode',
  'thirdDfiQualifier',
  'thirdDfiId',
  'thirdAccountQualifier',
  'thirdAccountNumber',
];

const HANDLING_CODES = new Set(['C', 'D', 'H', 'I', 'P', 'U', 'X']);
export const TS3_AMOUNTS = new Set([
  5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 24,
]);
export const TS2_AMOUNTS = new Set([1, 2, 3, 4, 5, 6, 8, 10, 11, 12, 13, 14, 16, 19]);

type Loop = 'header' | 'payer' | 'payee' | 'detail' | 'plb';

export class TransactionBuilder {
  private readonly tx: Transaction835;
  private loop: Loop = 'header';
  private readonly claims: ClaimReader;
  private summary: ProviderSummary | undefined;
  private hasBpr = false;
  private hasPayer = false;
  private hasPayee = false;
  private paidCents = 0;
  private plbCents = 0;
  private bprAt: X12Position | undefined;

  constructor(
    private readonly ctx: BuildContext,
    controlNumber: string,
    implementationConvention: string,
    interchange: Interchange | undefined,
    group: FunctionalGroup | undefined,
  ) {
    this.tx = {
      controlNumber,
      implementationConvention,
      payment: { handlingCode: '', amount: '0.00', creditDebit: '', method: '' },
      references: [],
      payer: { name: '', references: [], contacts: [] },
      payee: { name: '', references: [] },
      providerSummaries: [],
      claims: [],
      providerAdjustments: [],
      valid: true,
    };
    if (interchange !== undefined) this.tx.interchange = interchange;
    if (group !== undefined) this.tx.group = group;
    this.claims = new ClaimReader(ctx);
  }

  segment(id: string): void {
    if (this.claims.claim !== undefined && this.claims.segment(id)) {
      return;
    }
    const ctx = this.ctx;
    if (!this.hasBpr && id !== 'BPR') {
      this.unexpected(id);
      return;
    }
    switch (id) {
      case 'BPR':
        return this.loop === 'header' && !this.hasBpr ? this.bpr() : this.unexpected(id);
      case 'TRN':
      case 'CUR':
      case 'DTM':
        return this.loop === 'header' ? this.header(id) : this.unexpected(id);
      case 'REF':
        if (this.loop === 'header') return this.header(id);
        if (this.loop === 'payer') return void this.tx.payer.references.push(referenceOf(ctx));
        if (this.loop === 'payee' && this.tx.claims.length === 0 && this.summary === undefined) {
          const r = referenceOf(ctx);
          this.tx.payee.references.push(r);
          if (r.qualifier === 'TJ' && this.tx.payee.taxId === undefined)
            this.tx.payee.taxId = r.value;
          return;
        }
        return this.unexpected(id);
      case 'N1':
        return this.n1();
      case 'N3':
      case 'N4':
        return this.address(id);
      case 'PER':
        return this.loop === 'payer'
          ? void this.tx.payer.contacts.push(contactOf(ctx))
          : this.unexpected(id);
      case 'RDM':
        if (this.loop !== 'payee' || this.summary !== undefined) return this.unexpected(id);
        this.tx.payee.remittanceDelivery = {
          method: req(ctx, 1),
          elements: elements(ctx).slice(1),
        };
        if (opt(ctx, 2) !== undefined) this.tx.payee.remittanceDelivery.name = opt(ctx, 2);
        if (opt(ctx, 3) !== undefined)
          this.tx.payee.remittanceDelivery.communicationNumber = opt(ctx, 3);
        return;
      case 'LX':
        return this.lx();
      case 'TS3':
      case 'TS2':
        return this.ts(id);
      case 'CLP':
        return this.clp();
      case 'PLB':
        return this.plb();
    }
    this.unexpected(id);
  }

  private unexpected(id: string): void {
    this.ctx.report(
      'error',
      'X12_UNEXPECTED_SEGMENT',
      `${id} is not expected here (loop ${this.claims.claim ? 'claim' : this.loop})`,
    );
  }

  private bpr(): void {
    const ctx = this.ctx;
    const p = this.tx.payment;
    const rec = p as unknown as Record<string, string>;
    for (let i = 1; i < BPR_FIELDS.length && i < ctx.view.count; i++) {
      const name = BPR_FIELDS[i] as string;
      if (i === 2 || i === 16) continue;
      const v = opt(ctx, i);
      if (v !== undefined) rec[name] = v;
    }
    need(ctx, 1);
    need(ctx, 3);
    need(ctx, 4);
    if (p.handlingCode !== '' && !HANDLING_CODES.has(p.handlingCode)) {
      ctx.report('error', 'X12_INVALID_CODE', 'BPR01 is not a transaction handling code', 1);
    }
    p.amount = amountAt(ctx, 2, true);
    const date = dateAt(ctx, 16, true);
    if (date !== undefined) p.date = date;
    maxElements(ctx, 21);
    this.hasBpr = true;
    this.bprAt = {
      segmentIndex: ctx.view.index,
      segmentId: 'BPR',
      byteOffset: ctx.view.offsetOf(2),
      element: 2,
    };
  }

  private header(id: string): void {
    const ctx = this.ctx;
    if (id === 'TRN') {
      const t: Transaction835['trace'] = { typeCode: req(ctx, 1), referenceId: req(ctx, 2) };
      if (opt(ctx, 3) !== undefined) t.originatingCompanyId = opt(ctx, 3);
      if (opt(ctx, 4) !== undefined) t.supplementalCode = opt(ctx, 4);
      this.tx.trace = t;
    } else if (id === 'CUR') {
      this.tx.currency = {
        entityIdentifierCode: req(ctx, 1),
        currencyCode: req(ctx, 2),
        elements: elements(ctx).slice(1),
      };
      const rate = numberAt(ctx, 3);
      if (rate !== undefined) this.tx.currency.exchangeRate = rate;
    } else if (id === 'REF') {
      this.tx.references.push(referenceOf(ctx));
    } else {
      if (reqCode(ctx, 1) !== '405') {
        ctx.report('error', 'X12_INVALID_CODE', 'header DTM01 must be 405 (production date)', 1);
      }
      const d = dateAt(ctx, 2, true);
      if (d !== undefined) this.tx.productionDate = d;
    }
  }

  private n1(): void {
    const ctx = this.ctx;
    const code = reqCode(ctx, 1);
    const target =
      code === 'PR' && this.loop === 'header'
        ? 'payer'
        : code === 'PE' && (this.loop === 'payer' || this.loop === 'header')
          ? 'payee'
          : undefined;
    if (target === undefined) {
      ctx.report(
        'error',
        'X12_UNEXPECTED_SEGMENT',
        'N1 is not expected here (only N1*PR then N1*PE)',
        1,
      );
      return;
    }
    const party = target === 'payer' ? this.tx.payer : this.tx.payee;
    party.name = opt(ctx, 2) ?? '';
    const q = opt(ctx, 3);
    const id = opt(ctx, 4);
    if (q !== undefined) party.idQualifier = q;
    if (id !== undefined) party.id = id;
    if (target === 'payee') {
      if (q === 'XX' && id !== undefined) this.tx.payee.npi = id;
      if (q === 'FI' && id !== undefined) this.tx.payee.taxId = id;
      if (party.name === '' && id === undefined)
        ctx.report('error', 'X12_MISSING_ELEMENT', 'N1*PE needs a name (N102) or an id (N104)', 2);
      this.hasPayee = true;
    } else {
      need(ctx, 2);
      this.hasPayer = true;
    }
    this.loop = target;
  }

  private address(id: string): void {
    const ctx = this.ctx;
    if (
      (this.loop !== 'payer' && this.loop !== 'payee') ||
      this.summary !== undefined ||
      this.tx.claims.length > 0
    ) {
      return this.unexpected(id);
    }
    const party = this.loop === 'payer' ? this.tx.payer : this.tx.payee;
    party.address ??= {};
    if (id === 'N3') applyN3(ctx, party.address);
    else applyN4(ctx, party.address);
  }

  private closeClaim(): void {
    if (this.claims.claim === undefined) return;
    const c: Claim835 = this.claims.close();
    this.paidCents += this.claims.paidCents;
    this.tx.claims.push(c);
  }

  private lx(): void {
    if (this.loop !== 'payee' && this.loop !== 'detail') return this.unexpected('LX');
    this.closeClaim();
    this.summary = { assignedNumber: req(this.ctx, 1) };
    this.tx.providerSummaries.push(this.summary);
    this.loop = 'detail';
  }

  private ts(id: string): void {
    const ctx = this.ctx;
    const s = this.summary;
    if (
      s === undefined ||
      this.claims.claim !== undefined ||
      (id === 'TS3' ? s.ts3 : s.ts2) !== undefined ||
      (id === 'TS3' && s.ts2 !== undefined)
    ) {
      return this.unexpected(id);
    }
    if (id === 'TS2') {
      s.ts2 = positional(ctx, TS2_AMOUNTS);
      maxElements(ctx, 19);
      return;
    }
    const amounts = positional(ctx, TS3_AMOUNTS);
    for (const k of ['1', '2', '3', '4', '5']) delete amounts[k];
    s.ts3 = {
      providerId: req(ctx, 1),
      facilityTypeCode: req(ctx, 2),
      totalClaimCount: numberAt(ctx, 4) ?? req(ctx, 4),
      totalClaimChargeAmount: amountAt(ctx, 5, true),
      amounts,
    };
    const d = dateAt(ctx, 3, true);
    if (d !== undefined) s.ts3.fiscalPeriodDate = d;
    maxElements(ctx, 24);
  }

  private clp(): void {
    if (this.loop !== 'payee' && this.loop !== 'detail') return this.unexpected('CLP');
    this.closeClaim();
    this.loop = 'detail';
    this.claims.open(this.summary?.assignedNumber);
  }

  private plb(): void {
    const ctx = this.ctx;
    if (this.loop !== 'payee' && this.loop !== 'detail' && this.loop !== 'plb')
      return this.unexpected('PLB');
    this.closeClaim();
    this.loop = 'plb';
    const adj: Transaction835['providerAdjustments'][number] = {
      providerId: req(ctx, 1),
      adjustments: [],
    };
    const d = dateAt(ctx, 2, true);
    if (d !== undefined) adj.fiscalPeriodDate = d;
    for (let i = 3; i <= 13; i += 2) {
      const parts = compositeAt(ctx, i);
      if (parts === undefined) {
        if (i === 3 || opt(ctx, i + 1) !== undefined)
          ctx.report(
            'error',
            'X12_MISSING_ELEMENT',
            `PLB${pad(i)} adjustment reason is required`,
            i,
          );
        continue;
      }
      const a: Transaction835['providerAdjustments'][number]['adjustments'][number] = {
        reason: parts[0],
        amount: amountAt(ctx, i + 1, true),
      };
      if (parts.length > 1 && parts[1] !== '') a.reference = parts[1];
      adj.adjustments.push(a);
      this.plbCents += centsOf(a.amount);
    }
    maxElements(ctx, 14);
    this.tx.providerAdjustments.push(adj);
  }

  /** Closes the transaction at SE. Returns undefined when it has no BPR (nothing to trust). */
  finish(): Transaction835 | undefined {
    this.closeClaim();
    const ctx = this.ctx;
    if (!this.hasBpr) {
      ctx.report(
        'error',
        'X12_TRANSACTION_UNREADABLE',
        'transaction has no BPR segment; it was dropped',
      );
      return undefined;
    }
    if (this.tx.trace === undefined)
      ctx.report('error', 'X12_MISSING_SEGMENT', 'transaction has no TRN segment');
    if (!this.hasPayer)
      ctx.report('error', 'X12_MISSING_SEGMENT', 'transaction has no payer (N1*PR)');
    if (!this.hasPayee)
      ctx.report('error', 'X12_MISSING_SEGMENT', 'transaction has no payee (N1*PE)');
    const expected = this.paidCents - this.plbCents;
    if (expected !== centsOf(this.tx.payment.amount) && this.bprAt !== undefined) {
      ctx.reportAt(
        'warning',
        'X12_TRANSACTION_UNBALANCED',
        `claims paid ${formatCents(this.paidCents)} - provider adjustments ${formatCents(this.plbCents)} = ${formatCents(expected)}, but BPR02 is ${this.tx.payment.amount}`,
        this.bprAt,
      );
    }
    linkReversals(this.tx.claims);
    return this.tx;
  }
}
