import type { AnalysisOutcome, LetterOutcome } from './analyzer';

/**
 * The audit event of one AI call, by reference only: who produced the result,
 * with which model and prompt, and the hash of what was sent. The caller adds
 * the actor and the workflow. Small scalars, as the audit repository requires.
 */
export function aiAuditDetails(outcome: AnalysisOutcome | LetterOutcome) {
  return {
    source: outcome.source,
    model: outcome.model,
    promptVersion: outcome.promptVersion,
    sentSha256: outcome.sentSha256,
    fallbackReason: outcome.fallbackReason,
  };
}
