/**
 * Denial triage rules engine: classifies a denied or underpaid claim from its
 * CARC/RARC/group codes and CLP02 status, recommends an action, computes the
 * appeal deadline and the review priority. Pure: no I/O, no clock (pass `today`).
 */
export type {
  AppealLevel,
  CategoryAmount,
  DenialCategory,
  RecommendedAction,
  TriageAdjustment,
  TriageFacts,
  TriageResult,
} from './types';
export { APPEAL_LEVELS, DENIAL_CATEGORIES } from './types';
export { TriageInputError } from './errors';
export { triage, RULES_VERSION } from './triage';
export { reviewPriority, type PriorityBand } from './priority';
export { daysBetween, addDays, utcDay } from './dates';
export { nextAppealLevel, firstAppealLevel, programForFilingIndicator } from './appeal-levels';
export {
  DEFAULT_PAYER_RULES,
  loadPayerRules,
  resolvePayerProfile,
  type FilingWindow,
  type PayerProfile,
  type PayerProgram,
  type PayerRules,
} from './payer-rules';
export { CARC_RULES } from './carc-rules';
export { RARC_RULES } from './rarc-rules';
