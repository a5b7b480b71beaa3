import { randomInt, randomUUID } from 'node:crypto';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { recordAudit, type AuditEntry } from '../../db/audit/audit.repository';
import type { AuditDetails } from '../../db/schema';
import type { Database } from '../../db/database';
import { inTenant } from '../../db/unit-of-work';
import { CLAIM_STATES } from '../../workflows/contracts';
import type { Config } from '../config';
import { createDataConverter } from './data-converter';
import { lastGoodEventId, resetPoints } from './history-points';
import {
  identify,
  ProblemFinder,
  scopeQuery,
  type ProblemWorkflow,
  type WorkflowType,
} from './workflow-problems';
import { WorkflowReplayer, type ReplayOutcome } from './workflow-replay';

export class WorkflowOpsError extends Error {
  constructor(
    readonly code:
      | 'WORKFLOW_NOT_FOUND'
      | 'INVALID_ARGUMENT'
      | 'NOTHING_TO_RETRY'
      | 'NO_RESET_POINT'
      | 'REFUSED_BY_TEMPORAL',
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Whose scope, and who acts: the API passes the caller's tenant; the CLI may pass none (every tenant). */
export interface OpsScope {
  tenantId?: string;
}
export interface OpsCaller extends OpsScope {
  actor: string;
  role: string;
  requestId?: string;
}

export type ResetTarget = 'last-good' | number;
export interface ActionResult {
  workflowId: string;
  runId: string;
}
export interface RetryPlan {
  workflowId: string;
  runId: string;
  status: string;
  /** reset: a new run from the last good point; activities: the retrying activities start again now. */
  action: 'reset' | 'activities';
  eventId?: number;
  activities?: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT_WORKFLOW =
  /^(claim|remittance)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ANY_WORKFLOW = /^[\w.:-]{1,200}$/;
const RETRYABLE = new Set(['FAILED', 'TIMED_OUT', 'TERMINATED', 'CANCELLED']);
const STATUS_NAMES: Record<string, string> = {
  Running: 'RUNNING',
  Completed: 'COMPLETED',
  Failed: 'FAILED',
  Canceled: 'CANCELED',
  Terminated: 'TERMINATED',
  ContinuedAsNew: 'CONTINUED_AS_NEW',
  TimedOut: 'TIMED_OUT',
};

/** A claim id stands for its lifecycle; a tenant's caller may name only claimflow's own workflows. */
export function normalizeWorkflowId(ref: string, scope: OpsScope): string {
  if (UUID.test(ref)) return `claim-${ref.toLowerCase()}`;
  if (TENANT_WORKFLOW.test(ref) || (!scope.tenantId && ANY_WORKFLOW.test(ref))) return ref;
  throw new WorkflowOpsError(
    'INVALID_ARGUMENT',
    'workflowId: a claim id, claim-<uuid> or remittance-<uuid>',
    'workflowId',
  );
}

/**
 * Finds, retries, resets and replays workflows for ops: one module the CLI
 * and the API share. Every action is checked against the caller's tenant
 * (another tenant's workflow is "not found") and audited with actor and reason.
 */
export class WorkflowOps {
  readonly problems: ProblemFinder;

  constructor(
    private readonly deps: {
      client: Client;
      db: Database;
      stuckAfterMs: number;
      replayer: WorkflowReplayer;
    },
  ) {
    this.problems = new ProblemFinder(deps.client, { stuckAfterMs: deps.stuckAfterMs });
  }

  private get client(): Client {
    return this.deps.client;
  }

  failed(scope: OpsScope, opts: { since: Date; type?: WorkflowType }): Promise<ProblemWorkflow[]> {
    return this.problems.find(scope, opts);
  }

  /** Claim workflows by their state (continued runs counted once), and every workflow by status. */
  async counts(scope: OpsScope) {
    const claims = scopeQuery(scope, 'claimLifecycle');
    const [grouped, ...states] = await Promise.all([
      this.client.workflow.count(`${scopeQuery(scope)} GROUP BY ExecutionStatus`),
      ...CLAIM_STATES.map((s) =>
        this.client.workflow.count(
          `${claims} AND ExecutionStatus != 'ContinuedAsNew' AND ClaimState = '${s}'`,
        ),
      ),
    ]);
    const byStatus: Record<string, number> = Object.fromEntries(
      Object.values(STATUS_NAMES).map((s) => [s, 0]),
    );
    for (const g of grouped.groups) {
      const name = STATUS_NAMES[String(g.groupValues[0])];
      if (name) byStatus[name] = g.count;
    }
    const byState = Object.fromEntries(CLAIM_STATES.map((s, i) => [s, states[i]!.count]));
    return { byState, byStatus };
  }

  /** Every tenant's counts and the review queue, for the metrics gauges (labels are states, never ids). */
  async gaugeCounts(): Promise<{
    byState: Record<string, number>;
    byStatus: Record<string, number>;
    reviewQueue: number;
  }> {
    const [counts, queue] = await Promise.all([
      this.counts({}),
      this.client.workflow.count(
        `${scopeQuery({}, 'claimLifecycle')} AND ExecutionStatus = 'Running' AND ClaimState = 'awaiting_review'`,
      ),
    ]);
    return { ...counts, reviewQueue: queue.count };
  }

  /** The latest run of a workflow the scope may see; another tenant's answers "not found". */
  async describe(scope: OpsScope, ref: string) {
    const workflowId = normalizeWorkflowId(ref, scope);
    let d;
    try {
      d = await this.client.workflow.getHandle(workflowId).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw this.notFound();
      throw err;
    }
    const ids = identify(d);
    if (scope.tenantId && ids.tenantId !== scope.tenantId) throw this.notFound();
    return {
      ...ids,
      status: d.status.name,
      startTime: d.startTime.toISOString(),
      closeTime: d.closeTime?.toISOString() ?? null,
      historyLength: d.historyLength,
      pendingActivities: (d.raw.pendingActivities ?? []).map((a) => ({
        id: a.activityId ?? '',
        type: a.activityType?.name ?? '',
        attempt: a.attempt ?? 1,
      })),
    };
  }

  private notFound() {
    return new WorkflowOpsError('WORKFLOW_NOT_FOUND', 'workflow not found');
  }

  private async events(workflowId: string, runId: string) {
    return (await this.client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
  }

  /** Which event a reset would go back to; an explicit id must be a completed workflow task. */
  async planReset(scope: OpsScope, ref: string, to: ResetTarget) {
    const d = await this.describe(scope, ref);
    const events = await this.events(d.workflowId, d.runId);
    let eventId: number | undefined;
    if (to === 'last-good') {
      eventId = lastGoodEventId(events);
      if (eventId === undefined)
        throw new WorkflowOpsError(
          'NO_RESET_POINT',
          'the run has no completed workflow task to go back to',
          'to',
        );
    } else {
      const points = resetPoints(events);
      if (!points.includes(to))
        throw new WorkflowOpsError(
          'INVALID_ARGUMENT',
          `to: event ${to} is not a completed workflow task of run ${d.runId}; reset points: ${points.slice(-10).join(', ') || 'none'}`,
          'to',
        );
      eventId = to;
    }
    return { ...d, eventId };
  }

  async reset(who: OpsCaller, ref: string, to: ResetTarget, reason: string) {
    const plan = await this.planReset(who, ref, to);
    const details = { reason, to: String(to), eventId: plan.eventId, fromRunId: plan.runId };
    const runId = await this.attempt(who, plan, 'workflow.reset', details, () =>
      this.resetTo(who, plan.workflowId, plan.runId, plan.eventId, reason),
    );
    await this.audit(who, plan, { action: 'workflow.reset', details: { ...details, runId } });
    return { workflowId: plan.workflowId, runId };
  }

  private async resetTo(
    who: OpsCaller,
    workflowId: string,
    runId: string,
    eventId: number,
    reason: string,
  ): Promise<string> {
    type Request = temporal.api.workflowservice.v1.IResetWorkflowExecutionRequest;
    const { runId: newRunId } = await this.client.workflowService.resetWorkflowExecution({
      namespace: this.client.options.namespace,
      workflowExecution: { workflowId, runId },
      reason: `${reason} (by ${who.actor})`,
      // protobufjs takes a plain number for an int64 field.
      workflowTaskFinishEventId: eventId as unknown as Request['workflowTaskFinishEventId'],
      requestId: randomUUID(),
    });
    return newRunId;
  }

  /**
   * What a retry would do: a run that ended badly starts again from its last
   * good point; a running one whose activities are backing off retries them now.
   */
  async planRetry(scope: OpsScope, ref: string): Promise<RetryPlan> {
    const d = await this.describe(scope, ref);
    if (RETRYABLE.has(d.status)) {
      const { eventId } = await this.planReset(scope, d.workflowId, 'last-good');
      return {
        workflowId: d.workflowId,
        runId: d.runId,
        status: d.status,
        action: 'reset',
        eventId,
      };
    }
    const retrying = d.pendingActivities.filter((a) => a.attempt > 1);
    if (d.status === 'RUNNING' && retrying.length)
      return {
        workflowId: d.workflowId,
        runId: d.runId,
        status: d.status,
        action: 'activities',
        activities: retrying.map((a) => `${a.type}#${a.id}`),
      };
    throw new WorkflowOpsError(
      'NOTHING_TO_RETRY',
      d.status === 'RUNNING'
        ? 'the workflow is running and no activity of it is retrying: nothing to retry (reset it to re-run a step)'
        : `the workflow is ${d.status.toLowerCase().replace(/_/g, ' ')}: nothing to retry`,
    );
  }

  async retry(who: OpsCaller, ref: string, reason: string): Promise<ActionResult> {
    const plan = await this.planRetry(who, ref);
    const before = await this.describe(who, plan.workflowId);
    const runId = await this.attempt(
      who,
      before,
      'workflow.retry',
      { reason, how: plan.action, fromRunId: plan.runId },
      async () => {
        if (plan.action === 'reset')
          return this.resetTo(who, plan.workflowId, plan.runId, plan.eventId!, reason);
        for (const a of plan.activities ?? [])
          await this.client.workflowService.resetActivity({
            namespace: this.client.options.namespace,
            execution: { workflowId: plan.workflowId, runId: plan.runId },
            id: a.slice(a.lastIndexOf('#') + 1),
            identity: who.actor,
          });
        return plan.runId;
      },
    );
    const d = await this.describe(who, plan.workflowId);
    await this.audit(who, d, {
      action: 'workflow.retry',
      details: {
        reason,
        how: plan.action,
        fromRunId: plan.runId,
        runId,
        ...(plan.eventId ? { eventId: plan.eventId } : {}),
      },
    });
    return { workflowId: plan.workflowId, runId };
  }

  /** The runs a replay request names: ids, every failed or stuck one, or a random sample of recent ones. */
  async replayTargets(
    scope: OpsScope,
    req: { workflowIds?: string[]; allFailed?: boolean; sample?: number; since?: Date },
  ): Promise<{ workflowId: string; runId: string; tenantId: string | null }[]> {
    const out = new Map<string, { workflowId: string; runId: string; tenantId: string | null }>();
    for (const ref of req.workflowIds ?? []) {
      const d = await this.describe(scope, ref);
      out.set(d.runId, { workflowId: d.workflowId, runId: d.runId, tenantId: d.tenantId });
    }
    if (req.allFailed)
      for (const p of await this.failed(scope, {
        since: req.since ?? new Date(Date.now() - 7 * 86_400_000),
      }))
        out.set(p.runId, p);
    if (req.sample) {
      const pool: { workflowId: string; runId: string; tenantId: string | null }[] = [];
      const cap = Math.min(1000, req.sample * 10);
      for await (const w of this.client.workflow.list({ query: scopeQuery(scope) })) {
        pool.push(identify(w));
        if (pool.length >= cap) break;
      }
      for (let i = 0; i < req.sample && pool.length; i++) {
        const [w] = pool.splice(randomInt(pool.length), 1);
        out.set(w!.runId, w!);
      }
    }
    return [...out.values()];
  }

  /** Replays the named runs against the replayer's code; audited once per tenant touched. */
  async replay(
    who: OpsCaller,
    req: { workflowIds?: string[]; allFailed?: boolean; sample?: number; since?: Date },
    replayer: WorkflowReplayer = this.deps.replayer,
  ): Promise<ReplayOutcome[]> {
    const targets = await this.replayTargets(who, req);
    const histories = [];
    for (const t of targets) {
      const history = await this.client.workflow.getHandle(t.workflowId, t.runId).fetchHistory();
      histories.push({ workflowId: t.workflowId, history });
    }
    const results = await replayer.replay(histories);
    const byTenant = new Map<string, ReplayOutcome[]>();
    targets.forEach((t, i) => {
      if (t.tenantId) byTenant.set(t.tenantId, [...(byTenant.get(t.tenantId) ?? []), results[i]!]);
    });
    for (const [tenantId, rs] of byTenant)
      await this.audit(
        who,
        { tenantId, workflowId: rs.length === 1 ? rs[0]!.workflowId : null, claimId: null },
        {
          action: 'workflow.replay',
          details: { workflows: rs.length, failed: rs.filter((r) => !r.ok).length },
        },
      );
    return results;
  }

  /**
   * Runs an ops action against Temporal; when Temporal refuses it, the refusal is
   * audited too (outcome failure, with the error's kind only: its text may quote
   * workflow state) before the caller sees it, as a typed error when it is a
   * refusal (the run went away, or its state no longer allows the action).
   */
  private async attempt<T>(
    who: OpsCaller,
    target: { tenantId: string | null; workflowId: string | null; claimId: string | null },
    action: string,
    details: AuditDetails,
    work: () => Promise<T>,
  ): Promise<T> {
    try {
      return await work();
    } catch (err) {
      await this.audit(who, target, {
        action,
        outcome: 'failure',
        details: { ...details, error: errorKind(err) },
      });
      throw refusal(err, action);
    }
  }

  private async audit(
    who: OpsCaller,
    target: { tenantId: string | null; workflowId: string | null; claimId: string | null },
    entry: Pick<AuditEntry, 'action' | 'details' | 'outcome'>,
  ): Promise<void> {
    // A workflow of no tenant (none of claimflow's own kinds) has no chain to write to.
    if (!target.tenantId) return;
    await inTenant(
      this.deps.db,
      {
        tenantId: target.tenantId,
        actor: who.actor,
        role: who.role,
        ...(who.requestId ? { requestId: who.requestId } : {}),
      },
      (tx) =>
        recordAudit(tx, {
          ...entry,
          resourceType: 'workflow',
          resourceId: target.workflowId,
          claimId: target.claimId,
          purpose: 'operations',
          workflowId: target.workflowId,
        }),
    );
  }
}

/** gRPC codes by which Temporal refuses a request it understood (not an outage). */
const GRPC_NOT_FOUND = 5;
const REFUSALS: Record<number, string> = {
  3: 'it is not valid for this run',
  6: 'it was already done',
  9: 'the run’s state does not allow it',
  10: 'another change to the run came first',
};

/** Temporal's refusal as a typed error without its text; anything else as it came. */
function refusal(err: unknown, action: string): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === GRPC_NOT_FOUND)
    return new WorkflowOpsError(
      'WORKFLOW_NOT_FOUND',
      'workflow run not found: it may have been deleted',
    );
  const why = typeof code === 'number' ? REFUSALS[code] : undefined;
  if (why === undefined) return err;
  return new WorkflowOpsError(
    'REFUSED_BY_TEMPORAL',
    `Temporal refused the ${action.replace(/^workflow\./, '')}: ${why}`,
  );
}

/** What kind of error refused an action, for the audit row: a code or class name, never a message. */
function errorKind(err: unknown): string {
  if (err instanceof WorkflowOpsError) return err.code;
  const grpc = (err as { code?: unknown } | null)?.code;
  if (typeof grpc === 'number') return `grpc_${grpc}`;
  return err instanceof Error ? err.name.slice(0, 60) : 'unknown';
}

/** The one way the API and the CLI build it: the config's stuck threshold and replay bundle. */
export function createWorkflowOps(
  config: Config,
  client: Client,
  db: Database,
  bundlePath = config.workflowBundle,
): WorkflowOps {
  return new WorkflowOps({
    client,
    db,
    stuckAfterMs: config.stuckAfterMs,
    replayer: new WorkflowReplayer(createDataConverter(config), bundlePath),
  });
}
