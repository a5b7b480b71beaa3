/**
 * The rules' result comes from activities/triage. zod wants literal tuples, so
 * the values are listed here; the Records make the compiler reject a list that
 * misses a category or action the triage engine adds.
 */
import type { DenialCategory, RecommendedAction, TriageResult } from '../triage';

export type { DenialCategory, RecommendedAction, TriageResult };

const CATEGORY_SET: Record<DenialCategory, true> = {
  missing_information: true,
  authorization: true,
  medical_necessity: true,
  timely_filing: true,
  coding_bundling: true,
  eligibility: true,
  duplicate: true,
  coordination_of_benefits: true,
  patient_responsibility: true,
  contractual: true,
  non_covered: true,
  provider_enrollment: true,
  pricing: true,
  other: true,
};

const ACTION_SET: Record<RecommendedAction, true> = {
  appeal: true,
  corrected_claim: true,
  write_off: true,
  bill_patient: true,
  none: true,
};

type Tuple<T> = [T, ...T[]];
export const DENIAL_CATEGORIES = Object.keys(CATEGORY_SET) as Tuple<DenialCategory>;
export const RECOMMENDED_ACTIONS = Object.keys(ACTION_SET) as Tuple<RecommendedAction>;
