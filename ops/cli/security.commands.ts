import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { AuditRepository, type ChainReport } from '../../db/audit/audit.repository';
import { rewrapTenantKeys, rotateDataKey } from '../../db/crypto/key-rotation';
import { LocalMasterKey, MasterKeySet } from '../../db/crypto/master-key';
import { createDatabase, OWNER_ROLE, type Database } from '../../db/database';
import { TenantRepository } from '../../db/repositories/tenant.repository';
import { UserRepository } from '../../db/repositories/user.repository';
import type { RoleName } from '../../db/schema';
import { inTenant } from '../../db/unit-of-work';
import type { Config } from '../config';
import { loadMasterKey } from '../master-key';
import { ownerDatabaseUrl } from '../runtime';
import { UsageError, type Command } from './command';

/** A failure the operator can act on: one line, a stable code, no stack. */
export class SecurityCommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const ROLES: readonly RoleName[] = ['admin', 'appeal_specialist', 'reviewer', 'ops', 'auditor'];
const CLI_ACTOR = { actor: 'system:cli', role: 'system' };

/**
 * Two handles: `admin` reads across tenants (verify, trace, slug lookup) and
 * `owner` acts as the schema owner, which FORCEd RLS still binds to one tenant.
 */
async function withDatabases<T>(
  config: Config,
  work: (dbs: { admin: Database; owner: Database }) => Promise<T>,
): Promise<T> {
  const url = ownerDatabaseUrl(config);
  const admin = createDatabase(url, { max: 1 });
  const owner = createDatabase(url, { max: 3, role: OWNER_ROLE });
  try {
    return await work({ admin, owner });
  } finally {
    await Promise.all([admin.destroy(), owner.destroy()]);
  }
}

async function tenantBySlug(admin: Database, slug: string) {
  const tenant = await TenantRepository.findBySlugUnscoped(admin, slug);
  if (!tenant) throw new SecurityCommandError('TENANT_NOT_FOUND', `no tenant with slug "${slug}"`);
  return tenant;
}

function formatReport(r: ChainReport): string {
  return r.firstBroken === undefined
    ? `ok      ${r.slug}: ${r.events} events, chain intact`
    : `BROKEN  ${r.slug}: first broken at seq ${r.firstBroken} (${r.problem}); ${r.events} events`;
}

export const securityCommands: Command[] = [
  {
    name: 'user create',
    usage: `user create --tenant <slug> --email E --role R [--name N]   (R: ${ROLES.join('|')})`,
    async run(args, ctx) {
      const { values } = parseArgs({
        args,
        options: {
          tenant: { type: 'string' },
          email: { type: 'string' },
          role: { type: 'string' },
          name: { type: 'string' },
        },
      });
      if (!values.tenant || !values.email || !values.role)
        throw new UsageError('user create needs --tenant, --email and --role');
      const role = values.role as RoleName;
      if (!ROLES.includes(role))
        throw new UsageError(`unknown role "${values.role}"; one of ${ROLES.join(', ')}`);
      return withDatabases(ctx.config(), async ({ admin, owner }) => {
        const tenant = await tenantBySlug(admin, values.tenant!);
        const user = await inTenant(owner, { tenantId: tenant.id, ...CLI_ACTOR }, async (tx) => {
          const users = new UserRepository(tx);
          if (await users.findByEmail(values.email!))
            throw new SecurityCommandError(
              'USER_EXISTS',
              `a user with that email already exists in ${tenant.slug}`,
            );
          const created = await users.create(
            tenant.id,
            { email: values.email!, displayName: values.name ?? values.email!, role },
            CLI_ACTOR.actor,
          );
          await new AuditRepository(tx).record({
            action: 'user.create',
            resourceType: 'user',
            resourceId: created.id,
            purpose: 'security',
            details: { role },
          });
          return created;
        });
        ctx.stdout.write(
          `${JSON.stringify({ id: user.id, tenant: tenant.slug, email: user.email, role, status: user.status })}\n`,
        );
        return 0;
      });
    },
  },
  {
    name: 'keys rotate',
    usage:
      'keys rotate --tenant <slug> [--resume] [--rewrap --previous-master-key-file F] [--batch N]',
    async run(args, ctx) {
      const { values } = parseArgs({
        args,
        options: {
          tenant: { type: 'string' },
          resume: { type: 'boolean' },
          rewrap: { type: 'boolean' },
          'previous-master-key-file': { type: 'string', multiple: true },
          batch: { type: 'string' },
        },
      });
      if (!values.tenant) throw new UsageError('keys rotate needs --tenant');
      const batchSize = values.batch ? Number(values.batch) : 500;
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
        throw new UsageError('--batch must be an integer from 1 to 10000');
      const config = ctx.config();
      const previous = (values['previous-master-key-file'] ?? []).map(
        (f) => new LocalMasterKey(fs.readFileSync(f, 'utf8').trim()),
      );
      const wrapper = new MasterKeySet(new LocalMasterKey(loadMasterKey(config)), previous);
      return withDatabases(config, async ({ admin, owner }) => {
        const tenant = await tenantBySlug(admin, values.tenant!);
        if (values.rewrap) {
          const n = await rewrapTenantKeys(owner, wrapper, tenant.id);
          ctx.log(`${tenant.slug}: ${n} keys re-wrapped under master key ${wrapper.id}`);
          return 0;
        }
        const r = await rotateDataKey(owner, wrapper, tenant.id, {
          batchSize,
          newKey: !values.resume,
        });
        ctx.stdout.write(`${JSON.stringify({ tenant: tenant.slug, ...r })}\n`);
        if (r.remaining > 0)
          ctx.log(
            `${r.remaining} values are still under a retired key (written meanwhile); run again with --resume`,
          );
        return 0;
      });
    },
  },
  {
    name: 'audit verify',
    usage: 'audit verify [--tenant <slug>]   recompute every audit chain; exit 1 if one is broken',
    async run(args, ctx) {
      const { values } = parseArgs({ args, options: { tenant: { type: 'string' } } });
      return withDatabases(ctx.config(), async ({ admin }) => {
        const tenantId = values.tenant ? (await tenantBySlug(admin, values.tenant)).id : undefined;
        const reports = await AuditRepository.verifyUnscoped(admin, tenantId ? { tenantId } : {});
        for (const r of reports) ctx.stdout.write(`${formatReport(r)}\n`);
        const broken = reports.filter((r) => r.firstBroken !== undefined);
        if (broken.length) {
          ctx.log(
            `audit chain broken: ${broken.map((r) => `${r.slug} at seq ${r.firstBroken}`).join(', ')}`,
          );
          return 1;
        }
        return 0;
      });
    },
  },
  {
    name: 'audit trace',
    usage: "audit trace <claimId>            one claim's audit events, in order",
    async run(args, ctx) {
      const claimId = args[0];
      if (!claimId || !/^[0-9a-f-]{36}$/i.test(claimId))
        throw new UsageError('audit trace needs a claim id (uuid)');
      return withDatabases(ctx.config(), async ({ admin }) => {
        const events = await AuditRepository.traceUnscoped(admin, claimId);
        if (events.length === 0)
          throw new SecurityCommandError('NOT_FOUND', `no audit events for claim ${claimId}`);
        for (const e of events) {
          const via = e.workflow_id ? ` workflow=${e.workflow_id}` : '';
          const req = e.request_id ? ` request=${e.request_id}` : '';
          ctx.stdout.write(
            `${e.seq}\t${e.occurred_at.toISOString()}\t${e.actor} (${e.actor_role})\t${e.action}\t${e.resource_type}/${e.resource_id ?? '-'}\t${e.purpose}\t${e.outcome}${req}${via}\n`,
          );
        }
        return 0;
      });
    },
  },
];
