/**
 * The triage rules engine: from a PHI-free fact record of one claim payment to a
 * category, a recommended action, the money at stake and the filing deadline.
 * Pure: same facts and rules, same result.
 */
import { firstAppealLevel, nextAppealLevelFor } from './appeal-levels';
import {
  classifyAdjustment,
  describeRemark,
  formatCents,
  type ClassifiedAdjustment,
} from './classify';
import { addDays, assertIsoDate, daysBetween } from './dates';
import { CATEGORY_DOCUMENTS, PROOF_OF_TIMELY_FILING } from './documents';
import { validateFacts } from './facts';
import {
  DEFAULT_PAYER_RULES,
  resolvePayerProfile,
  type PayerProfile,
  type PayerRules,
} from './payer-rules';
import {
  DENIAL_CATEGORIES,
  type AppealLevel,
  type CategoryAmount,
  type DenialCategory,
  type RecommendedAction,
  type TriageFacts,
  type TriageResult,
} from './types';

/** Bump whenever a mapping, default or decision rule changes: results are stored with it. */
export const RULES_VERSION = 'triage-rules-2026.11.24.1';

/** CLP02 statuses where this payer has nothing left to dispute on this claim payment. */
const NOTHING_TO_DISPUTE: Readonly<Record<string, string>> = {
  '22': 'CLP02 22: reversal of a previous payment; the corrected claim payment follows and is triaged on its own.',
  '23': 'CLP02 23: not our claim, forwarded to an additional payer; follow up with that payer.',
  '25': 'CLP02 25: predetermination pricing only, no payment; nothing was denied.',
};
/** CLP02 19–21: processed and forwarded (crossover) to the next payer. */
const FORWARDED = ['19', '20', '21'];

interface CategoryTotals {
  category: DenialCategory;
  amountCents: number;
  atStakeCents: number;
  codes: Set<string>;
  adjustments: ClassifiedAdjustment[];
}

function totalsByCategory(classified: readonly ClassifiedAdjustment[]): CategoryTotals[] {
  const totals = new Map<DenialCategory, CategoryTotals>();
  for (const item of classified) {
    const entry = totals.get(item.category) ?? {
      category: item.category,
      amountCents: 0,
      atStakeCents: 0,
      codes: new Set<string>(),
      adjustments: [],
    };
    entry.amountCents += item.amountCents;
    if (item.atStake) entry.atStakeCents += item.amountCents;
    entry.codes.add(item.label);
    if (item.refinedBy) entry.codes.add(item.refinedBy);
    entry.adjustments.push(item);
    totals.set(item.category, entry);
  }
  // Largest first; ties in the fixed category order so results are deterministic.
  return [...totals.values()].sort(
    (a, b) =>
      Math.max(0, b.atStakeCents) - Math.max(0, a.atStakeCents) ||
      Math.abs(b.amountCents) - Math.abs(a.amountCents) ||
      DENIAL_CATEGORIES.indexOf(a.category) - DENIAL_CATEGORIES.indexOf(b.category),
  );
}

/** The adjustment that speaks for a category: the one with the most money at stake. */
function leadAdjustment(totals: CategoryTotals): ClassifiedAdjustment {
  const worth = (a: ClassifiedAdjustment) => (a.atStake ? a.amountCents : -Infinity);
  return totals.adjustments.reduce((best, a) => (worth(a) > worth(best) ? a : best));
}

interface Decision {
  action: RecommendedAction;
  appealLevel: AppealLevel | null;
  deadline: string | null;
  deadlineRule: string | null;
}

function appealDecision(facts: TriageFacts, profile: PayerProfile, rationale: string[]): Decision {
  const level = facts.previousAppealLevel
    ? nextAppealLevelFor(facts.previousAppealLevel, profile.program)
    : firstAppealLevel(profile.program);
  if (!level) {
    rationale.push(
      `The ${facts.previousAppealLevel} level was the last one: appeal rights are exhausted, write the balance off.`,
    );
    return { action: 'write_off', appealLevel: null, deadline: null, deadlineRule: null };
  }
  if (level === 'alj_hearing' || level === 'judicial_review') {
    rationale.push(
      'The amount remaining in controversy must meet the annually adjusted threshold for this level (42 CFR 405.1006).',
    );
  }
  const window = profile.levels[level];
  if (!window) {
    rationale.push(
      `No filing window is configured for ${level} in payer profile '${profile.id}'; check the payer's policy.`,
    );
    return { action: 'appeal', appealLevel: level, deadline: null, deadlineRule: null };
  }
  return {
    action: 'appeal',
    appealLevel: level,
    deadline: addDays(facts.determinationDate, window.days, 'determinationDate'),
    deadlineRule: window.rule,
  };
}

function correctedClaimDecision(
  facts: TriageFacts,
  rules: PayerRules,
  profile: PayerProfile,
  rationale: string[],
): Decision {
  const window = profile.resubmission ?? rules.resubmission;
  let deadline = addDays(facts.determinationDate, window.days, 'determinationDate');
  let deadlineRule = window.rule;
  // An unprocessable claim was never accepted, so its replacement is a new claim and
  // must still meet the timely filing limit counted from the date of service.
  const unprocessable = facts.remarks.includes('MA130');
  if (unprocessable && profile.timelyFilingDays && facts.serviceDateFrom) {
    const limit = addDays(facts.serviceDateFrom, profile.timelyFilingDays, 'serviceDateFrom');
    const rule =
      profile.timelyFilingRule ??
      `Timely filing: ${profile.timelyFilingDays} days from the date of service`;
    if (limit < facts.determinationDate) {
      rationale.push(
        `The timely filing limit had already passed when this was issued (${rule}); a new claim would be denied.`,
      );
      return { action: 'write_off', appealLevel: null, deadline: null, deadlineRule: null };
    }
    if (limit < deadline) [deadline, deadlineRule] = [limit, rule];
  } else if (unprocessable && profile.timelyFilingDays) {
    rationale.push(
      'The date of service is unknown, so the timely filing limit for the new claim could not be checked.',
    );
  }
  return { action: 'corrected_claim', appealLevel: null, deadline, deadlineRule };
}

function documentsFor(
  action: RecommendedAction,
  primary: CategoryTotals | undefined,
  classified: readonly ClassifiedAdjustment[],
): string[] {
  if (action !== 'appeal' && action !== 'corrected_claim') return [];
  const specific = primary
    ? primary.adjustments.flatMap((a) => (a.atStake ? a.documents : []))
    : [];
  const general = primary ? CATEGORY_DOCUMENTS[primary.category] : CATEGORY_DOCUMENTS.other;
  const docs =
    action === 'corrected_claim' && specific.length > 0 ? specific : [...general, ...specific];
  if (classified.some((a) => a.category === 'timely_filing' && a.atStake))
    docs.push(PROOF_OF_TIMELY_FILING);
  return [...new Set(docs)];
}

export function triage(
  input: TriageFacts,
  options: { payerRules?: PayerRules; today?: string } = {},
): TriageResult {
  const facts = validateFacts(input);
  if (options.today !== undefined) assertIsoDate(options.today, 'today');
  const rules = options.payerRules ?? DEFAULT_PAYER_RULES;
  const profile = resolvePayerProfile(rules, facts);
  const threshold = profile.writeOffThresholdCents ?? rules.writeOffThresholdCents;

  const classified = facts.adjustments.map((a) =>
    classifyAdjustment(a, facts.remarks, facts.determinationDate),
  );
  const rationale = [...classified.map((c) => c.sentence), ...facts.remarks.map(describeRemark)];
  const totals = totalsByCategory(classified);
  const categories: CategoryAmount[] = totals.map((t) => ({
    category: t.category,
    amountCents: t.amountCents,
    codes: [...t.codes],
  }));

  // Never more than the payer left unpaid: adjustments can over-state a claim that does not balance.
  const unpaid = Math.max(0, facts.chargeCents - facts.paidCents);
  let atStake = Math.min(
    unpaid,
    totals.reduce((sum, t) => sum + Math.max(0, t.atStakeCents), 0),
  );
  let primary: CategoryTotals | undefined = totals[0];
  let category: DenialCategory = primary?.category ?? 'other';
  let action: RecommendedAction;
  const patientShare = Math.max(
    facts.patientResponsibilityCents,
    classified.filter((c) => c.label.startsWith('PR-')).reduce((sum, c) => sum + c.amountCents, 0),
  );

  const closed = NOTHING_TO_DISPUTE[facts.claimStatusCode];
  if (closed) {
    rationale.push(closed);
    atStake = 0;
    action = 'none';
  } else if (classified.length === 0 && facts.claimStatusCode === '4') {
    // A denial without reasons cannot be worked from the remittance alone.
    atStake = Math.max(0, unpaid - Math.max(0, facts.patientResponsibilityCents));
    primary = undefined;
    category = 'other';
    action = 'appeal';
    rationale.push(
      'CLP02 4: the claim was denied without adjustment reasons; ask the payer for the reason.',
    );
  } else if (atStake === 0) {
    const pending = classified.some((c) => c.pending);
    if (pending) {
      action = 'none';
      rationale.push('The payer has not finished adjudicating; wait for the final remittance.');
    } else if (patientShare > 0 && FORWARDED.includes(facts.claimStatusCode)) {
      action = 'none';
      rationale.push(
        `CLP02 ${facts.claimStatusCode}: forwarded to the next payer, which may cover the patient's ${formatCents(patientShare)}; bill the patient after it adjudicates.`,
      );
    } else if (patientShare > 0) {
      action = 'bill_patient';
      rationale.push(
        `Nothing is recoverable from the payer; ${formatCents(patientShare)} is the patient's responsibility.`,
      );
    } else {
      action = 'none';
      rationale.push(
        'Nothing is recoverable from the payer: only contractual or informational adjustments.',
      );
    }
  } else {
    action = primary ? leadAdjustment(primary).action : 'appeal';
    rationale.push(
      `${formatCents(atStake)} could be recovered; the largest part is ${category.replace(/_/g, ' ')}.`,
    );
  }

  if (action === 'appeal' && facts.remarks.includes('MA130')) {
    action = 'corrected_claim';
    rationale.push(
      'MA130: an unprocessable claim has no appeal rights; submit a new, corrected claim instead.',
    );
  }
  if (action === 'appeal' && facts.remarks.includes('N211')) {
    action = 'write_off';
    rationale.push(
      'N211: the payer affords no appeal of this decision; write off unless a reopening for a clerical error applies.',
    );
  }
  if (facts.previousAppealLevel && action === 'corrected_claim') {
    // The denial was already disputed and upheld: the next step is the next appeal level.
    action = 'appeal';
  }
  if ((action === 'appeal' || action === 'corrected_claim') && atStake < threshold) {
    rationale.push(
      `${formatCents(atStake)} at stake is under the ${formatCents(threshold)} write-off threshold.`,
    );
    action = 'write_off';
  }
  if (profile.program === 'medicare' && category === 'timely_filing' && action === 'appeal') {
    rationale.push(
      'Medicare does not treat a timely filing denial as an initial determination, so it carries no appeal rights; with proof the claim was filed in time (or an exception under 42 CFR 424.44(b)), ask the contractor to reopen the claim.',
    );
  }

  let decision: Decision = { action, appealLevel: null, deadline: null, deadlineRule: null };
  if (action === 'appeal') decision = appealDecision(facts, profile, rationale);
  else if (action === 'corrected_claim')
    decision = correctedClaimDecision(facts, rules, profile, rationale);

  if (decision.deadline && options.today && decision.deadline < options.today) {
    rationale.push(
      `The deadline passed ${daysBetween(decision.deadline, options.today)} days ago.`,
    );
  }

  return {
    source: 'rules',
    rulesVersion: RULES_VERSION,
    category,
    categories,
    recommendedAction: decision.action,
    amountAtStakeCents: atStake,
    appealLevel: decision.appealLevel,
    appealDeadline: decision.deadline,
    deadlineRule: decision.deadlineRule,
    rationale,
    missingDocuments: documentsFor(decision.action, primary, classified),
  };
}
