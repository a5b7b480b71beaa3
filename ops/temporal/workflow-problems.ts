import type {
  Client,
  WorkflowExecutionDescription,
  WorkflowExecutionInfo,
} from '@temporalio/client';
import {
  DefaultFailureConverter,
  defaultPayloadConverter,
  defineSearchAttributeKey,
  SearchAttributeType,
} from '@temporalio/common';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import { ago, causeWords, describeFailure } from './failure-words';
import {
  activityScheduledAt,
  lastWorkflowTaskFailure,
  timestampToDate,
  type HistoryEvent,
} from './history-points';

/** The types a tenant's workflows have; the CLI also sees the system's own (the backup). */
export const TENANT_WORKFLOW_TYPES = ['claimLifecycle', 'ingestRemittance'] as const;
export const WORKFLOW_TYPES = [...TENANT_WORKFLOW_TYPES, 'databaseBackup'] as const;
export type WorkflowType = (typeof WORKFLOW_TYPES)[number];
export type ProblemStatus = 'FAILED' | 'TIMED_OUT' | 'TERMINATED' | 'STUCK';

/** One workflow that needs an operator: ids, codes and states, and why in words; never PHI. */
export interface ProblemWorkflow {
  workflowId: string;
  runId: string;
  type: string;
  status: ProblemStatus;
  tenantId: string | null;
  claimId: string | null;
  claimState: string | null;
  payerId: string | null;
  category: string | null;
  reason: string;
  since: string;
}

export const SA = {
  tenant: defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD),
  state: defineSearchAttributeKey('ClaimState', SearchAttributeType.KEYWORD),
  payer: defineSearchAttributeKey('PayerId', SearchAttributeType.KEYWORD),
  category: defineSearchAttributeKey('DenialCategory', SearchAttributeType.KEYWORD),
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CLOSED: Record<string, ProblemStatus> = {
  FAILED: 'FAILED',
  TIMED_OUT: 'TIMED_OUT',
  TERMINATED: 'TERMINATED',
};
/** Where a claim waits on a person or a payer: no activity runs, so these are scanned last. */
const WAITING_STATES = ['awaiting_review', 'awaiting_outcome', 'closed'];
const PendingActivityState = temporal.api.enums.v1.PendingActivityState;
const PendingWorkflowTaskState = temporal.api.enums.v1.PendingWorkflowTaskState;
const Cause = temporal.api.enums.v1.WorkflowTaskFailedCause;
const EventFilter = temporal.api.enums.v1.HistoryEventFilterType;
type Failure = temporal.api.failure.v1.IFailure;

/** The visibility query of a scope: values are checked here, so they are safe to interpolate. */
export function scopeQuery(scope: { tenantId?: string }, type?: WorkflowType): string {
  if (scope.tenantId !== undefined && !UUID.test(scope.tenantId))
    throw new Error('tenant id must be a uuid');
  if (type !== undefined && !WORKFLOW_TYPES.includes(type)) throw new Error('unknown type');
  const types = type
    ? `WorkflowType = '${type}'`
    : `WorkflowType IN (${WORKFLOW_TYPES.map((t) => `'${t}'`).join(', ')})`;
  return scope.tenantId ? `TenantId = '${scope.tenantId}' AND ${types}` : types;
}

export function claimIdOf(workflowId: string): string | null {
  const m = /^claim-(.+)$/.exec(workflowId);
  return m && UUID.test(m[1]!) ? m[1]! : null;
}

/** The columns every listing shares, from the search attributes the workflows keep. */
export function identify(
  w: Pick<WorkflowExecutionInfo, 'workflowId' | 'runId' | 'type'> & {
    typedSearchAttributes: WorkflowExecutionInfo['typedSearchAttributes'];
  },
) {
  const get = (k: (typeof SA)[keyof typeof SA]) => w.typedSearchAttributes.get(k) ?? null;
  return {
    workflowId: w.workflowId,
    runId: w.runId,
    type: w.type,
    tenantId: get(SA.tenant),
    claimId: claimIdOf(w.workflowId),
    claimState: get(SA.state),
    payerId: get(SA.payer),
    category: get(SA.category),
  };
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(lanes);
  return out;
}

const CAUSE_WORDS: Partial<Record<number, string>> = {
  [Cause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR]:
    'a non-determinism error: the running code no longer matches the history (reset it once compatible code is deployed)',
  [Cause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE]:
    'an error the workflow code did not handle',
};

/**
 * Finds failed, timed-out, terminated and stuck workflows with visibility
 * queries on the search attributes, and says why in words.
 */
export class ProblemFinder {
  constructor(
    private readonly client: Client,
    private readonly opts: { stuckAfterMs: number; maxScan?: number; now?: () => Date },
  ) {}

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  /**
   * The failure as an error. One sealed under a payload key this process does
   * not hold (another deployment's, or retired) still has its types and ids in
   * clear: it is read without its encoded message rather than not at all.
   */
  private async decode(failure: Failure | null | undefined): Promise<Error | undefined> {
    try {
      return await decodeOptionalFailureToOptionalError(
        this.client.options.loadedDataConverter,
        failure,
      );
    } catch {
      if (!failure) return undefined;
      const strip = (f: Failure): Failure => ({
        ...f,
        message: 'its message is sealed under a payload key this process does not hold',
        encodedAttributes: null,
        ...(f.cause ? { cause: strip(f.cause) } : {}),
      });
      try {
        return new DefaultFailureConverter().failureToError(
          strip(failure),
          defaultPayloadConverter,
        );
      } catch {
        return undefined;
      }
    }
  }

  private async history(workflowId: string, runId: string): Promise<HistoryEvent[]> {
    const h = await this.client.workflow.getHandle(workflowId, runId).fetchHistory();
    return h.events ?? [];
  }

  async find(
    scope: { tenantId?: string },
    opts: { since: Date; type?: WorkflowType },
  ): Promise<ProblemWorkflow[]> {
    const [closed, stuck] = await Promise.all([
      this.closed(scope, opts),
      this.stuck(scope, opts.type),
    ]);
    return [...closed, ...stuck].sort((a, b) => b.since.localeCompare(a.since));
  }

  /** Runs that ended badly since a time; the reason comes from each run's close event alone. */
  private async closed(scope: { tenantId?: string }, opts: { since: Date; type?: WorkflowType }) {
    const query = `${scopeQuery(scope, opts.type)} AND ExecutionStatus IN ('Failed', 'TimedOut', 'Terminated') AND CloseTime >= '${opts.since.toISOString()}'`;
    const found: WorkflowExecutionInfo[] = [];
    for await (const w of this.client.workflow.list({ query })) {
      found.push(w);
      if (found.length >= (this.opts.maxScan ?? 2000)) break;
    }
    return mapLimit(found, 16, async (w): Promise<ProblemWorkflow> => {
      const status = CLOSED[w.status.name]!;
      return {
        ...identify(w),
        status,
        reason: await this.closeReason(w, status),
        since: (w.closeTime ?? w.startTime).toISOString(),
      };
    });
  }

  private async closeReason(w: WorkflowExecutionInfo, status: ProblemStatus): Promise<string> {
    const page = await this.client.workflowService.getWorkflowExecutionHistory({
      namespace: this.client.options.namespace,
      execution: { workflowId: w.workflowId, runId: w.runId },
      historyEventFilterType: EventFilter.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
    });
    const last = page.history?.events?.[0];
    if (status === 'TIMED_OUT') return 'the workflow ran past its execution or run timeout';
    if (status === 'TERMINATED') {
      const t = last?.workflowExecutionTerminatedEventAttributes;
      const why = (t?.reason ?? '').replace(/\s+/g, ' ').slice(0, 160);
      return `the workflow was terminated${t?.identity ? ` by ${t.identity}` : ''}${why ? `: ${why}` : ''}`;
    }
    return describeFailure(
      await this.decode(last?.workflowExecutionFailedEventAttributes?.failure),
    );
  }

  /**
   * Running workflows whose activity has retried, or whose task has waited for
   * a worker, longer than the threshold, or whose workflow task keeps failing.
   * Visibility cannot see pending activities, so each running workflow of the
   * scope is described, 16 at a time, up to maxScan: first those in a working
   * step (where activities run), then those waiting for a person or a payer.
   */
  private async stuck(scope: { tenantId?: string }, type?: WorkflowType) {
    const running = `${scopeQuery(scope, type)} AND ExecutionStatus = 'Running'`;
    const waiting = `ClaimState IN (${WAITING_STATES.map((s) => `'${s}'`).join(', ')})`;
    const cap = this.opts.maxScan ?? 2000;
    const found: WorkflowExecutionInfo[] = [];
    for (const query of [
      `${running} AND (WorkflowType != 'claimLifecycle' OR ClaimState IS NULL OR NOT (${waiting}))`,
      `${running} AND WorkflowType = 'claimLifecycle' AND ${waiting}`,
    ]) {
      for await (const w of this.client.workflow.list({ query })) {
        if (found.length >= cap) break;
        found.push(w);
      }
    }
    const stuck = await mapLimit(found, 16, (w) => this.stuckOne(w).catch(() => undefined));
    return stuck.filter((p): p is ProblemWorkflow => p !== undefined);
  }

  private async stuckOne(w: WorkflowExecutionInfo): Promise<ProblemWorkflow | undefined> {
    const d: WorkflowExecutionDescription = await this.client.workflow
      .getHandle(w.workflowId, w.runId)
      .describe();
    const now = this.now().getTime();
    const threshold = this.opts.stuckAfterMs;
    const problem = (reason: string, since: Date): ProblemWorkflow => ({
      ...identify(d),
      status: 'STUCK',
      reason,
      since: since.toISOString(),
    });
    let events: HistoryEvent[] | undefined;
    const history = async () => (events ??= await this.history(d.workflowId, d.runId));

    const wft = d.raw.pendingWorkflowTask;
    if (wft) {
      const since = timestampToDate(wft.originalScheduledTime ?? wft.scheduledTime ?? {});
      if ((wft.attempt ?? 1) > 1 && now - since.getTime() >= threshold) {
        const failed = lastWorkflowTaskFailure(await history());
        const cause = failed?.workflowTaskFailedEventAttributes?.cause ?? 0;
        const words = CAUSE_WORDS[cause] ?? (cause ? Cause[cause]!.toLowerCase() : 'a timeout');
        return problem(
          `its workflow task has failed ${wft.attempt} times in ${ago(now - since.getTime())}: ${words}`,
          since,
        );
      }
      if (
        wft.state === PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED &&
        now - since.getTime() >= threshold
      )
        return problem(
          `its workflow task has waited ${ago(now - since.getTime())} for a worker on task queue ${d.taskQueue}`,
          since,
        );
    }

    for (const a of d.raw.pendingActivities ?? []) {
      const name = a.activityType?.name ?? 'unknown';
      const attempt = a.attempt ?? 1;
      if (attempt > 1) {
        const first =
          activityScheduledAt(await history(), a.activityId ?? '') ??
          timestampToDate(a.scheduledTime ?? a.lastStartedTime ?? {});
        if (now - first.getTime() < threshold) continue;
        const cause = await this.decode(a.lastFailure);
        return problem(
          `activity ${name} has been retrying for ${ago(now - first.getTime())} (attempt ${attempt}): ${causeWords(cause)}`,
          first,
        );
      }
      const scheduled = a.scheduledTime ? timestampToDate(a.scheduledTime) : undefined;
      if (
        a.state === PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED &&
        scheduled &&
        now - scheduled.getTime() >= threshold
      )
        return problem(
          `activity ${name} has waited ${ago(now - scheduled.getTime())} for a worker on task queue ${d.taskQueue}`,
          scheduled,
        );
    }
    return undefined;
  }
}
