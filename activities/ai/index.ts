export type { ClaimForAnalysis } from './claim-facts';
export { minimize, fillPlaceholders, type Minimized, type MinimizedClaim } from './minimizer';
export {
  createAnalyzer,
  DEFAULT_MODEL,
  type AiConfig,
  type Analyzer,
  type AnalysisOutcome,
  type FallbackReason,
  type LetterOutcome,
} from './analyzer';
export { aiAuditDetails } from './audit-details';
export { CATEGORY_REFINEMENTS, ACTION_REFINEMENTS } from './merge';
export { REVIEWER_SIGNATURE, ANALYSIS_PROMPT_VERSION, LETTER_PROMPT_VERSION } from './prompts';
export { AiError } from './errors';
