import { sql } from 'kysely';
import { APP_ROLE, createDatabase, type Database } from '../db/database';
import { TenantRepository } from '../db/repositories/tenant.repository';
import { inTenant } from '../db/unit-of-work';
import { applicationDatabaseUrl } from '../ops/runtime';
import { testConfig } from './harness';

describe('tenant isolation in the database', () => {
  const config = testConfig();
  let owner: Database;
  let app: Database;
  beforeAll(() => {
    owner = createDatabase(config.database.url!, { max: 2 });
    app = createDatabase(applicationDatabaseUrl(config), { max: 2 });
  });
  afterAll(async () => {
    await app.destroy();
    await owner.destroy();
  });

  it('has RLS enabled and forced on every table with a tenant column', async () => {
    const rows = await sql<{ table: string; enabled: boolean; forced: boolean }>`
      SELECT c.relname AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r'
        AND (c.relname = 'tenants' OR EXISTS (
          SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped))
    `.execute(owner);
    expect(rows.rows.length).toBeGreaterThanOrEqual(20);
    expect(rows.rows.filter((r) => !r.enabled || !r.forced).map((r) => r.table)).toEqual([]);
  });

  it("has on every such table a policy on the unit of work's tenant, for reads and writes", async () => {
    const rows = await sql<{ table: string }>`
      SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r'
        AND (c.relname = 'tenants' OR EXISTS (
          SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped))
        AND NOT EXISTS (
          SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polcmd = '*' AND p.polpermissive
            AND pg_get_expr(p.polqual, p.polrelid) LIKE '%app_tenant_id()%'
            AND pg_get_expr(p.polwithcheck, p.polrelid) LIKE '%app_tenant_id()%')
    `.execute(owner);
    expect(rows.rows.map((r) => r.table)).toEqual([]);
  });

  it('has no SECURITY DEFINER function that runs as a role RLS does not bind', async () => {
    const rows = await sql<{ fn: string }>`
      SELECT p.proname AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      JOIN pg_roles r ON r.oid = p.proowner
      WHERE n.nspname = 'public' AND p.prosecdef AND (r.rolsuper OR r.rolbypassrls)`.execute(owner);
    expect(rows.rows).toEqual([]);
  });

  it('connects the application as a role that owns nothing and cannot bypass RLS', async () => {
    const role = await sql<{ rolsuper: boolean; rolbypassrls: boolean; owned: string }>`
      SELECT r.rolsuper, r.rolbypassrls,
        (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid)::text AS owned
      FROM pg_roles r WHERE r.rolname = ${APP_ROLE}`.execute(owner);
    expect(role.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, owned: '0' });
    const who = await sql<{ u: string }>`SELECT current_user AS u`.execute(app);
    expect(who.rows[0]!.u).toBe(APP_ROLE);
  });

  it("returns only the scoped tenant's rows, and none when no tenant is set", async () => {
    const a = await TenantRepository.create(owner, `a-${Date.now()}`, 'A');
    const b = await TenantRepository.create(owner, `b-${Date.now()}`, 'B');
    const seen = await inTenant(app, { tenantId: a.id, actor: 'test' }, (tx) =>
      tx.selectFrom('tenants').select('id').execute(),
    );
    expect(seen.map((t) => t.id)).toEqual([a.id]);
    const unscoped = await app.selectFrom('tenants').select('id').execute();
    expect(unscoped).toEqual([]);
    expect(seen.map((t) => t.id)).not.toContain(b.id);
  });

  it("refuses to write a row into another tenant's scope", async () => {
    const a = await TenantRepository.create(owner, `c-${Date.now()}`, 'C');
    const b = await TenantRepository.create(owner, `d-${Date.now()}`, 'D');
    await expect(
      inTenant(app, { tenantId: a.id, actor: 'test' }, (tx) =>
        tx
          .insertInto('remittance_files')
          .values({ tenant_id: b.id, sha256: 'a'.repeat(64), size_bytes: 1, status: 'received' })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('does not let the application role update or delete tenants', async () => {
    const a = await TenantRepository.create(owner, `e-${Date.now()}`, 'E');
    await expect(
      inTenant(app, { tenantId: a.id, actor: 'test' }, (tx) =>
        tx.deleteFrom('tenants').where('id', '=', a.id).execute(),
      ),
    ).rejects.toThrow(/permission denied/);
  });
});
