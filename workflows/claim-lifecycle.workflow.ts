import {
  type ActivityOptions,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { LifecycleActivities } from '../activities/lifecycle.activities';
import type { Prepared } from '../activities/preparation.activities';
import {
  getClaimState,
  NO_APPEAL,
  PATCHES,
  remittanceOutcome,
  submitReview,
  type ClaimLifecycleInput,
  type ClaimLifecycleState,
  type ClaimOutcome,
  type ClaimState,
  type RemittanceOutcome,
  type ReviewDecision,
} from './contracts';
import { durationMs } from './durations';
import { validateReview } from './review-rules';

// Database steps: quick, retried for long; a person may be waiting on them.
const FAST = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1s',
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: ['NotFound', 'InvalidInput'],
  },
} satisfies ActivityOptions;
const fast = proxyActivities<LifecycleActivities>(FAST);
// The same database steps run inside the workflow task: no server round trip of their own.
const local = proxyLocalActivities<LifecycleActivities>(FAST);
// Model calls, PDF rendering and the payer: slower, backed off further.
const SLOW = {
  startToCloseTimeout: '3 minutes',
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: '5s',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    nonRetryableErrorTypes: ['NotFound', 'InvalidInput', 'SubmissionRejected'],
  },
} satisfies ActivityOptions;
const slowUnlimited = proxyActivities<LifecycleActivities>(SLOW);

/**
 * One denied or underpaid claim's durable life: triage, analysis, a person's
 * review, the appeal packet, submission and the payer's answer. Every step's
 * I/O and audit event is an activity; this function only decides.
 */
export async function claimLifecycle(input: ClaimLifecycleInput): Promise<ClaimLifecycleState> {
  const { tenantId, claimId, timers } = input;
  // Capped retries (EXTERNAL_RETRY_MAX_ATTEMPTS) let an outage fail the workflow for ops to retry.
  const slow = timers.externalRetryMaxAttempts
    ? proxyActivities<LifecycleActivities>({
        ...SLOW,
        retry: {
          ...SLOW.retry,
          maximumAttempts: timers.externalRetryMaxAttempts,
          initialInterval: timers.externalRetryInitial ?? SLOW.retry.initialInterval,
        },
      })
    : slowUnlimited;
  const workflowId = workflowInfo().workflowId;
  const state: ClaimLifecycleState = {
    claimId,
    state: 'triage',
    history: [...(input.history ?? [])],
  };
  let decision: ReviewDecision | undefined;
  let outcome: RemittanceOutcome | undefined;

  const mark = (next: ClaimState, note?: string) => {
    state.state = next;
    state.history.push({ state: next, at: new Date().toISOString(), ...(note ? { note } : {}) });
  };
  const enter = (next: ClaimState, note?: string) => {
    mark(next, note);
    upsertSearchAttributes({ ClaimState: [next] });
  };
  const close = async (
    result: ClaimOutcome,
    recoveredCents = 0,
    sourceFileId?: string,
  ): Promise<ClaimLifecycleState> => {
    state.outcome = result;
    state.recoveredCents = recoveredCents;
    await fast.closeClaim({
      tenantId,
      claimId,
      workflowId,
      appealId: state.appealId,
      outcome: result,
      recoveredCents,
      sourceFileId,
    });
    enter('closed', result);
    return state;
  };

  setHandler(getClaimState, () => state);
  setHandler(remittanceOutcome, (o) => {
    outcome ??= o;
  });
  setHandler(
    submitReview,
    async (d) => {
      decision = d;
      // Answer with what the decision led to, not the state it arrived in.
      await condition(() => decision === undefined);
      return state;
    },
    { validator: (d) => validateReview(d, state) },
  );

  const applyTriage = (t: Prepared['triage']) =>
    Object.assign(state, {
      category: t.category,
      recommendedAction: t.recommendedAction,
      appealLevel: t.appealLevel,
      appealDeadline: t.appealDeadline,
      priority: t.priority,
    });
  const applyAnalysis = (a: NonNullable<Prepared['analysis']>) => {
    state.analysis = { source: a.source, label: a.label, fallbackReason: a.fallbackReason };
    state.category = a.category;
    state.recommendedAction = a.recommendedAction;
  };

  const levelNote = input.level ? `next level: ${input.level}` : undefined;
  let triage: Prepared['triage'];
  let analysis: Prepared['analysis'];
  let appealId: string | undefined;
  let task: Prepared['task'];
  if (patched(PATCHES.oneStepPreparation)) {
    // Triage, the rules' analysis, the letter and the task in one local activity, so a claim
    // reaches its review in one workflow task; the search attributes follow once, after it.
    mark('triage', levelNote);
    const prepared = await local.prepareClaim({
      tenantId,
      claimId,
      workflowId,
      level: input.level ?? null,
      reviewTimeout: timers.reviewTimeout,
    });
    triage = prepared.triage;
    applyTriage(triage);
    if ((analysis = prepared.analysis)) {
      mark('analysis');
      applyAnalysis(analysis);
    }
    if (prepared.closed) {
      state.outcome = prepared.closed;
      state.recoveredCents = 0;
      mark('closed', prepared.closed);
    } else {
      if ((appealId = prepared.appealId)) {
        state.appealId = appealId;
        mark('drafting');
      }
      if ((task = prepared.task)) mark('awaiting_review');
    }
    upsertSearchAttributes({
      ClaimState: [state.state],
      DenialCategory: [triage.category],
      PayerId: [triage.payerKey],
    });
    if (prepared.closed) return state;
  } else {
    enter('triage', levelNote);
    triage = await fast.triageClaim({ tenantId, claimId, workflowId, level: input.level ?? null });
    applyTriage(triage);
    upsertSearchAttributes({ DenialCategory: [triage.category], PayerId: [triage.payerKey] });
    if (NO_APPEAL[triage.recommendedAction]) return close(NO_APPEAL[triage.recommendedAction]!);
  }

  // With a model configured (and in runs begun before the one-step path), one activity a step.
  if (!analysis) {
    enter('analysis');
    analysis = await slow.analyzeDenial({ tenantId, claimId, workflowId });
    applyAnalysis(analysis);
    if (NO_APPEAL[analysis.recommendedAction]) return close(NO_APPEAL[analysis.recommendedAction]!);
  }
  if (!appealId) {
    enter('drafting');
    ({ appealId } = await slow.draftAppeal({
      tenantId,
      claimId,
      workflowId,
      level: triage.appealLevel,
    }));
    state.appealId = appealId;
  }
  if (!task) {
    task = await fast.openReviewTask({
      tenantId,
      claimId,
      workflowId,
      appealId,
      deadline: triage.appealDeadline,
      reviewTimeout: timers.reviewTimeout,
    });
    // Only once the task exists can a person act on it.
    enter('awaiting_review');
  }
  state.reviewTaskId = task.taskId;
  state.assignedTo = null;
  const reviewEnds = Date.now() + task.waitMs;
  const reviewStarted = Date.now();
  let escalated = false;
  for (;;) {
    const remaining = reviewEnds - Date.now();
    if (remaining <= 0) {
      await fast.expireReviewTask({ tenantId, claimId, taskId: task.taskId });
      return close('review_missed');
    }
    const got = await condition(
      () => decision !== undefined,
      Math.min(remaining, durationMs(timers.reviewReminderEvery)),
    );
    if (!got) {
      if (reviewEnds - Date.now() <= 0) continue;
      const escalate: boolean =
        !escalated && Date.now() - reviewStarted >= durationMs(timers.reviewEscalateAfter);
      escalated ||= escalate;
      await fast.remindReview({ tenantId, claimId, taskId: task.taskId, escalate });
      continue;
    }
    const d = decision!;
    await fast.recordReviewDecision({
      tenantId,
      claimId,
      taskId: task.taskId,
      appealId,
      decision: d,
    });
    if (d.decision === 'reassign') {
      state.assignedTo = d.assignTo;
      decision = undefined;
      continue;
    }
    if (d.decision === 'reject') {
      const closed = await close('rejected_by_reviewer');
      decision = undefined;
      return closed;
    }
    enter('preparing_packet', d.decision === 'edit' ? 'letter edited by reviewer' : undefined);
    decision = undefined;
    break;
  }

  await slow.renderPacket({ tenantId, claimId, appealId });

  enter('submitting');
  // A saga: each external effect registers how to undo it if a later step cannot finish.
  const compensations: (() => Promise<void>)[] = [];
  try {
    const submission = await slow.submitAppeal({
      tenantId,
      claimId,
      appealId,
      idempotencyKey: `${claimId}:${triage.appealLevel ?? 'first'}`,
    });
    compensations.unshift(() =>
      slow.withdrawSubmission({
        tenantId,
        claimId,
        appealId,
        submissionId: submission.submissionId,
      }),
    );
    await fast.markSubmitted({
      tenantId,
      claimId,
      appealId,
      submissionId: submission.submissionId,
    });
    state.submission = { id: submission.submissionId, payerReference: submission.payerReference };
  } catch (err) {
    for (const undo of compensations) await undo();
    throw err;
  }

  enter('awaiting_outcome');
  for (let attempt = 1; attempt <= timers.followUpLimit && !outcome; attempt++) {
    if (await condition(() => outcome !== undefined, durationMs(timers.followUpEvery))) break;
    await fast.recordFollowUp({ tenantId, claimId, appealId, attempt });
  }
  if (!outcome) return close('written_off');

  const judged = await fast.judgeOutcome({
    tenantId,
    claimId,
    appealId,
    outcome,
    level: triage.appealLevel,
  });
  if (judged.result !== 'upheld' || !judged.nextLevel)
    return close(judged.result, judged.recoveredCents, outcome.fileId);
  state.nextLevelOffered = judged.nextLevel;
  await close('upheld', 0, outcome.fileId);
  // The next level is a fresh review cycle under the same workflow id.
  return continueAsNew<typeof claimLifecycle>({
    ...input,
    level: judged.nextLevel,
    history: state.history,
  });
}
