import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createDatabase, type Database } from '../db/database';
import { SessionRepository } from '../db/repositories/session.repository';
import { TenantRepository } from '../db/repositories/tenant.repository';
import { UserRepository } from '../db/repositories/user.repository';
import { inTenant } from '../db/unit-of-work';
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

  it('sets every value of the unit of work exactly, however it is quoted', async () => {
    const { tenantId } = await tenantWithSession();
    const actor = `system:o'brien \\ "x"; DROP TABLE claims; --`;
    const requestId = "r'\\\\n'--";
    const seen = await inTenant(app, { tenantId, actor, requestId, role: 'reviewer' }, (tx) =>
      sql<Record<string, string>>`SELECT current_setting('app.tenant_id') AS tenant,
        current_setting('app.actor') AS actor, current_setting('app.request_id') AS request,
        current_setting('app.actor_role') AS role`.execute(tx),
    );
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

  it("reads a session in one statement, only with its own tenant's id, and keeps the caller's tenant", async () => {
    const a = await tenantWithSession();
    const b = await tenantWithSession();
    expect(await SessionRepository.forToken(app, a.tenantId, a.token)).toMatchObject({
      revoked_at: null,
      user_status: 'invited',
      roles: ['reviewer'],
    });
    expect(await SessionRepository.forToken(app, b.tenantId, a.token)).toBeUndefined();
    const still = await inTenant(
      app,
      { tenantId: a.tenantId, actor: 'system:test' },
      async (tx) => {
        expect(await SessionRepository.forToken(tx, b.tenantId, b.token)).toBeDefined();
        return (await sql<{ t: string }>`SELECT current_setting('app.tenant_id') AS t`.execute(tx))
          .rows[0]!.t;
      },
    );
    expect(still).toBe(a.tenantId);
  });
});
