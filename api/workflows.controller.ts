import { randomUUID } from 'node:crypto';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { z } from 'zod';
import { recordAudit } from '../db/audit/audit.repository';
import { ClaimRepository } from '../db/repositories/claim.repository';
import { inTenant } from '../db/unit-of-work';
import type { Config } from '../ops/config';
import type { Runtime } from '../ops/runtime';
import { ClaimQuery } from './claims.controller';
import { ClaimsService } from './claims.service';
import { badRequest, notFound } from './errors';
import { Requires } from './permissions';
import { type Actor, Who } from './principal';
import { CONFIG, RUNTIME, TEMPORAL } from './tokens';
import { body, query } from './validation';

const Reset = z.strictObject({
  /** `last`: re-run from the last completed workflow task (unstick); `first`: from the start (retry). */
  to: z.enum(['first', 'last']),
  reason: z.string().trim().min(3).max(200),
});

const COMPLETED = proto.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;

/** Ops: claim workflows by their codes and states, their Temporal status, and resets. Never PHI. */
@ApiTags('workflows')
@ApiBearerAuth()
@Controller('workflows')
export class WorkflowsController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(TEMPORAL) private readonly temporal: Client,
    @Inject(CONFIG) private readonly config: Config,
    private readonly claims: ClaimsService,
  ) {}

  @Get()
  @Requires('workflow.list')
  list(@Who() who: Actor, @Query(query(ClaimQuery)) q: z.infer<typeof ClaimQuery>) {
    return this.claims.search(who, {
      limit: q.limit,
      ...(q.status ? { state: q.status } : {}),
      ...(q.after ? { after: q.after } : {}),
    });
  }

  @Get(':claimId')
  @Requires('workflow.list')
  async describe(@Who() who: Actor, @Param('claimId', new ParseUUIDPipe()) claimId: string) {
    const workflowId = await this.workflowOf(who, claimId);
    try {
      const d = await this.temporal.workflow.getHandle(workflowId).describe();
      return {
        workflowId,
        runId: d.runId,
        type: d.type,
        status: d.status.name,
        startTime: d.startTime.toISOString(),
        closeTime: d.closeTime?.toISOString() ?? null,
        historyLength: d.historyLength,
      };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound('workflow');
      throw err;
    }
  }

  @Post(':claimId/reset')
  @HttpCode(200)
  @Requires('workflow.operate')
  @ApiBody({ schema: { example: { to: 'last', reason: 'activity bug fixed' } } })
  async reset(
    @Who() who: Actor,
    @Param('claimId', new ParseUUIDPipe()) claimId: string,
    @Body(body(Reset)) input: z.infer<typeof Reset>,
  ) {
    const workflowId = await this.workflowOf(who, claimId);
    const handle = this.temporal.workflow.getHandle(workflowId);
    const history = await handle.fetchHistory().catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) throw notFound('workflow');
      throw err;
    });
    const done = (history.events ?? []).filter((e) => e.eventType === COMPLETED);
    const target = input.to === 'first' ? done[0] : done[done.length - 1];
    if (!target?.eventId) throw badRequest('the workflow has no completed task to reset to', 'to');
    const { runId } = await this.temporal.workflowService.resetWorkflowExecution({
      namespace: this.config.temporal.namespace,
      workflowExecution: { workflowId },
      reason: `${input.reason} (by ${who.actor})`,
      workflowTaskFinishEventId: target.eventId,
      requestId: randomUUID(),
    });
    await inTenant(this.runtime.db, who, (tx) =>
      recordAudit(tx, {
        action: 'workflow.reset',
        resourceType: 'workflow',
        resourceId: workflowId,
        claimId,
        purpose: 'operations',
        details: { to: input.to, runId },
      }),
    );
    return { workflowId, runId };
  }

  /** The claim's workflow id, found through the tenant's unit of work: another tenant's claim is not found. */
  private async workflowOf(who: Actor, claimId: string): Promise<string> {
    const claim = await inTenant(this.runtime.db, who, (tx) =>
      new ClaimRepository(tx).find(claimId),
    );
    if (!claim?.workflow_id) throw notFound('workflow');
    return claim.workflow_id;
  }
}
