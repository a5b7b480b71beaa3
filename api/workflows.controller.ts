import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { TENANT_WORKFLOW_TYPES } from '../ops/temporal/workflow-problems';
import { ClaimQuery } from './claims.controller';
import { ClaimsService } from './claims.service';
import { Requires } from './permissions';
import { type Actor, Who } from './principal';
import { body, query } from './validation';
import { WorkflowsService } from './workflows.service';

const DAY = 86_400_000;
const Failed = z.strictObject({
  since: z.iso
    .datetime({ offset: true })
    .transform((v) => new Date(v))
    .optional(),
  type: z.enum(TENANT_WORKFLOW_TYPES).optional(),
});
const reason = z.string().trim().min(3, 'say why, in at least 3 characters').max(200);
const Retry = z.strictObject({ reason });
const Reset = z.strictObject({
  to: z.union([z.literal('last-good'), z.number().int().positive()], {
    error: '"last-good" or the id of a completed workflow task event',
  }),
  reason,
});
const Replay = z
  .strictObject({
    workflowIds: z.array(z.string().min(1).max(200)).min(1).max(100).optional(),
    allFailed: z.boolean().optional(),
    sample: z.number().int().min(1).max(100).optional(),
  })
  .refine((r) => r.workflowIds || r.allFailed || r.sample, {
    message: 'name workflowIds, allFailed or sample',
  });

/**
 * Ops: claimflow's workflows in the caller's tenant by their codes, states and
 * Temporal status; what failed or is stuck and why; retry, reset and replay,
 * each audited. Never PHI.
 */
@ApiTags('workflows')
@ApiBearerAuth()
@Controller('workflows')
export class WorkflowsController {
  constructor(
    private readonly workflows: WorkflowsService,
    private readonly claims: ClaimsService,
  ) {}

  /** Claims with their workflow state, as the claims search finds them. */
  @Get()
  @Requires('workflow.list')
  list(@Who() who: Actor, @Query(query(ClaimQuery)) q: z.infer<typeof ClaimQuery>) {
    return this.claims.search(who, {
      limit: q.limit,
      ...(q.status ? { state: q.status } : {}),
      ...(q.after ? { after: q.after } : {}),
    });
  }

  @Get('failed')
  @Requires('workflow.list')
  @ApiQuery({ name: 'since', required: false, description: 'ISO time; default 7 days ago' })
  @ApiQuery({ name: 'type', required: false, enum: TENANT_WORKFLOW_TYPES })
  failed(@Who() who: Actor, @Query(query(Failed)) q: z.infer<typeof Failed>) {
    return this.workflows.failed(who, {
      since: q.since ?? new Date(Date.now() - 7 * DAY),
      ...(q.type ? { type: q.type } : {}),
    });
  }

  @Get('counts')
  @Requires('workflow.list')
  counts(@Who() who: Actor) {
    return this.workflows.counts(who);
  }

  @Post('replay')
  @HttpCode(200)
  @Requires('workflow.operate')
  @ApiBody({ schema: { example: { allFailed: true, sample: 20 } } })
  replay(@Who() who: Actor, @Body(body(Replay)) input: z.infer<typeof Replay>) {
    return this.workflows.replay(who, input);
  }

  /** A workflow id (`claim-<uuid>`, `remittance-<uuid>`), or a claim id for its lifecycle. */
  @Get(':workflowId')
  @Requires('workflow.list')
  describe(@Who() who: Actor, @Param('workflowId') workflowId: string) {
    return this.workflows.describe(who, workflowId);
  }

  @Post(':workflowId/retry')
  @HttpCode(200)
  @Requires('workflow.operate')
  @ApiBody({ schema: { example: { reason: 'payer endpoint fixed' } } })
  retry(
    @Who() who: Actor,
    @Param('workflowId') workflowId: string,
    @Body(body(Retry)) input: z.infer<typeof Retry>,
  ) {
    return this.workflows.retry(who, workflowId, input.reason);
  }

  @Post(':workflowId/reset')
  @HttpCode(200)
  @Requires('workflow.operate')
  @ApiBody({ schema: { example: { to: 'last-good', reason: 'activity bug fixed' } } })
  reset(
    @Who() who: Actor,
    @Param('workflowId') workflowId: string,
    @Body(body(Reset)) input: z.infer<typeof Reset>,
  ) {
    return this.workflows.reset(who, workflowId, input.to, input.reason);
  }
}
