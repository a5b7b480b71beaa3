import { randomUUID } from 'node:crypto';
import { recordAudit, type AuditEntry } from '../db/audit/audit.repository';
import { AppealRepository } from '../db/repositories/appeal.repository';
import {
  ClaimLifecycleRepository,
  type ClaimDetails,
  type LifecyclePatch,
} from '../db/repositories/claim-lifecycle.repository';
import { DenialAnalysisRepository } from '../db/repositories/denial-analysis.repository';
import { PayerRepository } from '../db/repositories/payer.repository';
import { ReviewTaskRepository } from '../db/repositories/review-task.repository';
import type { Tx } from '../db/unit-of-work';
import type { AppealLevel } from '../workflows/contracts';
import { durationMs } from '../workflows/durations';
import type { AnalysisOutcome } from './ai/analyzer';
import type { ClaimForAnalysis } from './ai/claim-facts';
import { claimForAnalysis, triageFactsOf } from './claim-context';
import type { LifecycleDeps } from './lifecycle-deps';
import { daysBetween, reviewPriority, triage, utcDay, type TriageResult } from './triage';

/**
 * The steps from a stored claim to its review task (triage, analysis, draft,
 * open task), each over a transaction it is given. The single-step activities
 * run one per transaction; the rules-only path runs them all in one, with the
 * audit events written together at its end.
 */

/** Appeal levels in the order a payer hears them; the appeals table stores the position. */
const LEVEL_INDEX: Record<string, number> = {
  redetermination: 1,
  first_level: 1,
  reconsideration: 2,
  second_level: 2,
  alj_hearing: 3,
  external_review: 3,
  council_review: 4,
  judicial_review: 5,
};

export const levelIndexOf = (level: AppealLevel | null): number =>
  LEVEL_INDEX[level ?? 'first_level'] ?? 1;

export interface TriageAnswer {
  category: TriageResult['category'];
  recommendedAction: TriageResult['recommendedAction'];
  appealLevel: AppealLevel | null;
  appealDeadline: string | null;
  amountAtStakeCents: number;
  priority: ReturnType<typeof reviewPriority>;
  payerKey: string;
}

export interface AnalysisAnswer {
  source: AnalysisOutcome['source'];
  label: string;
  fallbackReason: AnalysisOutcome['fallbackReason'];
  category: AnalysisOutcome['category'];
  recommendedAction: AnalysisOutcome['recommendedAction'];
}

export interface ReviewTaskAnswer {
  taskId: string;
  waitMs: number;
}

/**
 * One claim's transaction: its facts read once, and where its audit events and
 * the changes to its row go (written as they come, or together at the end).
 */
export interface StepContext {
  tx: Tx;
  tenantId: string;
  claimId: string;
  workflowId: string;
  details: ClaimDetails;
  audit: (entry: AuditEntry) => Promise<unknown>;
  mirror: (patch: LifecyclePatch) => Promise<unknown>;
}

/** Writes each audit event and each change to the claim row at once: one step, one transaction. */
export function writeAsYouGo(tx: Tx, claimId: string): Pick<StepContext, 'audit' | 'mirror'> {
  return {
    audit: (entry) => recordAudit(tx, entry),
    mirror: (patch) => new ClaimLifecycleRepository(tx).update(claimId, patch),
  };
}

const answerOf = (outcome: AnalysisOutcome): AnalysisAnswer => ({
  source: outcome.source,
  label: outcome.label,
  fallbackReason: outcome.fallbackReason,
  category: outcome.category,
  recommendedAction: outcome.recommendedAction,
});

function previousLevel(level: AppealLevel): AppealLevel | undefined {
  const order: AppealLevel[][] = [
    ['redetermination', 'reconsideration', 'alj_hearing', 'council_review', 'judicial_review'],
    ['first_level', 'second_level', 'external_review'],
  ];
  for (const chain of order) {
    const i = chain.indexOf(level);
    if (i > 0) return chain[i - 1];
  }
  return undefined;
}

export function createPreparationSteps(deps: LifecycleDeps) {
  const now = deps.now ?? (() => new Date());
  // Decrypting the claim is the costly read; the analysis and the letter share it.
  const decrypted = new WeakMap<ClaimDetails, Promise<ClaimForAnalysis>>();

  function rulesFor(details: ClaimDetails, level: AppealLevel | null): TriageResult {
    const previous = level ? previousLevel(level) : undefined;
    return triage(triageFactsOf(details, previous ? { previousAppealLevel: previous } : {}), {
      today: utcDay(now()),
    });
  }

  function claimOf(ctx: StepContext): Promise<ClaimForAnalysis> {
    let claim = decrypted.get(ctx.details);
    if (!claim) {
      claim = (async () => {
        const payers = await new PayerRepository(ctx.tx).list();
        const key = ctx.details.claim.payer_key;
        return claimForAnalysis(
          ctx.details,
          deps.cipher,
          payers.find((p) => p.payer_key === key)?.name ?? key,
        );
      })();
      decrypted.set(ctx.details, claim);
    }
    return claim;
  }

  async function decryptAnalysis(
    tenantId: string,
    row: { id: string; rationale_enc: Buffer | null } | undefined,
  ): Promise<AnalysisOutcome | undefined> {
    if (!row?.rationale_enc) return undefined;
    return JSON.parse(
      await deps.cipher.decrypt(row.rationale_enc, {
        tenantId,
        column: 'denial_analyses.rationale_enc',
        rowId: row.id,
      }),
    ) as AnalysisOutcome;
  }

  function answerFrom(result: TriageResult, details: ClaimDetails): TriageAnswer {
    const days = result.appealDeadline ? daysBetween(utcDay(now()), result.appealDeadline) : null;
    return {
      category: result.category,
      recommendedAction: result.recommendedAction,
      appealLevel: result.appealLevel,
      appealDeadline: result.appealDeadline,
      amountAtStakeCents: result.amountAtStakeCents,
      priority: reviewPriority({
        amountAtStakeCents: result.amountAtStakeCents,
        daysToDeadline: days,
      }),
      payerKey: details.claim.payer_key,
    };
  }

  /** What the rules decide for this level; pure, so a retry answers the same without writing. */
  function triageAnswer(details: ClaimDetails, level: AppealLevel | null): TriageAnswer {
    return answerFrom(rulesFor(details, level), details);
  }

  async function triageStep(ctx: StepContext, level: AppealLevel | null): Promise<TriageAnswer> {
    const result = rulesFor(ctx.details, level);
    const answer = answerFrom(result, ctx.details);
    await ctx.mirror({
      lifecycle_state: 'triage',
      lifecycle_outcome: null, // a new appeal level reopens a claim whose last level was upheld
      category: result.category,
      recommended_action: result.recommendedAction,
      appeal_level: result.appealLevel,
      appeal_deadline: result.appealDeadline,
      amount_at_stake_cents: result.amountAtStakeCents,
      priority_score: answer.priority.score,
    });
    await new DenialAnalysisRepository(ctx.tx).add({
      tenant_id: ctx.tenantId,
      claim_id: ctx.claimId,
      analyzer: 'rules',
      model: null,
      category: result.category,
      appealable:
        result.recommendedAction === 'appeal' || result.recommendedAction === 'corrected_claim',
      confidence: 1,
      rationale_enc: null,
      payload_sha256: null,
      workflow_id: ctx.workflowId,
    });
    await ctx.audit({
      action: 'claim.triage',
      resourceType: 'claim',
      resourceId: ctx.claimId,
      claimId: ctx.claimId,
      purpose: 'payment',
      workflowId: ctx.workflowId,
      details: {
        category: result.category,
        action: result.recommendedAction,
        rulesVersion: result.rulesVersion,
        level: result.appealLevel,
      },
    });
    return answer;
  }

  /** The analysis an earlier attempt stored, for a retry that must not ask the model again. */
  async function storedAnalysis(tx: Tx, tenantId: string, claimId: string) {
    const row = await new ClaimLifecycleRepository(tx).latestAnalysis(claimId);
    const outcome = await decryptAnalysis(tenantId, row);
    return outcome ? answerOf(outcome) : undefined;
  }

  async function analyzeStep(ctx: StepContext): Promise<AnalysisAnswer> {
    const rules = rulesFor(ctx.details, null);
    const outcome = await deps.analyzer.analyze(await claimOf(ctx), rules);
    // The whole outcome, encrypted: the letter step reuses it instead of asking the model again.
    const analysisId = randomUUID();
    const rationaleEnc = await deps.cipher.encrypt(JSON.stringify(outcome), {
      tenantId: ctx.tenantId,
      column: 'denial_analyses.rationale_enc',
      rowId: analysisId,
    });
    const byModel = outcome.source === 'anthropic';
    const analysis = await new DenialAnalysisRepository(ctx.tx).add({
      id: analysisId,
      tenant_id: ctx.tenantId,
      claim_id: ctx.claimId,
      analyzer: byModel ? 'ai' : 'rules',
      // A failed model call is the rules' result; the attempt itself is in the audit event.
      model: byModel ? outcome.model : null,
      category: outcome.category,
      appealable:
        outcome.recommendedAction === 'appeal' || outcome.recommendedAction === 'corrected_claim',
      confidence: outcome.confidence ?? 1,
      rationale_enc: rationaleEnc,
      payload_sha256: byModel ? outcome.sentSha256 : null,
      workflow_id: ctx.workflowId,
    });
    await ctx.mirror({
      lifecycle_state: 'analysis',
      category: outcome.category,
      recommended_action: outcome.recommendedAction,
    });
    await ctx.audit({
      action: 'ai.analyze',
      resourceType: 'denial_analysis',
      resourceId: analysis.id,
      claimId: ctx.claimId,
      purpose: 'payment',
      workflowId: ctx.workflowId,
      details: {
        source: outcome.source,
        model: outcome.model,
        promptVersion: outcome.promptVersion,
        sentSha256: outcome.sentSha256,
        fallbackReason: outcome.fallbackReason,
        startedBy: ctx.workflowId,
      },
    });
    return answerOf(outcome);
  }

  /** This level's appeal, as far as an earlier attempt got with it. */
  async function appealFor(tx: Tx, claimId: string, level: AppealLevel | null) {
    const index = levelIndexOf(level);
    return (await new AppealRepository(tx).listForClaim(claimId)).find((a) => a.level === index);
  }

  async function draftStep(
    ctx: StepContext,
    level: AppealLevel | null,
  ): Promise<{ appealId: string }> {
    const appeals = new AppealRepository(ctx.tx);
    const existing = await appealFor(ctx.tx, ctx.claimId, level);
    if (existing?.letter_enc) return { appealId: existing.id };
    const rules = rulesFor(ctx.details, level);
    const claim = await claimOf(ctx);
    const stored = await new ClaimLifecycleRepository(ctx.tx).latestAnalysis(ctx.claimId);
    const analysis =
      (await decryptAnalysis(ctx.tenantId, stored)) ?? (await deps.analyzer.analyze(claim, rules));
    const letter = await deps.analyzer.draftLetter(claim, rules, analysis);
    const appeal =
      existing ??
      (await appeals.create(ctx.tenantId, {
        claimId: ctx.claimId,
        level: levelIndexOf(level),
        // Noon UTC keeps the calendar date whatever the session time zone.
        deadline: rules.appealDeadline,
        createdBy: ctx.workflowId,
      }));
    const letterEnc = await deps.cipher.encrypt(
      JSON.stringify({ subject: letter.subject, body: letter.body, source: letter.source }),
      { tenantId: ctx.tenantId, column: 'appeals.letter_enc', rowId: appeal.id },
    );
    await appeals.update(appeal.id, { letterEnc });
    await new ClaimLifecycleRepository(ctx.tx).setAppealLevel(
      appeal.id,
      level ?? rules.appealLevel,
    );
    await ctx.mirror({ lifecycle_state: 'drafting' });
    await ctx.audit({
      action: 'appeal.draft',
      resourceType: 'appeal',
      resourceId: appeal.id,
      claimId: ctx.claimId,
      purpose: 'payment',
      workflowId: ctx.workflowId,
      details: {
        source: letter.source,
        model: letter.model,
        promptVersion: letter.promptVersion,
        sentSha256: letter.sentSha256,
        fallbackReason: letter.fallbackReason,
      },
    });
    return { appealId: appeal.id };
  }

  /**
   * Opens the review task, or gets the open one back; with `alreadyOpened` an
   * earlier attempt opened and audited it, so nothing else is written.
   */
  async function openTaskStep(
    ctx: Omit<StepContext, 'details'>,
    input: {
      appealId: string;
      deadline: string | null;
      reviewTimeout: string;
      alreadyOpened: boolean;
    },
  ): Promise<ReviewTaskAnswer> {
    const start = now();
    const cap = start.getTime() + durationMs(input.reviewTimeout);
    // The task is due the day before the appeal deadline at the latest, so a person still has a day to file.
    const byDeadline = input.deadline ? Date.parse(`${input.deadline}T00:00:00Z`) : Infinity;
    const task = await new ReviewTaskRepository(ctx.tx).open(ctx.tenantId, {
      claimId: ctx.claimId,
      appealId: input.appealId,
      dueAt: new Date(Math.min(cap, byDeadline)),
      workflowId: ctx.workflowId,
    });
    const waitMs = Math.max(0, task.due_at.getTime() - start.getTime());
    if (input.alreadyOpened) return { taskId: task.id, waitMs };
    await new AppealRepository(ctx.tx).update(input.appealId, { status: 'in_review' });
    await ctx.mirror({ lifecycle_state: 'awaiting_review' });
    await ctx.audit({
      action: 'review_task.open',
      resourceType: 'review_task',
      resourceId: task.id,
      claimId: ctx.claimId,
      purpose: 'payment',
      workflowId: ctx.workflowId,
      details: { dueAt: task.due_at.toISOString() },
    });
    return { taskId: task.id, waitMs };
  }

  return {
    triageAnswer,
    triage: triageStep,
    storedAnalysis,
    analyze: analyzeStep,
    appealFor,
    draft: draftStep,
    openTask: openTaskStep,
  };
}

export type PreparationSteps = ReturnType<typeof createPreparationSteps>;
