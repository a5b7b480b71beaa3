import { ApplicationFailure } from '@temporalio/activity';
import { recordAudit } from '../db/audit/audit.repository';
import { AppealRepository } from '../db/repositories/appeal.repository';
import { ClaimLifecycleRepository } from '../db/repositories/claim-lifecycle.repository';
import { ReviewTaskRepository } from '../db/repositories/review-task.repository';
import type { Tx } from '../db/unit-of-work';
import type { AppealLevel, ReviewDecision } from '../workflows/contracts';
import { createPreparationSteps, writeAsYouGo, type StepContext } from './claim-preparation';
import { loadDetails, lockedState, scope, UUID, type LifecycleDeps } from './lifecycle-deps';

/** The single steps to a review task (the AI path, and runs begun before the one-step path), and the review itself. */
export function createReviewActivities(deps: LifecycleDeps) {
  const steps = createPreparationSteps(deps);

  /** One step in its own transaction, its audit event written as it goes. */
  async function step<T>(
    input: { tenantId: string; claimId: string; workflowId: string },
    work: (ctx: StepContext) => Promise<T>,
  ): Promise<T> {
    return scope(deps, input.tenantId, input.claimId, async (tx: Tx) =>
      work({
        tx,
        tenantId: input.tenantId,
        claimId: input.claimId,
        workflowId: input.workflowId,
        details: await loadDetails(tx, input.claimId),
        ...writeAsYouGo(tx, input.claimId),
      }),
    );
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
        if (done) return steps.triageAnswer(details, input.level);
        return steps.triage(
          { ...input, tx, details, ...writeAsYouGo(tx, input.claimId) },
          input.level,
        );
      });
    },

    async analyzeDenial(input: { tenantId: string; claimId: string; workflowId: string }) {
      return step(input, async (ctx) => {
        if ((await lockedState(ctx.tx, input.claimId)) === 'analysis') {
          // Committed before its completion was lost: answer with what was stored, without
          // asking the model again or recording a second analysis.
          const stored = await steps.storedAnalysis(ctx.tx, input.tenantId, input.claimId);
          if (stored) return stored;
        }
        return steps.analyze(ctx);
      });
    },

    async draftAppeal(input: {
      tenantId: string;
      claimId: string;
      workflowId: string;
      level: AppealLevel | null;
    }) {
      return step(input, (ctx) => steps.draft(ctx, input.level));
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
        // The task opened (the repository returns the open one) and was audited already.
        const alreadyOpened = (await lockedState(tx, input.claimId)) === 'awaiting_review';
        return steps.openTask(
          { ...input, tx, ...writeAsYouGo(tx, input.claimId) },
          { ...input, alreadyOpened },
        );
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

export type ReviewActivities = ReturnType<typeof createReviewActivities>;
