import type { ClaimForAnalysis } from './claim-facts';
import type { AnalysisAnswer } from './schemas';
import {
  DENIAL_CATEGORIES,
  type DenialCategory,
  type RecommendedAction,
  type TriageResult,
} from './triage-types';

/**
 * The AI can only add to or refine the rules' result. These two tables are the
 * whole of what "refine" means; anything else the model proposes is ignored
 * and said so in the rationale.
 *
 * Categories: 'other' means the rules found nothing specific, so any category
 * is a refinement. CARC 16 "lacks information" is often a coding problem or a
 * missing primary EOB in disguise (its remark codes say which), and a bundling
 * denial is often fixed by the documentation a corrected claim carries. A
 * "non-covered" CARC (96, 204) with an LCD/NCD remark (N115, N386) is in truth a
 * medical necessity decision. Every other category rests on a code the payer
 * chose; the model may not overrule it.
 */
export const CATEGORY_REFINEMENTS: Readonly<Record<DenialCategory, readonly DenialCategory[]>> = {
  other: DENIAL_CATEGORIES.filter((c) => c !== 'other'),
  missing_information: ['coding_bundling', 'coordination_of_benefits'],
  coding_bundling: ['missing_information'],
  non_covered: ['medical_necessity'],
  medical_necessity: [],
  authorization: [],
  timely_filing: [],
  coordination_of_benefits: [],
  eligibility: [],
  duplicate: [],
  contractual: [],
  patient_responsibility: [],
  provider_enrollment: [],
  pricing: [],
};

/**
 * Actions: appeal and corrected claim are two routes to the same payer money,
 * so either may become the other. Escalating 'none' or 'write_off' to an
 * appeal adds work for a person and is allowed only when the claim carries
 * money the payer took for a reason other than contract or patient share.
 * 'bill_patient' never changes: the money is the patient's, not the payer's.
 * Nothing ever becomes 'none', 'write_off' or 'bill_patient' by the model's word.
 */
export const ACTION_REFINEMENTS: Readonly<Record<RecommendedAction, readonly RecommendedAction[]>> =
  {
    appeal: ['corrected_claim'],
    corrected_claim: ['appeal'],
    none: ['appeal', 'corrected_claim'],
    write_off: ['appeal', 'corrected_claim'],
    bill_patient: [],
  };

/** CARCs for contractual reductions, not denials: fee schedule, sequestration, discounts. */
const CONTRACTUAL_REASONS = new Set(['45', '253', '131', '94', '42']);

/** True when every adjusted dollar is the patient's share or a contractual reduction. */
export function onlyPatientOrContractualMoney(claim: ClaimForAnalysis): boolean {
  const all = [...claim.adjustments, ...claim.services.flatMap((s) => s.adjustments)].filter(
    (a) => a.amountCents !== 0,
  );
  return all.every(
    (a) => a.group.toUpperCase() === 'PR' || CONTRACTUAL_REASONS.has(a.reason.trim().toUpperCase()),
  );
}

export interface MergedAnalysis {
  category: DenialCategory;
  recommendedAction: RecommendedAction;
  rationale: string[];
  missingDocuments: string[];
  appealArguments: string[];
}

const ESCALATIONS = new Set<RecommendedAction>(['none', 'write_off']);
const PURSUES_PAYER = new Set<RecommendedAction>(['appeal', 'corrected_claim']);

function actionAllowed(claim: ClaimForAnalysis, rules: TriageResult, proposed: RecommendedAction) {
  if (proposed === rules.recommendedAction) return true;
  if (!ACTION_REFINEMENTS[rules.recommendedAction].includes(proposed)) return false;
  if (!ESCALATIONS.has(rules.recommendedAction)) return true;
  return rules.amountAtStakeCents > 0 && !onlyPatientOrContractualMoney(claim);
}

/** What the model is told it may answer, so that a good answer is not thrown away. */
export function allowedCategories(rules: TriageResult): DenialCategory[] {
  return [rules.category, ...CATEGORY_REFINEMENTS[rules.category]];
}

export function allowedActions(claim: ClaimForAnalysis, rules: TriageResult): RecommendedAction[] {
  return [rules.recommendedAction, ...ACTION_REFINEMENTS[rules.recommendedAction]].filter((a) =>
    actionAllowed(claim, rules, a),
  );
}

/** Keeps the first of each entry, compared without case or spacing differences. */
function union(...lists: string[][]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const item of lists.flat()) {
    const key = item.trim().replace(/\s+/g, ' ').toLowerCase();
    if (!key || seen.has(key)) continue;
    seen.add(key);
    out.push(item.trim());
  }
  return out;
}

/** `ai` holds the model's answer with placeholders already filled back in. */
export function mergeAnalysis(
  claim: ClaimForAnalysis,
  rules: TriageResult,
  ai: AnalysisAnswer,
): MergedAnalysis {
  const notes: string[] = [];
  let category = rules.category;
  if (ai.category !== rules.category) {
    if (CATEGORY_REFINEMENTS[rules.category].includes(ai.category)) category = ai.category;
    else notes.push(`AI suggested category '${ai.category}'; kept the rules' '${rules.category}'.`);
  }
  let recommendedAction = rules.recommendedAction;
  if (ai.recommendedAction !== rules.recommendedAction) {
    if (actionAllowed(claim, rules, ai.recommendedAction)) recommendedAction = ai.recommendedAction;
    else
      notes.push(
        `AI suggested action '${ai.recommendedAction}'; kept the rules' '${rules.recommendedAction}'.`,
      );
  }
  return {
    category,
    recommendedAction,
    rationale: union(rules.rationale, ai.rationale, notes),
    missingDocuments: union(rules.missingDocuments, ai.missingDocuments),
    // Arguments for an appeal nobody will file would only mislead the reviewer.
    appealArguments: PURSUES_PAYER.has(recommendedAction) ? union(ai.appealArguments) : [],
  };
}
