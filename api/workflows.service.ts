import { Inject, Injectable } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { Config } from '../ops/config';
import type { Runtime } from '../ops/runtime';
import {
  createWorkflowOps,
  WorkflowOpsError,
  type ResetTarget,
  type WorkflowOps,
} from '../ops/temporal/workflow-ops';
import type { WorkflowType } from '../ops/temporal/workflow-problems';
import { badRequest, conflict, notFound } from './errors';
import type { Actor } from './principal';
import { CONFIG, RUNTIME, TEMPORAL } from './tokens';

/** The ops module's typed failures as the API's one error shape. */
function asAppError(err: unknown): unknown {
  if (!(err instanceof WorkflowOpsError)) return err;
  switch (err.code) {
    case 'WORKFLOW_NOT_FOUND':
      return notFound('workflow');
    case 'INVALID_ARGUMENT':
      return badRequest(err.message, err.field);
    default:
      return conflict(err.code, err.message, err.field);
  }
}

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw asAppError(err);
  }
}

/**
 * Ops' view of the workflows, scoped to the caller's tenant: what failed or is
 * stuck and why, counts by state and status, retry, reset and replay. The
 * Temporal logic is the CLI's too (ops/temporal/workflow-ops).
 */
@Injectable()
export class WorkflowsService {
  private readonly ops: WorkflowOps;

  constructor(
    @Inject(TEMPORAL) temporal: Client,
    @Inject(RUNTIME) runtime: Runtime,
    @Inject(CONFIG) config: Config,
  ) {
    this.ops = createWorkflowOps(config, temporal, runtime.db);
  }

  private caller(who: Actor) {
    return { tenantId: who.tenantId, actor: who.actor, role: who.role, requestId: who.requestId };
  }

  async failed(who: Actor, q: { since: Date; type?: WorkflowType }) {
    const found = await mapped(() => this.ops.failed({ tenantId: who.tenantId }, q));
    return {
      workflows: found.map(({ tenantId: _tenant, ...w }) => w),
    };
  }

  counts(who: Actor) {
    return mapped(() => this.ops.counts({ tenantId: who.tenantId }));
  }

  async describe(who: Actor, workflowId: string) {
    const { tenantId: _tenant, ...d } = await mapped(() =>
      this.ops.describe({ tenantId: who.tenantId }, workflowId),
    );
    return d;
  }

  retry(who: Actor, workflowId: string, reason: string) {
    return mapped(() => this.ops.retry(this.caller(who), workflowId, reason));
  }

  reset(who: Actor, workflowId: string, to: ResetTarget, reason: string) {
    return mapped(() => this.ops.reset(this.caller(who), workflowId, to, reason));
  }

  async replay(who: Actor, req: { workflowIds?: string[]; allFailed?: boolean; sample?: number }) {
    const results = await mapped(() => this.ops.replay(this.caller(who), req));
    return {
      results: results.map((r) => ({
        workflowId: r.workflowId,
        runId: r.runId,
        ok: r.ok,
        ...(r.error ? { error: r.error } : {}),
      })),
    };
  }
}
