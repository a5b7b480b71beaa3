/**
 * The 835 model. Every amount is a decimal string with two decimals ("123.45", "-1.27"):
 * money never passes through a float, and JSON consumers get exact values.
 * Dates are ISO "YYYY-MM-DD". Optional elements that were absent are left undefined.
 *
 * The model is read-only. To keep large remittances small in memory, values that are equal
 * across lines and claims are one shared, frozen object: empty lists, date references, date,
 * reason-code, remark-code and denied-line lists, and procedures (code with modifiers). Copy
 * before changing anything (`[...list]`, `{ ...procedure }`); writing to a shared value throws.
 */
import type { X12Issue } from './errors';

export type Amount = string;

export interface Delimiters {
  element: string;
  component: string;
  repetition: string;
  segment: string;
}

export interface Reference {
  qualifier: string;
  value: string;
  description?: string;
}

export interface DateRef {
  qualifier: string;
  date: string;
}

export interface AmountRef {
  qualifier: string;
  amount: Amount;
}

export interface QuantityRef {
  qualifier: string;
  quantity: string;
}

export interface Address {
  line1?: string;
  line2?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  countryCode?: string;
  countrySubdivision?: string;
}

export interface Contact {
  functionCode: string;
  name?: string;
  communications: { qualifier: string; number: string }[];
}

export interface Interchange {
  controlNumber: string;
  senderQualifier: string;
  senderId: string;
  receiverQualifier: string;
  receiverId: string;
  date: string;
  time: string;
  version: string;
  usageIndicator: string;
}

export interface FunctionalGroup {
  controlNumber: string;
  senderCode: string;
  receiverCode: string;
  date: string;
  time: string;
  version: string;
}

/** BPR, element by element (BPR01..BPR21). */
export interface Payment {
  handlingCode: string;
  amount: Amount;
  creditDebit: string;
  method: string;
  format?: string;
  originatorDfiQualifier?: string;
  originatorDfiId?: string;
  originatorAccountQualifier?: string;
  originatorAccountNumber?: string;
  originatingCompanyId?: string;
  originatingCompanySupplementalCode?: string;
  receiverDfiQualifier?: string;
  receiverDfiId?: string;
  receiverAccountQualifier?: string;
  receiverAccountNumber?: string;
  date?: string;
  businessFunctionCode?: string;
  thirdDfiQualifier?: string;
  thirdDfiId?: string;
  thirdAccountQualifier?: string;
  thirdAccountNumber?: string;
}

export interface Trace {
  typeCode: string;
  referenceId: string;
  originatingCompanyId?: string;
  supplementalCode?: string;
}

/** CUR is rare in 835s; its 21 elements are kept as read so they can be written back. */
export interface Currency {
  entityIdentifierCode: string;
  currencyCode: string;
  exchangeRate?: string;
  elements: string[];
}

export interface Payer {
  name: string;
  idQualifier?: string;
  id?: string;
  address?: Address;
  references: Reference[];
  contacts: Contact[];
}

export interface RemittanceDelivery {
  method: string;
  name?: string;
  communicationNumber?: string;
  elements: string[];
}

export interface Payee {
  name: string;
  idQualifier?: string;
  id?: string;
  /** N104 when N103 is XX. */
  npi?: string;
  /** N104 when N103 is FI, else REF*TJ. */
  taxId?: string;
  address?: Address;
  references: Reference[];
  remittanceDelivery?: RemittanceDelivery;
}

/** TS3/TS2 keep every element by its position (e.g. "5" = TS305) so nothing is lost. */
export interface ProviderSummary {
  assignedNumber: string;
  ts3?: {
    providerId: string;
    facilityTypeCode: string;
    fiscalPeriodDate?: string;
    totalClaimCount: string;
    totalClaimChargeAmount: Amount;
    amounts: Record<string, string>;
  };
  ts2?: Record<string, string>;
}

export interface Entity {
  entityType?: string;
  lastName?: string;
  firstName?: string;
  middleName?: string;
  prefix?: string;
  suffix?: string;
  idQualifier?: string;
  id?: string;
}

export type AdjustmentGroup = 'CO' | 'CR' | 'OA' | 'PI' | 'PR' | string;

export interface Adjustment {
  level: 'claim' | 'service';
  /** 1-based index of the service line in the claim, for service-level adjustments. */
  serviceLine?: number;
  group: AdjustmentGroup;
  reason: string;
  amount: Amount;
  quantity?: string;
}

export interface Remark {
  code: string;
  source: 'LQ' | 'MIA' | 'MOA';
  /** LQ01 (HE = RARC, RX = NCPDP reject code); MIA/MOA remarks are RARCs. */
  qualifier: string;
  level: 'claim' | 'service';
  serviceLine?: number;
}

export interface Procedure {
  qualifier: string;
  code: string;
  modifiers: string[];
  description?: string;
}

export interface Service835 {
  lineNumber: number;
  procedure: Procedure;
  chargeAmount: Amount;
  paymentAmount: Amount;
  revenueCode?: string;
  units?: string;
  originalProcedure?: Procedure;
  originalUnits?: string;
  serviceDateFrom?: string;
  serviceDateTo?: string;
  /** REF*6R, the provider's line item control number. */
  lineItemControlNumber?: string;
  dates: DateRef[];
  references: Reference[];
  amounts: AmountRef[];
  quantities: QuantityRef[];
}

export type ClaimStatus =
  | 'processed_primary'
  | 'processed_secondary'
  | 'processed_tertiary'
  | 'denied'
  | 'processed_primary_forwarded'
  | 'processed_secondary_forwarded'
  | 'processed_tertiary_forwarded'
  | 'reversal'
  | 'not_our_claim_forwarded'
  | 'predetermination_only'
  | 'unknown';

export type ClaimOutcome = 'paid' | 'partially_paid' | 'denied' | 'reversal' | 'zero_pay';

export interface ClaimDerived {
  outcome: ClaimOutcome;
  /** Sum of adjustments that take money away for a reason other than contract or patient share. */
  deniedAmount: Amount;
  patientResponsibilityAmount: Amount;
  contractualAmount: Amount;
  adjustmentTotals: Record<string, Amount>;
  /** "CO-45" style, claim and service level, in order of first appearance. */
  reasonCodes: string[];
  remarkCodes: string[];
  deniedServiceLines: number[];
  /** Reversal (CLP02 22) and the correction that follows it, matched on CLP07. */
  role: 'original' | 'reversal' | 'correction';
  /** Index in `transaction.claims` of the claim this one reverses or corrects. */
  linkedClaimIndex?: number;
}

/** MIA and MOA keep their elements by position ("5" = MIA05); remark codes go to `remarks` too. */
export type PositionalElements = Record<string, string>;

export interface Claim835 {
  /** LX01 of the header number loop the claim sits in, so the writer can rebuild 2000. */
  headerNumber?: string;
  patientControlNumber: string;
  statusCode: string;
  status: ClaimStatus;
  chargeAmount: Amount;
  paymentAmount: Amount;
  patientResponsibility?: Amount;
  claimFilingIndicator?: string;
  payerClaimControlNumber?: string;
  facilityTypeCode?: string;
  frequencyCode?: string;
  drgCode?: string;
  drgWeight?: string;
  dischargeFraction?: string;
  patient?: Entity;
  insured?: Entity;
  correctedPatient?: Entity;
  renderingProvider?: Entity;
  crossoverCarrier?: Entity;
  correctedPriorityPayer?: Entity;
  otherSubscriber?: Entity;
  inpatientAdjudication?: PositionalElements;
  outpatientAdjudication?: PositionalElements;
  serviceDateFrom?: string;
  serviceDateTo?: string;
  receivedDate?: string;
  dates: DateRef[];
  references: Reference[];
  contacts: Contact[];
  amounts: AmountRef[];
  quantities: QuantityRef[];
  adjustments: Adjustment[];
  remarks: Remark[];
  services: Service835[];
  /**
   * Facts computed from the segments above, never read from the file:
   * - outcome: 'reversal' when CLP02 is 22; 'denied' when CLP02 is 4, or nothing was paid while
   *   some amount was denied (any CO/OA/PI/CR adjustment whose reason is not a contractual or
   *   coordination reduction such as 45, 42, 23, 94, 253, A2, 59); 'zero_pay' when nothing was paid
   *   and nothing was denied (e.g. all to deductible); 'partially_paid' when something was paid
   *   and something was denied; else 'paid'.
   * - deniedAmount: sum of those denying adjustments, claim and service level.
   * - role/linkedClaimIndex: a CLP02 22 claim is linked to the next claim in the transaction
   *   with the same payer claim control number (CLP07), its correction.
   */
  derived: ClaimDerived;
}

export interface PlbAdjustment {
  reason: string;
  reference?: string;
  amount: Amount;
}

export interface ProviderAdjustment {
  providerId: string;
  fiscalPeriodDate?: string;
  adjustments: PlbAdjustment[];
}

export interface Transaction835 {
  controlNumber: string;
  implementationConvention: string;
  interchange?: Interchange;
  group?: FunctionalGroup;
  payment: Payment;
  trace?: Trace;
  currency?: Currency;
  references: Reference[];
  productionDate?: string;
  payer: Payer;
  payee: Payee;
  providerSummaries: ProviderSummary[];
  claims: Claim835[];
  providerAdjustments: ProviderAdjustment[];
  /** False when an error-severity issue was reported inside this transaction. */
  valid: boolean;
}

export interface Parse835Result {
  transactions: Transaction835[];
  issues: X12Issue[];
}

export interface ParseOptions {
  /** Promote every warning (balancing, odd delimiters, missing envelope, 4010) to an error. */
  strict?: boolean;
  fileName?: string;
  /** Longest segment accepted, in bytes; longer ones are reported and skipped. */
  maxSegmentLength?: number;
  /** After this many errors parsing stops with X12_TOO_MANY_ISSUES (bounds time on garbage). */
  maxErrors?: number;
}

export type Stream835Event =
  { kind: 'transaction'; transaction: Transaction835 } | { kind: 'issue'; issue: X12Issue };
