/**
 * Public types of the triage rules engine. The input is a plain, PHI-free fact
 * record so activities can build it from a parsed 835 or from the database alike:
 * codes, amounts and dates only, never names or member ids.
 */

export type DenialCategory =
  | 'missing_information'
  | 'authorization'
  | 'medical_necessity'
  | 'timely_filing'
  | 'coding_bundling'
  | 'eligibility'
  | 'duplicate'
  | 'coordination_of_benefits'
  | 'patient_responsibility'
  | 'contractual'
  | 'non_covered'
  | 'provider_enrollment'
  | 'pricing'
  | 'other';

export const DENIAL_CATEGORIES: readonly DenialCategory[] = [
  'missing_information',
  'authorization',
  'medical_necessity',
  'timely_filing',
  'coding_bundling',
  'eligibility',
  'duplicate',
  'coordination_of_benefits',
  'patient_responsibility',
  'contractual',
  'non_covered',
  'provider_enrollment',
  'pricing',
  'other',
];

export type RecommendedAction =
  'appeal' | 'corrected_claim' | 'write_off' | 'bill_patient' | 'none';

/** Medicare Part A/B levels (42 CFR 405 subpart I), then commercial/Medicaid levels. */
export type AppealLevel =
  | 'redetermination'
  | 'reconsideration'
  | 'alj_hearing'
  | 'council_review'
  | 'judicial_review'
  | 'first_level'
  | 'second_level'
  | 'external_review';

export const APPEAL_LEVELS: readonly AppealLevel[] = [
  'redetermination',
  'reconsideration',
  'alj_hearing',
  'council_review',
  'judicial_review',
  'first_level',
  'second_level',
  'external_review',
];

/** CAS01 claim adjustment group codes; CR is a 4010 leftover some payers still send. */
export type AdjustmentGroupCode = 'CO' | 'PR' | 'OA' | 'PI' | 'CR';

export interface TriageAdjustment {
  group: string;
  reason: string;
  /** Integer cents; negative for a reversal of an earlier adjustment. */
  amountCents: number;
  level: 'claim' | 'service';
  serviceLine?: number;
}

export interface TriageFacts {
  /** CLP02 ('1','2','3','4','19','20','21','22','23','25'). */
  claimStatusCode: string;
  /** CLP06: 'MA' Medicare Part A, 'MB' Part B, 'MC' Medicaid, '12'-'16', 'CI' etc. */
  claimFilingIndicator?: string;
  payerId?: string;
  payerName?: string;
  chargeCents: number;
  paidCents: number;
  patientResponsibilityCents: number;
  adjustments: TriageAdjustment[];
  /** RARC codes from LQ, MIA and MOA. */
  remarks: string[];
  /** YYYY-MM-DD: the remittance/production date the denial was issued (deadlines count from it). */
  determinationDate: string;
  /** YYYY-MM-DD */
  serviceDateFrom?: string;
  /** When a later 835 upholds a denial: the level just lost. */
  previousAppealLevel?: AppealLevel;
}

export interface CategoryAmount {
  category: DenialCategory;
  /** Sum of the adjustments in this category (integer cents). */
  amountCents: number;
  /** 'CO-16', 'PR-1', 'N290' … */
  codes: string[];
}

export interface TriageResult {
  source: 'rules';
  rulesVersion: string;
  /** The primary category: the one with the most money at stake (or, if none, the most money). */
  category: DenialCategory;
  categories: CategoryAmount[];
  recommendedAction: RecommendedAction;
  /** What an appeal or corrected claim could recover: no contractual reductions, no patient share. */
  amountAtStakeCents: number;
  /** The level to file next (null when the action isn't appeal). */
  appealLevel: AppealLevel | null;
  /** YYYY-MM-DD */
  appealDeadline: string | null;
  deadlineRule: string | null;
  /** Sentences with codes and official descriptions; never PHI. */
  rationale: string[];
  missingDocuments: string[];
}
