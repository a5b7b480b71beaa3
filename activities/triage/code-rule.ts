import type { DenialCategory, RecommendedAction } from './types';

/** How one CARC or RARC steers triage. Only `category` is required. */
export interface CodeRule {
  readonly category: DenialCategory;
  /**
   * Whether the adjusted amount could be recovered by an appeal or a corrected claim.
   * Defaults by category (see AT_STAKE_BY_DEFAULT): contractual reductions, the
   * patient's share and duplicates are not; denials are.
   */
  readonly atStake?: boolean;
  /** Overrides the category's default action, e.g. a wrong code is corrected, not appealed. */
  readonly action?: RecommendedAction;
  /**
   * On a CARC: a catch-all (16, 96, A1, 252 …) whose real reason is carried by the
   * remark codes, so a mapped RARC decides the category. On a RARC: a low-specificity
   * remark (MA130, N517) used only when no more specific remark is present.
   */
  readonly generic?: boolean;
  /** The payer has not decided yet (pending review, grace period): nothing to file. */
  readonly pending?: boolean;
  /** Documents to gather, beyond the category's defaults. */
  readonly documents?: readonly string[];
  /** Why the rule says what it says, shown in the rationale. */
  readonly note?: string;
}

export const AT_STAKE_BY_DEFAULT: Readonly<Record<DenialCategory, boolean>> = {
  missing_information: true,
  authorization: true,
  medical_necessity: true,
  timely_filing: true,
  coding_bundling: true,
  eligibility: true,
  duplicate: false,
  coordination_of_benefits: true,
  patient_responsibility: false,
  contractual: false,
  non_covered: true,
  provider_enrollment: true,
  pricing: true,
  other: true,
};

/** Shorthand for the tables: rule('authorization', { documents: [...] }). */
export function rule(category: DenialCategory, extra: Omit<CodeRule, 'category'> = {}): CodeRule {
  return Object.freeze({ category, ...extra });
}
