import { ApplicationFailure } from '@temporalio/activity';
import { AuditRepository, type AuditEntry } from '../db/audit/audit.repository';
import {
  ClaimLifecycleRepository,
  type LifecyclePatch,
} from '../db/repositories/claim-lifecycle.repository';
import { NO_APPEAL, type AppealLevel, type ClaimOutcome } from '../workflows/contracts';
import {
  createPreparationSteps,
  type AnalysisAnswer,
  type ReviewTaskAnswer,
  type StepContext,
  type TriageAnswer,
} from './claim-preparation';
import { loadDetails, lockedState, scope, type LifecycleDeps } from './lifecycle-deps';
import { closeClaimIn } from './submission.activities';

/**
 * How far one step got. Without `analysis` a model is configured and the
 * analysis, the letter and the task are the workflow's own activities (with
 * the model's timeouts and retries); `closed` says the rules closed the claim.
 */
export interface Prepared {
  triage: TriageAnswer;
  analysis?: AnalysisAnswer;
  closed?: ClaimOutcome;
  appealId?: string;
  task?: ReviewTaskAnswer;
}

export function createPreparationActivities(deps: LifecycleDeps) {
  const steps = createPreparationSteps(deps);

  return {
    /**
     * Triage, the rules' analysis, the letter and the review task in one
     * transaction (or the rules closing the claim), with their four audit
     * events written together at its end, so the tenant's audit chain is held
     * only for the commit. Run as a local activity: no server round trip
     * between the steps. When a model is configured it stops after triage.
     */
    async prepareClaim(input: {
      tenantId: string;
      claimId: string;
      workflowId: string;
      level: AppealLevel | null;
      reviewTimeout: string;
    }): Promise<Prepared> {
      return scope(deps, input.tenantId, input.claimId, async (tx) => {
        const state = await lockedState(tx, input.claimId);
        const details = await loadDetails(tx, input.claimId);
        // The steps' audit events and changes to the claim row, written once at the end.
        const events: AuditEntry[] = [];
        const row: LifecyclePatch = {};
        const ctx: StepContext = {
          tx,
          tenantId: input.tenantId,
          claimId: input.claimId,
          workflowId: input.workflowId,
          details,
          audit: async (entry) => events.push(entry),
          mirror: async (patch) => Object.assign(row, patch),
        };
        // A level starts from a new claim, or from one closed when its last level was upheld;
        // anything else is this step's own work, committed by an attempt whose completion was lost.
        const fresh =
          state === null || (state === 'closed' && details.claim.lifecycle_outcome === 'upheld');
        if (!fresh) return answerAgain(ctx, state, input);

        const finish = async (prepared: Prepared) => {
          await new ClaimLifecycleRepository(tx).update(input.claimId, row);
          await new AuditRepository(tx).recordMany(events);
          return prepared;
        };
        const close = async (prepared: Prepared, outcome: ClaimOutcome) => {
          await closeClaimIn(tx, ctx, { outcome, recoveredCents: 0 });
          return finish({ ...prepared, closed: outcome });
        };

        const triage = await steps.triage(ctx, input.level);
        if (NO_APPEAL[triage.recommendedAction])
          return close({ triage }, NO_APPEAL[triage.recommendedAction]!);
        if (deps.analyzer.usesModel) return finish({ triage });
        const analysis = await steps.analyze(ctx);
        if (NO_APPEAL[analysis.recommendedAction])
          return close({ triage, analysis }, NO_APPEAL[analysis.recommendedAction]!);
        const { appealId } = await steps.draft(ctx, triage.appealLevel);
        const task = await steps.openTask(ctx, {
          appealId,
          deadline: triage.appealDeadline,
          reviewTimeout: input.reviewTimeout,
          alreadyOpened: false,
        });
        return finish({ triage, analysis, appealId, task });
      });
    },
  };

  /** The answer a committed attempt gave, read back in the same transaction, writing nothing. */
  async function answerAgain(
    ctx: Omit<StepContext, 'audit' | 'mirror'>,
    state: string | null,
    input: { level: AppealLevel | null; reviewTimeout: string },
  ): Promise<Prepared> {
    const triage = steps.triageAnswer(ctx.details, input.level);
    if (state === 'triage') return { triage };
    const analysis = NO_APPEAL[triage.recommendedAction]
      ? undefined
      : await steps.storedAnalysis(ctx.tx, ctx.tenantId, ctx.claimId);
    if (state === 'closed')
      return {
        triage,
        ...(analysis ? { analysis } : {}),
        closed: ctx.details.claim.lifecycle_outcome as ClaimOutcome,
      };
    const appeal = await steps.appealFor(ctx.tx, ctx.claimId, triage.appealLevel);
    if (state !== 'awaiting_review' || !analysis || !appeal)
      throw ApplicationFailure.nonRetryable(
        `claim ${ctx.claimId} is ${state ?? 'new'}, not where its preparation leaves it`,
        'InvalidInput',
      );
    // Read back only: nothing is written when the task was opened already.
    const task = await steps.openTask(
      { ...ctx, audit: async () => undefined, mirror: async () => undefined },
      {
        appealId: appeal.id,
        deadline: triage.appealDeadline,
        reviewTimeout: input.reviewTimeout,
        alreadyOpened: true,
      },
    );
    return { triage, analysis, appealId: appeal.id, task };
  }
}

export type PreparationActivities = ReturnType<typeof createPreparationActivities>;
