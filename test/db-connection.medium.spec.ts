import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createDatabase, type Database } from '../db/database';
import { SessionRepository } from '../db/repositories/session.repository';
import { TenantRepository } from '../db/repositories/tenant.repository';
import { UserRepository } from '../db/repositories/user.repository';
import { ReviewQueueRepository } from '../db/repositories/review-queue.repository';
import { inTenant, readInTenant } from '../db/unit-of-work';
import { applicationDatabaseUrl } from '../ops/runtime';
import { testConfig } from './harness';

const hash = () => randomUUID().replace(/-/g, '').padEnd(64, '0');

describe('the application connection: settings with BEGIN, prepared statements, one-statement sessions', () => {
  const config = testConfig();
  let owner: Database;
  let app: Database;
  beforeAll(() => {
    owner = createDatabase(config.database.url!, { max: 2 });
    // One connection, so what one call prepared the next call finds.
    app = createDatabase(applicationDatabaseUrl(config), { max: 1 });
  });
  afterAll(async () => {
    await app.destroy();
    await owner.destroy();
  });

  async function tenantWithSession() {
    const tenant = await TenantRepository.create(owner, `c-${randomUUID().slice(0, 8)}`, 'C');
    const token = hash();
    await inTenant(app, { tenantId: tenant.id, actor: 'system:test' }, async (tx) => {
      const users = new UserRepository(tx);
      const user = await users.create(
        tenant.id,
        { email: `${randomUUID().slice(0, 8)}@example.test`, displayName: 'U', role: 'reviewer' },
        'system:test',
      );
      const now = new Date();
      await new SessionRepository(tx).create(tenant.id, {
        userId: user.id,
        tokenHash: token,
        now,
        expiresAt: new Date(now.getTime() + 60_000),
      });
    });
    return { tenantId: tenant.id, token };
  }

  const settings = (db: Database) =>
    sql<Record<string, string>>`SELECT current_setting('app.tenant_id') AS tenant,
      current_setting('app.actor') AS actor, current_setting('app.request_id') AS request,
      current_setting('app.actor_role') AS role`.execute(db);

  it('sets every value of the unit of work exactly, however it is quoted', async () => {
    const { tenantId } = await tenantWithSession();
    const actor = `system:o'brien \\ "x"; DROP TABLE claims; --`;
    const requestId = "r'\\\\n'--";
    const seen = await inTenant(app, { tenantId, actor, requestId, role: 'reviewer' }, settings);
    expect(seen.rows[0]).toEqual({ tenant: tenantId, actor, request: requestId, role: 'reviewer' });
  });

  it('leaves no setting behind on the pooled connection after the unit of work', async () => {
    const { tenantId } = await tenantWithSession();
    await inTenant(app, { tenantId, actor: 'system:test' }, async () => undefined);
    const after = await sql<{
      t: string | null;
    }>`SELECT current_setting('app.tenant_id', true) AS t`.execute(app);
    expect(after.rows[0]!.t ?? '').toBe('');
  });

  it('prepares a repeated parameterised query once per connection', async () => {
    const { tenantId } = await tenantWithSession();
    const probe = (tx: Database) =>
      sql`SELECT count(*) FROM claims WHERE charge_cents > ${-1}`.execute(tx);
    await inTenant(app, { tenantId, actor: 'system:test' }, probe);
    const statements = await inTenant(app, { tenantId, actor: 'system:test' }, async (tx) => {
      await probe(tx);
      return sql<{ name: string }>`SELECT name FROM pg_prepared_statements
        WHERE statement LIKE 'SELECT count(*) FROM claims WHERE charge_cents > $1%'`.execute(tx);
    });
    expect(statements.rows).toHaveLength(1);
    expect(statements.rows[0]!.name).toMatch(/^cf\d+_/);
  });

  it('fails a prepared query once when a migration changes its columns, then prepares afresh', async () => {
    const table = `probe_${randomUUID().slice(0, 8)}`;
    await sql.raw(`CREATE TABLE ${table} (a int); INSERT INTO ${table} VALUES (1)`).execute(owner);
    await sql.raw(`GRANT SELECT ON ${table} TO claimflow_app`).execute(owner);
    try {
      const select = () => sql`SELECT * FROM ${sql.table(table)} WHERE a = ${1}`.execute(app);
      expect((await select()).rows).toEqual([{ a: 1 }]);
      await sql.raw(`ALTER TABLE ${table} ADD COLUMN b int DEFAULT 2`).execute(owner);
      await expect(select()).rejects.toMatchObject({ code: '0A000' });
      expect((await select()).rows).toEqual([{ a: 1, b: 2 }]);
    } finally {
      await sql.raw(`DROP TABLE ${table}`).execute(owner);
    }
  });

  it("reads a session in one round trip, only with its own tenant's id", async () => {
    const a = await tenantWithSession();
    const b = await tenantWithSession();
    expect(await SessionRepository.forToken(app, a.tenantId, a.token)).toMatchObject({
      revoked_at: null,
      user_status: 'invited',
      roles: ['reviewer'],
    });
    expect(await SessionRepository.forToken(app, b.tenantId, a.token)).toBeUndefined();
    expect(await SessionRepository.forToken(app, b.tenantId, b.token)).toBeDefined();
  });

  describe('readInTenant: the settings and one statement in a single round trip', () => {
    it('runs the statement with every value of the scope, exactly, and leaves none behind', async () => {
      const { tenantId } = await tenantWithSession();
      const actor = `system:o'brien \\ "x"; --`;
      const seen = await readInTenant(
        app,
        { tenantId, actor, requestId: "r'1", role: 'reviewer' },
        settings,
      );
      expect(seen.rows[0]).toEqual({ tenant: tenantId, actor, request: "r'1", role: 'reviewer' });
      const after = await sql<{
        t: string | null;
      }>`SELECT current_setting('app.tenant_id', true) AS t`.execute(app);
      expect(after.rows[0]!.t ?? '').toBe('');
    });

    it("sees only its own tenant's rows", async () => {
      const a = await tenantWithSession();
      const b = await tenantWithSession();
      const count = (tenantId: string) =>
        readInTenant(app, { tenantId, actor: 'system:test' }, (db) =>
          db.selectFrom('sessions').select('token_hash').execute(),
        );
      expect((await count(a.tenantId)).map((r) => r.token_hash)).toEqual([a.token]);
      expect((await count(b.tenantId)).map((r) => r.token_hash)).toEqual([b.token]);
    });

    it('refuses a second statement, a transaction inside it, and running inside a transaction', async () => {
      const { tenantId } = await tenantWithSession();
      const ctx = { tenantId, actor: 'system:test' };
      await expect(
        readInTenant(app, ctx, async (db) => {
          await settings(db);
          return settings(db);
        }),
      ).rejects.toThrow('readInTenant runs exactly one statement');
      await expect(
        readInTenant(app, ctx, () => inTenant(app, ctx, async () => undefined)),
      ).rejects.toThrow('inTenant cannot run inside readInTenant');
      await expect(inTenant(app, ctx, (tx) => readInTenant(tx, ctx, settings))).rejects.toThrow(
        'readInTenant runs outside transactions',
      );
    });

    it('reports a failing statement and leaves the connection usable, with no setting behind', async () => {
      const { tenantId } = await tenantWithSession();
      await expect(
        readInTenant(app, { tenantId, actor: 'system:test' }, (db) =>
          sql`SELECT 1 / ${0}::int AS x`.execute(db),
        ),
      ).rejects.toMatchObject({ code: '22012' });
      const after = await readInTenant(app, { tenantId, actor: 'system:next' }, settings);
      expect(after.rows[0]).toMatchObject({ tenant: tenantId, actor: 'system:next' });
      const bare = await sql<{
        t: string | null;
      }>`SELECT current_setting('app.actor', true) AS t`.execute(app);
      expect(bare.rows[0]!.t ?? '').toBe('');
    });

    it('plans the review queue once: open-task filter and page size are literals, so a generic plan serves it', async () => {
      const { tenantId } = await tenantWithSession();
      const ctx = { tenantId, actor: 'system:test' };
      // PostgreSQL tries custom plans for the first five executions, then keeps the generic one.
      for (let i = 0; i < 7; i++)
        await readInTenant(app, ctx, (db) => new ReviewQueueRepository(db).team(50));
      const plans = await sql<{ generic: string; custom: string }>`
        SELECT generic_plans AS generic, custom_plans AS custom FROM pg_prepared_statements
        WHERE statement LIKE 'select "t"."id", "t"."claim_id"%' AND statement NOT LIKE '%assigned_to" = $%'`.execute(
        app,
      );
      expect(plans.rows).toHaveLength(1);
      expect(Number(plans.rows[0]!.generic)).toBeGreaterThanOrEqual(2);
      // This table is small; at a million claims a `LIMIT $1` alone kept it on custom plans.
      const text = await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements
        WHERE statement LIKE 'select "t"."id", "t"."claim_id"%'`.execute(app);
      expect(text.rows.map((r) => r.statement)).toEqual([expect.stringMatching(/limit 50$/)]);
    });
  });
});
