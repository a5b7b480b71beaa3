import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { AppealRepository } from '../db/repositories/appeal.repository';
import { ClaimLifecycleRepository } from '../db/repositories/claim-lifecycle.repository';
import { DenialAnalysisRepository } from '../db/repositories/denial-analysis.repository';
import { PayerRepository } from '../db/repositories/payer.repository';
import { ReviewTaskRepository } from '../db/repositories/review-task.repository';
import { recordAudit } from '../db/audit/audit.repository';
import type { AppealLevel, ReviewDecision } from '../workflows/contracts';
import { durationMs } from '../workflows/durations';
import type { AnalysisOutcome } from './ai/analyzer';
import { claimForAnalysis, triageFactsOf } from './claim-context';
import { loadDetails, lockedState, scope, UUID, type LifecycleDeps } from './lifecycle-deps';
import { daysBetween, reviewPriority, triage, type TriageResult } from './triage';

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

const isoToday = (now: Date) => now.toISOString().slice(0, 10);

async function payerName(
  tx: Parameters<Parameters<typeof scope>[3]>[0],
  payerKey: string,
): Promise<string> {
  const payers = await new PayerRepository(tx).list();
  return payers.find((p) => p.payer_key === payerKey)?.name ?? payerKey;
}

export function createReviewActivities(deps: LifecycleDeps) {
  const now = deps.now ?? (() => new Date());

  async function rulesFor(
    tx: Parameters<Parameters<typeof scope>[3]>[0],
    claimId: string,
    level: AppealLevel | null,
  ): Promise<TriageResult> {
    const details = await loadDetails(tx, claimId);
    const previous = level ? previousLevel(level) : undefined;
    return triage(triageFactsOf(details, previous ? { previousAppealLevel: previous } : {}), {
      today: isoToday(now()),
    });
  }

  return {
    async triageClaim(input: {
      tenantId: string;
      claimId: string;
      workflowId: string;
      level: AppealLevel | null;
    }) {
      return scope(deps, input.tenantId, input.claimId, async (tx) => {
        // A level starts from a new claim (no state) or a closed one: 'triage' means this
        // level's triage already committed and only its completion was lost.
        const done = (await lockedState(tx, input.claimId)) === 'triage';
        const details = await loadDetails(tx, input.claimId);
        const result = await rulesFor(tx, input.claimId, input.level);
        const days = result.appealDeadline
          ? daysBetween(isoToday(now()), result.appealDeadline)
          : null;
        const priority = reviewPriority({
          amountAtStakeCents: result.amountAtStakeCents,
          daysToDeadline: days,
        });
        const answer = {
          category: result.category,
          recommendedAction: result.recommendedAction,
          appealLevel: result.appealLevel as AppealLevel | null,
          appealDeadline: result.appealDeadline,
          amountAtStakeCents: result.amountAtStakeCents,
          priority,
          payerKey: details.claim.payer_key,
        };
        if (done) return answer;
        await new ClaimLifecycleRepository(tx).update(input.claimId, {
          lifecycle_state: 'triage',
          lifecycle_outcome: null, // a new appeal level reopens a claim whose last level was upheld
          category: result.category,
          recommended_action: result.recommendedAction,
          appeal_level: result.appealLevel,
          appeal_deadline: result.appealDeadline,
          amount_at_stake_cents: result.amountAtStakeCents,
          priority_score: priority.score,
        });
        await new DenialAnalysisRepository(tx).add({
          tenant_id: input.tenantId,
          claim_id: input.claimId,
          analyzer: 'rules',
          model: null,
          category: result.category,
          appealable:
            result.recommendedAction === 'appeal' || result.recommendedAction === 'corrected_claim',
          confidence: 1,
          rationale_enc: null,
          payload_sha256: null,
          workflow_id: input.workflowId,
        });
        await recordAudit(tx, {
          action: 'claim.triage',
          resourceType: 'claim',
          resourceId: input.claimId,
          claimId: input.claimId,
          purpose: 'payment',
          workflowId: input.workflowId,
          details: {
            category: result.category,
            action: result.recommendedAction,
            rulesVersion: result.rulesVersion,
            level: result.appealLevel,
          },
        });
        return answer;
      });
    },

    async analyzeDenial(input: { tenantId: string; claimId: string; workflowId: string }) {
      return scope(deps, input.tenantId, input.claimId, async (tx) => {
        if ((await lockedState(tx, input.claimId)) === 'analysis') {
          // Committed before its completion was lost: answer with what was stored, without
          // asking the model again or recording a second analysis.
          const stored = await new ClaimLifecycleRepository(tx).latestAnalysis(input.claimId);
          if (stored?.rationale_enc) {
            const outcome = JSON.parse(
              await deps.cipher.decrypt(stored.rationale_enc, {
                tenantId: input.tenantId,
                column: 'denial_analyses.rationale_enc',
                rowId: stored.id,
              }),
            ) as AnalysisOutcome;
            return {
              source: outcome.source,
              label: outcome.label,
              fallbackReason: outcome.fallbackReason,
              category: outcome.category,
              recommendedAction: outcome.recommendedAction,
            };
          }
        }
        const details = await loadDetails(tx, input.claimId);
        const rules = await rulesFor(tx, input.claimId, null);
        const claim = await claimForAnalysis(
          details,
          deps.cipher,
          await payerName(tx, details.claim.payer_key),
        );
        const outcome = await deps.analyzer.analyze(claim, rules);
        // The whole outcome, encrypted: the letter step reuses it instead of asking the model again.
        const analysisId = randomUUID();
        const rationaleEnc = await deps.cipher.encrypt(JSON.stringify(outcome), {
          tenantId: input.tenantId,
          column: 'denial_analyses.rationale_enc',
          rowId: analysisId,
        });
        const byModel = outcome.source === 'anthropic';
        const analysis = await new DenialAnalysisRepository(tx).add({
          id: analysisId,
          tenant_id: input.tenantId,
          claim_id: input.claimId,
          analyzer: byModel ? 'ai' : 'rules',
          // A failed model call is the rules' result; the attempt itself is in the audit event.
          model: byModel ? outcome.model : null,
          category: outcome.category,
          appealable:
            outcome.recommendedAction === 'appeal' ||
            outcome.recommendedAction === 'corrected_claim',
          confidence: outcome.confidence ?? 1,
          rationale_enc: rationaleEnc,
          payload_sha256: byModel ? outcome.sentSha256 : null,
          workflow_id: input.workflowId,
        });
        await new ClaimLifecycleRepository(tx).update(input.claimId, {
          lifecycle_state: 'analysis',
          category: outcome.category,
          recommended_action: outcome.recommendedAction,
        });
        await recordAudit(tx, {
          action: 'ai.analyze',
          resourceType: 'denial_analysis',
          resourceId: analysis.id,
          claimId: input.claimId,
          purpose: 'payment',
          workflowId: input.workflowId,
          details: {
            source: outcome.source,
            model: outcome.model,
            promptVersion: outcome.promptVersion,
            sentSha256: outcome.sentSha256,
            fallbackReason: outcome.fallbackReason,
            startedBy: input.workflowId,
          },
        });
        return {
          source: outcome.source,
          label: outcome.label,
          fallbackReason: outcome.fallbackReason,
          category: outcome.category,
          recommendedAction: outcome.recommendedAction,
        };
      });
    },

    async draftAppeal(input: {
      tenantId: string;
      claimId: string;
      workflowId: string;
      level: AppealLevel | null;
    }) {
      return scope(deps, input.tenantId, input.claimId, async (tx) => {
        const appeals = new AppealRepository(tx);
        const levelIndex = LEVEL_INDEX[input.level ?? 'first_level'] ?? 1;
        const existing = (await appeals.listForClaim(input.claimId)).find(
          (a) => a.level === levelIndex,
        );
        if (existing?.letter_enc) return { appealId: existing.id };
        const details = await loadDetails(tx, input.claimId);
        const rules = await rulesFor(tx, input.claimId, input.level);
        const claim = await claimForAnalysis(
          details,
          deps.cipher,
          await payerName(tx, details.claim.payer_key),
        );
        const stored = await new ClaimLifecycleRepository(tx).latestAnalysis(input.claimId);
        const analysis: AnalysisOutcome = stored?.rationale_enc
          ? JSON.parse(
              await deps.cipher.decrypt(stored.rationale_enc, {
                tenantId: input.tenantId,
                column: 'denial_analyses.rationale_enc',
                rowId: stored.id,
              }),
            )
          : await deps.analyzer.analyze(claim, rules);
        const letter = await deps.analyzer.draftLetter(claim, rules, analysis);
        const appeal =
          existing ??
          (await appeals.create(input.tenantId, {
            claimId: input.claimId,
            level: levelIndex,
            // Noon UTC keeps the calendar date whatever the session time zone.
            deadline: rules.appealDeadline ? new Date(`${rules.appealDeadline}T12:00:00Z`) : null,
            createdBy: input.workflowId,
          }));
        const letterEnc = await deps.cipher.encrypt(
          JSON.stringify({ subject: letter.subject, body: letter.body, source: letter.source }),
          {
            tenantId: input.tenantId,
            column: 'appeals.letter_enc',
            rowId: appeal.id,
          },
        );
        await appeals.update(appeal.id, { letterEnc });
        await new ClaimLifecycleRepository(tx).setAppealLevel(
          appeal.id,
          input.level ?? rules.appealLevel,
        );
        await new ClaimLifecycleRepository(tx).update(input.claimId, {
          lifecycle_state: 'drafting',
        });
        await recordAudit(tx, {
          action: 'appeal.draft',
          resourceType: 'appeal',
          resourceId: appeal.id,
          claimId: input.claimId,
          purpose: 'payment',
          workflowId: input.workflowId,
          details: {
            source: letter.source,
            model: letter.model,
            promptVersion: letter.promptVersion,
            sentSha256: letter.sentSha256,
            fallbackReason: letter.fallbackReason,
          },
        });
        return { appealId: appeal.id };
      });
    },

    async openReviewTask(input: {
      tenantId: string;
      claimId: string;
      workflowId: string;
      appealId: string;
      deadline: string | null;
      reviewTimeout: string;
    }) {
      return scope(deps, input.tenantId, input.claimId, async (tx) => {
        const done = (await lockedState(tx, input.claimId)) === 'awaiting_review';
        const start = now();
        const cap = start.getTime() + durationMs(input.reviewTimeout);
        // The task is due the day before the appeal deadline at the latest, so a person still has a day to file.
        const byDeadline = input.deadline ? Date.parse(`${input.deadline}T00:00:00Z`) : Infinity;
        const dueAt = new Date(Math.min(cap, byDeadline));
        const task = await new ReviewTaskRepository(tx).open(input.tenantId, {
          claimId: input.claimId,
          appealId: input.appealId,
          dueAt,
          workflowId: input.workflowId,
        });
        const waitMs = Math.max(0, task.due_at.getTime() - start.getTime());
        // The task opened (the repository returns the open one) and was audited already.
        if (done) return { taskId: task.id, waitMs };
        await new AppealRepository(tx).update(input.appealId, { status: 'in_review' });
        await new ClaimLifecycleRepository(tx).update(input.claimId, {
          lifecycle_state: 'awaiting_review',
        });
        await recordAudit(tx, {
          action: 'review_task.open',
          resourceType: 'review_task',
          resourceId: task.id,
          claimId: input.claimId,
          purpose: 'payment',
          workflowId: input.workflowId,
          details: { dueAt: task.due_at.toISOString() },
        });
        return { taskId: task.id, waitMs };
      });
    },

    async remindReview(input: {
      tenantId: string;
      claimId: string;
      taskId: string;
      escalate: boolean;
    }) {
      await scope(deps, input.tenantId, input.claimId, (tx) =>
        recordAudit(tx, {
          action: input.escalate ? 'review_task.escalate' : 'review_task.remind',
          resourceType: 'review_task',
          resourceId: input.taskId,
          claimId: input.claimId,
          purpose: 'operations',
        }),
      );
    },

    async expireReviewTask(input: { tenantId: string; claimId: string; taskId: string }) {
      await scope(deps, input.tenantId, input.claimId, async (tx) => {
        await new ReviewTaskRepository(tx).expire(input.taskId);
        await recordAudit(tx, {
          action: 'review_task.expire',
          resourceType: 'review_task',
          resourceId: input.taskId,
          claimId: input.claimId,
          purpose: 'operations',
          details: { reason: 'deadline passed without a decision' },
        });
      });
    },

    async recordReviewDecision(input: {
      tenantId: string;
      claimId: string;
      taskId: string;
      appealId: string;
      decision: ReviewDecision;
    }) {
      const d = input.decision;
      if (!UUID.test(d.actor.userId))
        throw ApplicationFailure.nonRetryable('actor.userId must be a user id', 'InvalidInput');
      await scope(deps, input.tenantId, input.claimId, async (tx) => {
        const tasks = new ReviewTaskRepository(tx);
        const appeals = new AppealRepository(tx);
        if (d.decision === 'reassign') {
          await new ClaimLifecycleRepository(tx).assignTask(input.taskId, d.assignTo);
        } else {
          const status =
            d.decision === 'approve' ? 'approved' : d.decision === 'edit' ? 'edited' : 'rejected';
          // Decided already: this is a retry of a decision that committed. Record it once.
          if (!(await tasks.decide(input.taskId, status, d.actor.userId))) return;
          if (d.decision === 'edit') {
            const current = await appeals.find(input.appealId);
            const previous = current?.letter_enc
              ? (JSON.parse(
                  await deps.cipher.decrypt(current.letter_enc, {
                    tenantId: input.tenantId,
                    column: 'appeals.letter_enc',
                    rowId: input.appealId,
                  }),
                ) as { subject: string })
              : { subject: 'Appeal' };
            const letterEnc = await deps.cipher.encrypt(
              JSON.stringify({ subject: previous.subject, body: d.letter, source: 'reviewer' }),
              {
                tenantId: input.tenantId,
                column: 'appeals.letter_enc',
                rowId: input.appealId,
              },
            );
            await appeals.update(input.appealId, { letterEnc, status: 'approved' });
          } else {
            await appeals.update(input.appealId, {
              status: d.decision === 'approve' ? 'approved' : 'rejected',
            });
          }
        }
        await recordAudit(tx, {
          action: `review.${d.decision}`,
          resourceType: 'review_task',
          resourceId: input.taskId,
          claimId: input.claimId,
          purpose: 'payment',
          actor: d.actor.userId,
          actorRole: d.actor.roles.includes('reviewer') ? 'reviewer' : 'appeal_specialist',
          details:
            d.decision === 'reassign'
              ? { assignTo: d.assignTo }
              : d.decision === 'reject'
                ? { reasonLength: d.reason.length }
                : {},
        });
      });
    },
  };
}

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

export type ReviewActivities = ReturnType<typeof createReviewActivities>;
