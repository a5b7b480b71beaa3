import { sql } from 'kysely';
import { AuditError, AuditRepository } from '../../db/audit/audit.repository';
import type { Database } from '../../db/database';
import type { Tenant } from '../../db/schema';
import { inTenant, type ScopeContext } from '../../db/unit-of-work';
import type { CommandContext } from '../../ops/cli/command';
import { securityCommands } from '../../ops/cli/security.commands';
import { testConfig } from '../harness';
import { appDatabase, securityWorld, type SecurityWorld } from './factory';

const as = (tenant: Tenant, actor = 'user-1', role = 'appeal_specialist'): ScopeContext => ({
  tenantId: tenant.id,
  actor,
  role,
  requestId: 'req-1',
});

const event = (n = 0) => ({
  action: 'claim.read',
  resourceType: 'claim',
  resourceId: `claim-${n}`,
  purpose: 'payment' as const,
});

async function write(db: Database, tenant: Tenant, count: number): Promise<void> {
  await inTenant(db, as(tenant), (tx) =>
    new AuditRepository(tx).recordMany(Array.from({ length: count }, (_, i) => event(i))),
  );
}

async function runCli(name: string, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) => ({ write: (s: string) => into.push(s) }) as never;
  const ctx: CommandContext = {
    config: () => testConfig(),
    log: (line) => err.push(line),
    stdout: sink(out),
    stderr: sink(err),
    stdin: process.stdin,
  };
  const command = securityCommands.find((c) => c.name === name)!;
  const code = await command.run(args, ctx).catch((e: Error & { code?: string }) => {
    err.push(`${e.code}: ${e.message}`);
    return 1;
  });
  return { code, out: out.join(''), err: err.join('\n') };
}

describe('the audit trail', () => {
  let world: SecurityWorld;
  let app: Database;
  beforeAll(() => {
    world = securityWorld();
    app = appDatabase();
  });
  afterAll(async () => {
    await app.destroy();
    await world.close();
  });

  it('records actor, role, tenant, request and a chained hash from the unit of work', async () => {
    const t = await world.newTenant('audit');
    await write(app, t, 3);
    const rows = await inTenant(app, as(t), (tx) => new AuditRepository(tx).page(0));
    // seq 1 is tenant.create, written when the tenant was made.
    expect(rows.map((r) => r.seq)).toEqual(['1', '2', '3', '4']);
    expect(rows[1]).toMatchObject({
      tenant_id: t.id,
      actor: 'user-1',
      actor_role: 'appeal_specialist',
      request_id: 'req-1',
      action: 'claim.read',
      outcome: 'success',
    });
    for (let i = 1; i < rows.length; i++)
      expect(rows[i]!.prev_hash.equals(rows[i - 1]!.hash)).toBe(true);
    expect(rows[0]!.prev_hash.equals(Buffer.alloc(32))).toBe(true);
  });

  it('ignores chain fields and time a caller tries to forge', async () => {
    const t = await world.newTenant('forge');
    await inTenant(app, as(t), (tx) =>
      sql`INSERT INTO audit_events (seq, occurred_at, action, resource_type, purpose, outcome, prev_hash, hash)
          VALUES (99, '2000-01-01', 'claim.read', 'claim', 'payment', 'success', '\\x00'::bytea, '\\x00'::bytea)`.execute(
        tx,
      ),
    );
    const [report] = await AuditRepository.verifyUnscoped(world.admin, { tenantId: t.id });
    expect(report).toMatchObject({ events: 2, lastSeq: 2 });
    expect(report!.firstBroken).toBeUndefined();
  });

  it('rolls an event back with the change it describes', async () => {
    const t = await world.newTenant('rollback');
    await expect(
      inTenant(app, as(t), async (tx) => {
        await new AuditRepository(tx).record(event());
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const [report] = await AuditRepository.verifyUnscoped(world.admin, { tenantId: t.id });
    expect(report!.events).toBe(1);
  });

  it('refuses an event for another tenant', async () => {
    const a = await world.newTenant('ea');
    const b = await world.newTenant('eb');
    await expect(
      inTenant(app, as(a), (tx) =>
        tx
          .insertInto('audit_events')
          .values({
            tenant_id: b.id,
            action: 'claim.read',
            resource_type: 'claim',
            purpose: 'payment',
            outcome: 'success',
          })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('refuses an event without a role rather than recording an anonymous one', async () => {
    const t = await world.newTenant('norole');
    await expect(
      inTenant(app, { tenantId: t.id, actor: 'someone' }, (tx) =>
        new AuditRepository(tx).record(event()),
      ),
    ).rejects.toThrow(/actor_role/);
  });

  it('refuses details that are not short scalars, so no document can be smuggled in', async () => {
    const t = await world.newTenant('details');
    await expect(
      inTenant(app, as(t), (tx) =>
        new AuditRepository(tx).record({
          ...event(),
          details: { payload: 'x'.repeat(500) },
        }),
      ),
    ).rejects.toThrow(AuditError);
  });

  it.each([
    ['UPDATE', 'UPDATE audit_events SET actor = $$x$$'],
    ['DELETE', 'DELETE FROM audit_events'],
    ['TRUNCATE', 'TRUNCATE audit_events'],
  ])('refuses %s for the application role', async (_op, statement) => {
    const t = await world.newTenant('app-upd');
    await expect(inTenant(app, as(t), (tx) => sql.raw(statement).execute(tx))).rejects.toThrow(
      /permission denied/,
    );
  });

  it.each([
    ['UPDATE', 'UPDATE audit_events SET actor = $$x$$'],
    ['DELETE', 'DELETE FROM audit_events'],
    ['TRUNCATE', 'TRUNCATE audit_events'],
  ])('refuses %s for the owner and for a superuser', async (_op, statement) => {
    const t = await world.newTenant('own-upd');
    await expect(
      inTenant(world.owner, as(t), (tx) => sql.raw(statement).execute(tx)),
    ).rejects.toThrow(/append-only/);
    await expect(
      inTenant(world.admin, as(t), (tx) => sql.raw(statement).execute(tx)),
    ).rejects.toThrow(/append-only/);
  });

  it('refuses to move or delete a chain head', async () => {
    const t = await world.newTenant('head');
    await expect(
      sql`UPDATE audit_chain_heads SET seq = 1 WHERE tenant_id = ${t.id}`.execute(world.admin),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`DELETE FROM audit_chain_heads WHERE tenant_id = ${t.id}`.execute(world.admin),
    ).rejects.toThrow(/append-only/);
  });

  describe('tampering by a superuser who disables the trigger', () => {
    async function tamper(tenant: Tenant, statement: string): Promise<void> {
      await world.admin.transaction().execute(async (tx) => {
        await sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`.execute(tx);
        await sql.raw(statement.replaceAll(':tenant', `'${tenant.id}'`)).execute(tx);
        await sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`.execute(tx);
      });
    }

    it('is found at the sequence number of an altered event', async () => {
      const t = await world.newTenant('tamper');
      await write(app, t, 10);
      await tamper(
        t,
        `UPDATE audit_events SET actor = 'mallory' WHERE tenant_id = :tenant AND seq = 7`,
      );
      const [report] = await AuditRepository.verifyUnscoped(world.admin, { tenantId: t.id });
      expect(report).toMatchObject({
        firstBroken: 7,
        problem: "hash does not match the event's content",
      });
    });

    it('is found when the hash was recomputed too: the next link breaks', async () => {
      const t = await world.newTenant('rehash');
      await write(app, t, 10);
      await tamper(
        t,
        `UPDATE audit_events e SET purpose = 'audit' WHERE tenant_id = :tenant AND seq = 4;
         UPDATE audit_events e SET hash = audit_event_hash(e) WHERE tenant_id = :tenant AND seq = 4`,
      );
      const [report] = await AuditRepository.verifyUnscoped(world.admin, { tenantId: t.id });
      expect(report).toMatchObject({ firstBroken: 5 });
    });

    it('is found when an event in the middle is deleted', async () => {
      const t = await world.newTenant('gap');
      await write(app, t, 10);
      await tamper(t, `DELETE FROM audit_events WHERE tenant_id = :tenant AND seq = 6`);
      const [report] = await AuditRepository.verifyUnscoped(world.admin, { tenantId: t.id });
      expect(report).toMatchObject({ firstBroken: 6, problem: 'event missing' });
    });

    it('is found when the newest events are deleted', async () => {
      const t = await world.newTenant('tail');
      await write(app, t, 10);
      await tamper(t, `DELETE FROM audit_events WHERE tenant_id = :tenant AND seq > 8`);
      const [report] = await AuditRepository.verifyUnscoped(world.admin, { tenantId: t.id });
      expect(report).toMatchObject({ firstBroken: 9 });
    });

    it('makes `audit verify --tenant` exit 1 naming the sequence number, and 0 for an intact chain', async () => {
      const bad = await world.newTenant('cli-bad');
      const good = await world.newTenant('cli-good');
      await write(app, bad, 5);
      await write(app, good, 5);
      await tamper(
        bad,
        `UPDATE audit_events SET outcome = 'failure' WHERE tenant_id = :tenant AND seq = 3`,
      );
      const broken = await runCli('audit verify', ['--tenant', bad.slug]);
      expect(broken.code).toBe(1);
      expect(broken.out).toContain('first broken at seq 3');
      const intact = await runCli('audit verify', ['--tenant', good.slug]);
      expect(intact).toMatchObject({ code: 0 });
      expect(intact.out).toContain('6 events, chain intact');
    });
  });

  it('keeps one unbroken chain under 8 concurrent writers', async () => {
    const t = await world.newTenant('concurrent');
    const writers = createWriters(8);
    try {
      await Promise.all(
        writers.map((db, w) =>
          (async () => {
            for (let i = 0; i < 25; i++)
              await inTenant(db, as(t, `writer-${w}`), (tx) =>
                new AuditRepository(tx).record(event(i)),
              );
          })(),
        ),
      );
    } finally {
      await Promise.all(writers.map((db) => db.destroy()));
    }
    const [report] = await AuditRepository.verifyUnscoped(world.admin, { tenantId: t.id });
    expect(report).toMatchObject({ events: 201, lastSeq: 201 });
    expect(report!.firstBroken).toBeUndefined();
  });

  it('traces one claim in order through `audit trace`, and fails for an unknown claim', async () => {
    const t = await world.newTenant('trace');
    const claimId = crypto.randomUUID();
    await inTenant(app, as(t), async (tx) => {
      const audit = new AuditRepository(tx);
      await audit.record({ ...event(), claimId, action: 'claim.read' });
      await audit.record({ ...event(), claimId, action: 'appeal.draft', resourceType: 'appeal' });
      await audit.record(event(5));
    });
    const traced = await runCli('audit trace', [claimId]);
    expect(traced.code).toBe(0);
    const lines = traced.out.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^2\t.*claim\.read/);
    expect(lines[1]).toMatch(/^3\t.*appeal\.draft/);
    const unknown = await runCli('audit trace', [crypto.randomUUID()]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('NOT_FOUND');
  });
});

function createWriters(n: number): Database[] {
  return Array.from({ length: n }, () => appDatabase());
}
