/**
 * Classifies one CAS adjustment (group + CARC, refined by the claim's RARCs) into a
 * denial category, whether its money is at stake and what to do about it.
 */
import {
  carcDescription,
  isActive,
  rarcDescription,
  type CodeEntry,
} from '../../x12/codes/code-lists';
import { CARC_RULES } from './carc-rules';
import { AT_STAKE_BY_DEFAULT, rule, type CodeRule } from './code-rule';
import { RARC_RULES } from './rarc-rules';
import type { DenialCategory, RecommendedAction, TriageAdjustment } from './types';

export const DEFAULT_ACTION: Readonly<Record<DenialCategory, RecommendedAction>> = {
  missing_information: 'corrected_claim',
  authorization: 'appeal',
  medical_necessity: 'appeal',
  timely_filing: 'appeal',
  coding_bundling: 'appeal',
  eligibility: 'appeal',
  duplicate: 'none',
  coordination_of_benefits: 'corrected_claim',
  patient_responsibility: 'bill_patient',
  contractual: 'none',
  non_covered: 'appeal',
  provider_enrollment: 'appeal',
  pricing: 'appeal',
  other: 'appeal',
};

/**
 * Last resort for CARCs without an explicit rule: the first pattern that matches
 * the official description wins, so the narrow patterns come first.
 */
const KEYWORD_RULES: readonly [RegExp, DenialCategory][] = [
  [/duplicate|previously paid/i, 'duplicate'],
  [/time limit|timely/i, 'timely_filing'],
  [/deductible|coinsurance|co-?payment/i, 'patient_responsibility'],
  [/authori[sz]|pre-?certif|referral/i, 'authorization'],
  [/necessity|experimental|investigational|level of service|frequency/i, 'medical_necessity'],
  [
    /prior payer|other payer|coordination of benefits|liability carrier|workers' comp/i,
    'coordination_of_benefits',
  ],
  [/missing|incomplete|lacks|attachment|not provided/i, 'missing_information'],
  [
    /procedure code|modifier|diagnosis|included in|not paid separately|mutually exclusive/i,
    'coding_bundling',
  ],
  [/eligib|coverage terminated|prior to coverage|not covered under this plan/i, 'eligibility'],
  [/provider|certified|credential/i, 'provider_enrollment'],
  [/non-?covered|not covered|exclusion|benefit maximum/i, 'non_covered'],
  [/discount|withhold|sequestration|capitation|contract/i, 'contractual'],
  [/fee schedule|allowance|reasonable and customary/i, 'pricing'],
];

export function keywordCategory(description: string): DenialCategory {
  return KEYWORD_RULES.find(([pattern]) => pattern.test(description))?.[1] ?? 'other';
}

/** The description without the payer-facing 'Usage:' guidance, which says nothing about the claim. */
export function shortDescription(entry: CodeEntry): string {
  return entry.description.split(/\s+Usage:/)[0].trim();
}

export interface ClassifiedAdjustment {
  /** 'CO-50' */
  label: string;
  amountCents: number;
  category: DenialCategory;
  atStake: boolean;
  action: RecommendedAction;
  pending: boolean;
  documents: string[];
  /** The RARC that decided or refined the rule, if any. */
  refinedBy?: string;
  notes: string[];
  /** How this adjustment was classified, in words. */
  sentence: string;
}

function carcRule(code: string): { rule: CodeRule; how: string } {
  const explicit = CARC_RULES[code];
  if (explicit) return { rule: explicit, how: '' };
  const entry = carcDescription(code);
  if (!entry) return { rule: rule('other'), how: ' (not in the CARC list; classified as other)' };
  const category = keywordCategory(shortDescription(entry));
  return { rule: rule(category), how: ' (no explicit rule; classified by its description)' };
}

/** A specific RARC beats MA130/N517-style generic ones for deciding the reason. */
function refiningRemark(
  remarks: readonly string[],
  accept: (r: CodeRule) => boolean,
): string | undefined {
  const mapped = remarks.filter((code) => RARC_RULES[code] && accept(RARC_RULES[code]));
  return mapped.find((code) => !RARC_RULES[code].generic) ?? mapped[0];
}

export function classifyAdjustment(
  adjustment: TriageAdjustment,
  remarks: readonly string[],
  determinationDate: string,
): ClassifiedAdjustment {
  const { group, reason, amountCents } = adjustment;
  const label = `${group}-${reason}`;
  const entry = carcDescription(reason);
  const { rule: base, how } = carcRule(reason);
  let effective: CodeRule = base;
  let refinedBy: string | undefined;
  if (base.generic) {
    refinedBy = refiningRemark(remarks, () => true);
    if (refinedBy) effective = RARC_RULES[refinedBy];
  } else {
    refinedBy = refiningRemark(remarks, (r) => r.category === base.category);
    if (refinedBy) {
      const extra = RARC_RULES[refinedBy];
      effective = {
        ...base,
        ...extra,
        documents: [...(base.documents ?? []), ...(extra.documents ?? [])],
      };
    }
  }

  let category = effective.category;
  let atStake = effective.atStake ?? AT_STAKE_BY_DEFAULT[category];
  let action = effective.action ?? DEFAULT_ACTION[category];
  const notes = [base.note, refinedBy ? RARC_RULES[refinedBy].note : undefined].filter(
    (note): note is string => Boolean(note),
  );
  if (group === 'PR') {
    // The payer has assigned the amount to the patient: bill it, whatever the reason.
    category = 'patient_responsibility';
    atStake = false;
    action = 'bill_patient';
    notes.length = 0;
  } else if (group === 'CR') {
    atStake = false;
    action = 'none';
    notes.push('group CR (correction/reversal, a 4010 group code) is not a new denial');
  }

  const described = entry ? shortDescription(entry) : 'no official description.';
  const retired =
    entry && !isActive(entry, determinationDate)
      ? ` CARC ${reason} was not active on the determination date; it is still classified by its published meaning.`
      : '';
  const refined = refinedBy ? `, refined by RARC ${refinedBy}` : '';
  const sentence =
    `${label} (${formatCents(amountCents)}): ${described} Category: ${category.replace(/_/g, ' ')}${how}${refined}` +
    `${atStake ? '' : '; not money at stake'}.${notes.map((n) => ` Note: ${n}.`).join('')}${retired}`;

  return {
    label,
    amountCents,
    category,
    atStake,
    action,
    pending: group !== 'PR' && Boolean(effective.pending),
    documents: group === 'PR' ? [] : [...(effective.documents ?? [])],
    refinedBy,
    notes,
    sentence,
  };
}

/** A sentence for each remark code: its official description, or that it is unknown. */
export function describeRemark(code: string): string {
  const entry = rarcDescription(code);
  return entry ? `RARC ${code}: ${entry.description}` : `RARC ${code} is not in the RARC list.`;
}

/** '$1,234.56' from integer cents; '-$5.00' for negatives. */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const dollars = Math.floor(abs / 100).toLocaleString('en-US');
  return `${sign}$${dollars}.${String(abs % 100).padStart(2, '0')}`;
}
