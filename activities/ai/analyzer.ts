import { callForStructured, type CallSettings, type FallbackReason } from './anthropic-call';
import { canonicalJson } from './canonical-json';
import type { ClaimForAnalysis } from './claim-facts';
import { AiError } from './errors';
import { describeCarc, describeRarc, templateLetter } from './letter-template';
import { allowedActions, allowedCategories, mergeAnalysis } from './merge';
import {
  decimal,
  fillPlaceholders,
  minimize,
  unknownPlaceholders,
  type Minimized,
} from './minimizer';
import {
  ANALYSIS_PROMPT_VERSION,
  ANALYSIS_SYSTEM,
  ANALYSIS_TOOL,
  LETTER_PROMPT_VERSION,
  LETTER_SYSTEM,
  LETTER_TOOL,
  REVIEWER_SIGNATURE,
} from './prompts';
import { createRedactor, REDACTED, type Redactor } from './redactor';
import { analysisAnswerSchema, letterAnswerSchema, type AnalysisAnswer } from './schemas';
import type { DenialCategory, RecommendedAction, TriageResult } from './triage-types';

export type { FallbackReason } from './anthropic-call';

export interface AnalysisOutcome {
  source: 'anthropic' | 'rules';
  /** The model that answered, or that was asked when the call failed; null without a key. */
  model: string | null;
  promptVersion: string;
  /** sha256 of the request body as sent (the same on every retry); null when nothing was sent. */
  sentSha256: string | null;
  fallbackReason: FallbackReason | null;
  /** Says in words who produced this result, for the reviewer's screen. */
  label: string;
  category: DenialCategory;
  recommendedAction: RecommendedAction;
  rationale: string[];
  missingDocuments: string[];
  appealArguments: string[];
  confidence: number | null;
}

export interface LetterOutcome {
  source: 'anthropic' | 'template';
  model: string | null;
  promptVersion: string;
  sentSha256: string | null;
  fallbackReason: FallbackReason | null;
  label: string;
  subject: string;
  /** Real values already filled back in, locally; ends with the reviewer's signature line. */
  body: string;
}

export interface AiConfig {
  apiKey?: string;
  /** Defaults to ANTHROPIC_BASE_URL (read by the SDK), else the public API. */
  baseUrl?: string;
  model?: string;
  /** Per attempt. */
  timeoutMs?: number;
  /** The SDK retries connection errors, 408, 409, 429 and 5xx with exponential backoff. */
  maxRetries?: number;
}

export const DEFAULT_MODEL = 'claude-sonnet-5-5';
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RETRIES = 2;

function settingsOf(config: AiConfig): CallSettings | null {
  const apiKey = config.apiKey?.trim();
  if (!apiKey) return null;
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRetries = config.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw new AiError('AI_CONFIG_INVALID', 'timeoutMs must be a positive integer');
  if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 10)
    throw new AiError('AI_CONFIG_INVALID', 'maxRetries must be an integer from 0 to 10');
  return {
    apiKey,
    baseUrl: config.baseUrl?.trim() || undefined,
    model: config.model?.trim() || DEFAULT_MODEL,
    timeoutMs,
    maxRetries,
  };
}

const why = (reason: FallbackReason) =>
  reason === 'no_api_key' ? 'no AI key configured' : `AI failed: ${reason}`;

function rulesOutcome(
  rules: TriageResult,
  reason: FallbackReason,
  call: { model: string | null; sentSha256: string | null },
): AnalysisOutcome {
  return {
    source: 'rules',
    model: call.model,
    promptVersion: ANALYSIS_PROMPT_VERSION,
    sentSha256: call.sentSha256,
    fallbackReason: reason,
    label: `Rules analyzer (${why(reason)})`,
    category: rules.category,
    recommendedAction: rules.recommendedAction,
    rationale: [...rules.rationale],
    missingDocuments: [...rules.missingDocuments],
    appealArguments: [],
    confidence: null,
  };
}

/** The official meaning of every code on the claim: the model should not have to recall them. */
function codeMeanings(claim: ClaimForAnalysis, r: Redactor) {
  const carcs = [...claim.adjustments, ...claim.services.flatMap((s) => s.adjustments)].map(
    (a) => a.reason,
  );
  const rarcs = [...claim.remarks, ...claim.services.flatMap((s) => s.remarks)];
  // Keys pass the same check as the claim's codes: an identifying value is never a key.
  const table = (codes: string[], describe: (c: string) => string) =>
    Object.fromEntries(
      codes
        .map((c) => r.code(c))
        .filter((c): c is string => c !== null && c !== REDACTED)
        .map((c) => [c, describe(c)]),
    );
  return { carc: table(carcs, describeCarc), rarc: table(rarcs, describeRarc) };
}

function fillAnswer(answer: AnalysisAnswer, m: Minimized): AnalysisAnswer {
  const fill = (list: string[]) => list.map((t) => fillPlaceholders(t, m.placeholders));
  return {
    ...answer,
    rationale: fill(answer.rationale),
    missingDocuments: fill(answer.missingDocuments),
    appealArguments: fill(answer.appealArguments),
  };
}

export function createAnalyzer(config: AiConfig) {
  const settings = settingsOf(config);

  async function analyze(claim: ClaimForAnalysis, rules: TriageResult): Promise<AnalysisOutcome> {
    if (!settings) return rulesOutcome(rules, 'no_api_key', { model: null, sentSha256: null });
    const minimized = minimize(claim);
    const r = createRedactor(claim);
    const context = {
      task: 'analyze_denial',
      codeMeanings: codeMeanings(claim, r),
      rules: {
        category: rules.category,
        recommendedAction: rules.recommendedAction,
        rationale: rules.rationale.map(r.text),
        missingDocuments: rules.missingDocuments.map(r.text),
        appealLevel: rules.appealLevel,
        appealDeadline: r.relativeDate(rules.appealDeadline ?? undefined),
        amountAtStake: decimal(rules.amountAtStakeCents),
      },
      allowedCategories: allowedCategories(rules),
      allowedActions: allowedActions(claim, rules),
    };
    const result = await callForStructured(settings, {
      system: ANALYSIS_SYSTEM,
      blocks: [canonicalJson(minimized.payload), canonicalJson(context)],
      tool: {
        name: ANALYSIS_TOOL,
        description: 'Record the refined analysis of the denied claim.',
        schema: analysisAnswerSchema,
      },
      maxTokens: 2048,
    });
    if (!result.ok) return rulesOutcome(rules, result.reason, result);
    const merged = mergeAnalysis(claim, rules, fillAnswer(result.value, minimized));
    return {
      source: 'anthropic',
      model: result.model,
      promptVersion: ANALYSIS_PROMPT_VERSION,
      sentSha256: result.sentSha256,
      fallbackReason: null,
      label: `AI analysis (${result.model})`,
      ...merged,
      confidence: result.value.confidence,
    };
  }

  async function draftLetter(
    claim: ClaimForAnalysis,
    rules: TriageResult,
    analysis: AnalysisOutcome,
  ): Promise<LetterOutcome> {
    const minimized = minimize(claim);
    const template = (
      reason: FallbackReason,
      call: { model: string | null; sentSha256: string | null },
    ): LetterOutcome => ({
      source: 'template',
      model: call.model,
      promptVersion: LETTER_PROMPT_VERSION,
      sentSha256: call.sentSha256,
      fallbackReason: reason,
      label: `Template letter (${why(reason)})`,
      ...templateLetter(claim, minimized, analysis),
    });
    if (!settings) return template('no_api_key', { model: null, sentSha256: null });
    const r = createRedactor(claim);
    const context = {
      task: 'draft_appeal_letter',
      codeMeanings: codeMeanings(claim, r),
      analysis: {
        category: analysis.category,
        recommendedAction: analysis.recommendedAction,
        rationale: analysis.rationale.map(r.text),
        missingDocuments: analysis.missingDocuments.map(r.text),
        appealArguments: analysis.appealArguments.map(r.text),
      },
      appealLevel: rules.appealLevel,
      appealDeadline: r.relativeDate(rules.appealDeadline ?? undefined),
      signatureLine: REVIEWER_SIGNATURE,
    };
    const result = await callForStructured(settings, {
      system: LETTER_SYSTEM,
      blocks: [canonicalJson(minimized.payload), canonicalJson(context)],
      tool: {
        name: LETTER_TOOL,
        description: 'Record the drafted appeal letter.',
        schema: letterAnswerSchema,
      },
      maxTokens: 4096,
    });
    if (!result.ok) return template(result.reason, result);
    const { subject, body } = result.value;
    // A placeholder we cannot fill would reach the payer as '{{SOMETHING}}': not a usable draft.
    if (unknownPlaceholders(`${subject}\n${body}`, minimized.placeholders).length)
      return template('out_of_schema', result);
    const filled = fillPlaceholders(body, minimized.placeholders);
    return {
      source: 'anthropic',
      model: result.model,
      promptVersion: LETTER_PROMPT_VERSION,
      sentSha256: result.sentSha256,
      fallbackReason: null,
      label: `AI draft (${result.model})`,
      subject: fillPlaceholders(subject, minimized.placeholders),
      body: filled.includes(REVIEWER_SIGNATURE) ? filled : `${filled}\n\n${REVIEWER_SIGNATURE}`,
    };
  }

  // Without a model both answers are local and instant: callers may batch the steps around them.
  return { analyze, draftLetter, usesModel: settings !== null };
}

export type Analyzer = ReturnType<typeof createAnalyzer>;
