import { type Kysely, sql } from 'kysely';
import { APP_ROLE } from '../database';

/**
 * The same four statements for every tenant-owned table: RLS enabled AND forced
 * (so the owner is bound too), one policy on the unit of work's tenant, and the
 * app role's grants. A test reads the catalog so a table that skips this fails.
 */
export async function tenantTable(
  db: Kysely<unknown>,
  table: string,
  grants = 'SELECT, INSERT, UPDATE, DELETE',
  tenantColumn = 'tenant_id',
): Promise<void> {
  await sql.raw(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`).execute(db);
  await sql.raw(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`).execute(db);
  await sql
    .raw(
      `CREATE POLICY tenant_isolation ON ${table} USING (${tenantColumn} = app_tenant_id()) WITH CHECK (${tenantColumn} = app_tenant_id())`,
    )
    .execute(db);
  await sql.raw(`GRANT ${grants} ON ${table} TO ${APP_ROLE}`).execute(db);
}
