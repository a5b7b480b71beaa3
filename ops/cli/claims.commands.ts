import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { connectTemporal } from '../../api/app';
import { RemittancesService } from '../../api/remittances.service';
import { recordAudit } from '../../db/audit/audit.repository';
import { createDatabase } from '../../db/database';
import { ClaimLifecycleRepository } from '../../db/repositories/claim-lifecycle.repository';
import { TenantRepository } from '../../db/repositories/tenant.repository';
import { inTenant } from '../../db/unit-of-work';
import type { IngestRemittanceResult } from '../../workflows/contracts';
import type { Config } from '../config';
import { createRuntime, ownerDatabaseUrl } from '../runtime';
import { UsageError, type Command } from './command';

class NotFoundError extends Error {
  readonly code = 'NOT_FOUND';
}

async function tenantIdOf(config: Config, slug: string | undefined): Promise<string> {
  if (!slug) throw new UsageError('--tenant <slug> is required');
  const owner = createDatabase(ownerDatabaseUrl(config), { max: 1 });
  try {
    const tenant = await TenantRepository.findBySlugUnscoped(owner, slug);
    if (!tenant)
      throw new NotFoundError(
        `no tenant with slug "${slug}": create it with bin/claimflow tenant create ${slug}`,
      );
    return tenant.id;
  } finally {
    await owner.destroy();
  }
}

export const claimsCommands: Command[] = [
  {
    name: 'ingest',
    usage: 'ingest <file> --tenant <slug> [--wait]  upload an 835 and start its workflows',
    async run(args, ctx) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { tenant: { type: 'string' }, wait: { type: 'boolean' } },
      });
      const file = positionals[0];
      if (!file) throw new UsageError('ingest needs a file');
      if (!fs.existsSync(file)) throw new UsageError(`${file}: no such file`);
      const config = ctx.config();
      const tenantId = await tenantIdOf(config, values.tenant);
      const runtime = createRuntime(config, { poolSize: 2 });
      const { client, connection } = await connectTemporal(config);
      try {
        const service = new RemittancesService(runtime, client, config);
        const who = { tenantId, actor: 'system:cli-ingest', requestId: '' };
        const uploaded = await service.upload(who, fs.readFileSync(file), path.basename(file));
        if (!values.wait) {
          ctx.stdout.write(`${JSON.stringify(uploaded)}\n`);
          return 0;
        }
        const result = (await client.workflow
          .getHandle(uploaded.workflowId)
          .result()) as IngestRemittanceResult;
        const denied = await inTenant(runtime.db, who, (tx) =>
          new ClaimLifecycleRepository(tx).countByOutcome(uploaded.id, 'denied'),
        );
        ctx.stdout.write(
          `${JSON.stringify({
            fileId: uploaded.id,
            duplicate: uploaded.duplicate ?? false,
            claims: result.claims,
            denied,
            workflowsStarted: result.lifecyclesStarted,
            outcomesSignalled: result.outcomesSignalled,
            quarantined:
              result.status === 'quarantined' ? (result.quarantineReason ?? true) : false,
          })}\n`,
        );
        return result.status === 'quarantined' ? 1 : 0;
      } finally {
        await connection.close();
        await runtime.close();
      }
    },
  },
  {
    name: 'claims list',
    usage: 'claims list --tenant <slug> [--json]  claims with their state; no PHI',
    async run(args, ctx) {
      const { values } = parseArgs({
        args,
        options: { tenant: { type: 'string' }, json: { type: 'boolean' } },
      });
      const config = ctx.config();
      const tenantId = await tenantIdOf(config, values.tenant);
      const runtime = createRuntime(config, { poolSize: 1 });
      try {
        const rows = await inTenant(
          runtime.db,
          { tenantId, actor: 'system:cli-claims-list' },
          async (tx) => {
            const claims = await new ClaimLifecycleRepository(tx).summaries();
            await recordAudit(tx, {
              action: 'claim.list',
              resourceType: 'claim',
              purpose: 'operations',
              details: { count: claims.length },
            });
            return claims;
          },
        );
        const out = rows.map((r) => ({
          ...r,
          deadline: r.deadline,
        }));
        if (values.json) ctx.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        else
          for (const r of out)
            ctx.stdout.write(
              `${r.id}  ${r.status.padEnd(3)} ${(r.category ?? '-').padEnd(24)} ${(r.recommendedAction ?? '-').padEnd(16)} ${r.deadline ?? '-'}  ${r.workflowState ?? '-'}\n`,
            );
        return 0;
      } finally {
        await runtime.close();
      }
    },
  },
];
