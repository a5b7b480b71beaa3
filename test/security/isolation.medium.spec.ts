import { sql } from 'kysely';
import { spawnSync } from 'node:child_process';
import type { Database } from '../../db/database';
import type { Tenant } from '../../db/schema';
import { inTenant } from '../../db/unit-of-work';
import { applicationDatabaseUrl } from '../../ops/runtime';
import { testConfig } from '../harness';
import { appDatabase, ingestFixture, securityWorld, type SecurityWorld } from './factory';

/** Every table with a tenant column, from the catalog, so a new table is covered by itself. */
async function tenantTables(db: Database): Promise<string[]> {
  const { rows } = await sql<{ t: string }>`
    SELECT c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND EXISTS (
      SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
    ORDER BY 1`.execute(db);
  return rows.map((r) => r.t);
}

describe("a tenant's context shows none of another tenant's rows", () => {
  let world: SecurityWorld;
  let app: Database;
  let a: Tenant;
  let b: Tenant;
  let tables: string[];
  let bClaim: string;
  const scopeA = () => ({ tenantId: a.id, actor: 'user-a', role: 'admin' });

  beforeAll(async () => {
    world = securityWorld();
    app = appDatabase();
    a = await world.newTenant('iso-a');
    b = await world.newTenant('iso-b');
    await ingestFixture(world.runtime, a.id);
    bClaim = (await ingestFixture(world.runtime, b.id)).claimIds[0]!;
    tables = await tenantTables(world.admin);
  });
  afterAll(async () => {
    await app.destroy();
    await world.close();
  });

  it("finds B's rows in the tables as the superuser, so the checks below are not vacuous", async () => {
    for (const t of [
      'claims',
      'remittance_files',
      'service_lines',
      'claim_adjustments',
      'audit_events',
    ]) {
      const { rows } = await sql<{
        n: string;
      }>`SELECT count(*)::text AS n FROM ${sql.table(t)} WHERE tenant_id = ${b.id}`.execute(
        world.admin,
      );
      expect([t, Number(rows[0]!.n)]).not.toEqual([t, 0]);
    }
  });

  it('returns only A\u2019s rows from every tenant table, even with no WHERE clause', async () => {
    const leaks = await inTenant(app, scopeA(), async (tx) => {
      const found: string[] = [];
      for (const t of tables) {
        const { rows } = await sql<{
          n: string;
        }>`SELECT count(*)::text AS n FROM ${sql.table(t)} WHERE tenant_id <> ${a.id}`.execute(tx);
        if (rows[0]!.n !== '0') found.push(t);
      }
      return found;
    });
    expect(leaks).toEqual([]);
  });

  it("returns nothing for raw SQL that names B's tenant or B's claim", async () => {
    const rows = await inTenant(app, scopeA(), (tx) =>
      sql`SELECT id FROM claims WHERE tenant_id = ${b.id} OR id = ${bClaim}`.execute(tx),
    );
    expect(rows.rows).toEqual([]);
  });

  it('returns none of B\u2019s rows through joins', async () => {
    const rows = await inTenant(app, scopeA(), (tx) =>
      sql<{ tenant_id: string }>`
        SELECT c.tenant_id FROM claims c
        JOIN remittance_files f ON f.id = c.remittance_file_id
        JOIN service_lines s ON s.claim_id = c.id
        LEFT JOIN claim_adjustments j ON j.claim_id = c.id
        CROSS JOIN tenants t`.execute(tx),
    );
    expect(rows.rows.length).toBeGreaterThan(0);
    expect(rows.rows.filter((r) => r.tenant_id !== a.id)).toEqual([]);
  });

  it("returns none of B's rows through a view or a SECURITY DEFINER function the owner made", async () => {
    // Objects a developer might add in a migration: the owner is bound by FORCEd RLS too.
    await world.admin.transaction().execute(async (tx) => {
      await sql`SET LOCAL ROLE claimflow_owner`.execute(tx);
      await sql`CREATE OR REPLACE VIEW test_all_claims AS SELECT id, tenant_id FROM claims`.execute(
        tx,
      );
      await sql`CREATE OR REPLACE FUNCTION test_claim_tenants() RETURNS SETOF uuid LANGUAGE sql SECURITY DEFINER
                AS $$ SELECT tenant_id FROM claims $$`.execute(tx);
      await sql`GRANT SELECT ON test_all_claims TO claimflow_app`.execute(tx);
    });
    const viaView = await inTenant(app, scopeA(), (tx) =>
      sql<{ tenant_id: string }>`SELECT tenant_id FROM test_all_claims`.execute(tx),
    );
    const viaFunction = await inTenant(app, scopeA(), (tx) =>
      sql<{ t: string }>`SELECT t FROM test_claim_tenants() t`.execute(tx),
    );
    expect(viaView.rows.length).toBeGreaterThan(0);
    expect(viaView.rows.filter((r) => r.tenant_id !== a.id)).toEqual([]);
    expect(viaFunction.rows.filter((r) => r.t !== a.id)).toEqual([]);
  });

  it("returns none of B's rows through COPY TO", () => {
    const url = new URL(applicationDatabaseUrl(testConfig()));
    const r = spawnSync(
      'psql',
      [
        '-X',
        '-v',
        'ON_ERROR_STOP=1',
        '-h',
        url.hostname,
        '-p',
        url.port,
        '-U',
        decodeURIComponent(url.username),
        '-d',
        url.pathname.slice(1),
        '-qAt',
      ],
      {
        env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) },
        encoding: 'utf8',
        input: `BEGIN;\nSELECT set_config('app.tenant_id', '${a.id}', true) \\g /dev/null\nCOPY claims (tenant_id) TO STDOUT;\nCOMMIT;\n`,
      },
    );
    expect(r.error).toBeUndefined();
    expect(r.stderr).toBe('');
    const tenants = new Set(r.stdout.split('\n').filter((l) => /^[0-9a-f-]{36}$/.test(l)));
    expect([...tenants]).toEqual([a.id]);
  });

  it('refuses COPY FROM into a tenant table', async () => {
    await expect(
      inTenant(app, scopeA(), (tx) => sql`COPY claims (tenant_id) FROM STDIN`.execute(tx)),
    ).rejects.toThrow(/row-level security/);
  });

  it("cannot change or delete B's rows from A's context", async () => {
    const changed = await inTenant(app, scopeA(), (tx) =>
      tx.updateTable('claims').set({ outcome: 'paid' }).where('id', '=', bClaim).executeTakeFirst(),
    );
    expect(Number(changed.numUpdatedRows)).toBe(0);
    await expect(
      inTenant(app, scopeA(), (tx) => tx.deleteFrom('claims').where('id', '=', bClaim).execute()),
    ).rejects.toThrow(/permission denied/);
  });

  it('returns nothing from any tenant table when no tenant is set', async () => {
    const seen: string[] = [];
    for (const t of tables) {
      const { rows } = await sql<{
        n: string;
      }>`SELECT count(*)::text AS n FROM ${sql.table(t)}`.execute(app);
      if (rows[0]!.n !== '0') seen.push(t);
    }
    expect(seen).toEqual([]);
  });

  it('returns nothing when the tenant setting is empty, and fails when it is not a uuid', async () => {
    const empty = await app.transaction().execute(async (tx) => {
      await sql`SELECT set_config('app.tenant_id', '', true)`.execute(tx);
      return sql`SELECT id FROM claims`.execute(tx);
    });
    expect(empty.rows).toEqual([]);
    await expect(
      app.transaction().execute(async (tx) => {
        await sql`SELECT set_config('app.tenant_id', '*', true)`.execute(tx);
        return sql`SELECT id FROM claims`.execute(tx);
      }),
    ).rejects.toThrow(/uuid/);
  });

  it('does not carry a tenant over to the next unit of work on the same pooled connection', async () => {
    const single = appDatabase();
    try {
      await inTenant(single, scopeA(), (tx) => tx.selectFrom('claims').select('id').execute());
      const after = await single.selectFrom('claims').select('id').execute();
      expect(after).toEqual([]);
    } finally {
      await single.destroy();
    }
  });
});
