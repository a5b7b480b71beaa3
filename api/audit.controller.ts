import { Controller, Get, Inject, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { recordAudit } from '../db/audit/audit.repository';
import { AuditQueryRepository, type AuditFilter } from '../db/repositories/audit-query.repository';
import type { AuditEvent } from '../db/schema';
import { inTenant } from '../db/unit-of-work';
import type { Runtime } from '../ops/runtime';
import { ClaimTimelineService } from './claim-timeline.service';
import { Requires } from './permissions';
import { type Actor, Who } from './principal';
import { RUNTIME } from './tokens';
import { query } from './validation';

const Filter = z.strictObject({
  claimId: z.uuid().optional(),
  actor: z.string().min(1).max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

function filterOf(q: z.infer<typeof Filter>, limit = q.limit): AuditFilter {
  return {
    limit,
    ...(q.claimId ? { claimId: q.claimId } : {}),
    ...(q.actor ? { actor: q.actor } : {}),
    ...(q.from ? { from: new Date(q.from) } : {}),
    ...(q.to ? { to: new Date(q.to) } : {}),
    ...(q.after !== undefined ? { afterSeq: q.after } : {}),
  };
}

function view(e: AuditEvent) {
  return {
    seq: Number(e.seq),
    occurredAt: new Date(e.occurred_at).toISOString(),
    actor: e.actor,
    actorRole: e.actor_role,
    action: e.action,
    resourceType: e.resource_type,
    resourceId: e.resource_id,
    claimId: e.claim_id,
    purpose: e.purpose,
    outcome: e.outcome,
    requestId: e.request_id,
    workflowId: e.workflow_id,
    details: e.details,
    hash: Buffer.from(e.hash).toString('hex'),
  };
}

const COLUMNS = [
  'seq',
  'occurredAt',
  'actor',
  'actorRole',
  'action',
  'resourceType',
  'resourceId',
  'claimId',
  'purpose',
  'outcome',
  'requestId',
  'workflowId',
  'details',
  'hash',
] as const;

function csvCell(v: unknown): string {
  const s =
    v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  // Quote always; a leading formula character is neutralised for spreadsheets.
  return `"${(/^[=+\-@\t\r]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
}

/** The auditor's window on the tenant's chain: by claim, actor or time; verification; CSV export. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly timelines: ClaimTimelineService,
  ) {}

  @Get('events')
  @Requires('audit.read')
  @ApiQuery({ name: 'claimId', required: false })
  @ApiQuery({ name: 'actor', required: false })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'after', required: false })
  @ApiQuery({ name: 'limit', required: false })
  async events(@Who() who: Actor, @Query(query(Filter)) q: z.infer<typeof Filter>) {
    const rows = await inTenant(this.runtime.db, who, (tx) =>
      new AuditQueryRepository(tx).events(filterOf(q)),
    );
    return rows.map(view);
  }

  /** One claim's story: its audit events joined with its workflow's history events (types, times, activity names; never payloads). */
  @Get('claims/:claimId/timeline')
  @Requires('audit.read')
  timeline(@Who() who: Actor, @Param('claimId', new ParseUUIDPipe()) claimId: string) {
    return this.timelines.timeline(who, claimId);
  }

  @Get('verify')
  @Requires('audit.verify')
  verify(@Who() who: Actor) {
    return inTenant(this.runtime.db, who, async (tx) => {
      const report = await new AuditQueryRepository(tx).verify();
      await recordAudit(tx, {
        action: 'audit.verify',
        resourceType: 'audit_chain',
        purpose: 'audit',
        outcome: report.firstBroken ? 'failure' : 'success',
        details: { events: report.events, firstBroken: report.firstBroken ?? null },
      });
      return { intact: report.firstBroken === undefined, ...report };
    });
  }

  @Get('export')
  @Requires('audit.export')
  @ApiProduces('text/csv')
  async export(
    @Who() who: Actor,
    @Query(
      query(Filter.extend({ limit: z.coerce.number().int().min(1).max(100_000).default(10_000) })),
    )
    q: z.infer<typeof Filter>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const rows = await inTenant(this.runtime.db, who, async (tx) => {
      const r = await new AuditQueryRepository(tx).events(filterOf(q));
      await recordAudit(tx, {
        action: 'audit.export',
        resourceType: 'audit_chain',
        purpose: 'audit',
        details: { events: r.length },
      });
      return r;
    });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="audit.csv"');
    const lines = rows.map((e) => {
      const v = view(e);
      return COLUMNS.map((c) => csvCell(v[c])).join(',');
    });
    return [COLUMNS.join(','), ...lines].join('\r\n') + '\r\n';
  }
}
