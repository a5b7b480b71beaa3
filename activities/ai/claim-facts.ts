/**
 * What an activity hands the AI module: one claim as read from the 835 and the
 * database. It holds PHI; it never leaves the process except through
 * `minimize()` (minimizer.ts).
 */
export interface ClaimAdjustmentFact {
  group: string;
  reason: string;
  amountCents: number;
}

export interface ServiceLineFact {
  line: number;
  procedure: string;
  modifiers: string[];
  chargeCents: number;
  paidCents: number;
  /** YYYY-MM-DD */
  serviceDate?: string;
  adjustments: ClaimAdjustmentFact[];
  remarks: string[];
}

export interface ClaimForAnalysis {
  claimId: string;
  patient: {
    firstName?: string;
    lastName?: string;
    middleName?: string;
    memberId?: string;
    dateOfBirth?: string;
    address?: string;
  };
  patientControlNumber: string;
  payerClaimControlNumber?: string;
  payer: { name: string; id?: string };
  provider: { name?: string; npi?: string };
  statusCode: string;
  filingIndicator?: string;
  chargeCents: number;
  paidCents: number;
  patientResponsibilityCents: number;
  /** YYYY-MM-DD */
  serviceDateFrom?: string;
  /** YYYY-MM-DD */
  serviceDateTo?: string;
  /** YYYY-MM-DD, the remittance's production date. */
  determinationDate: string;
  adjustments: (ClaimAdjustmentFact & { level: 'claim' | 'service'; serviceLine?: number })[];
  remarks: string[];
  services: ServiceLineFact[];
  /** Notes and other free text; always replaced before a call. */
  freeText?: string[];
}
