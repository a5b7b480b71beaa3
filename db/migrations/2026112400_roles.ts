import { type Kysely, sql } from 'kysely';
import { APP_ROLE, OWNER_ROLE } from '../database';

/**
 * Roles are cluster-wide, so they are created before the migrator runs (by the
 * admin connection, idempotently and safe against a concurrent run); this first
 * migration then gives the app role what it needs and nothing more.
 */
export function bootstrapRolesSql(appPassword: string): string {
  const literal = `'${appPassword.replace(/'/g, "''")}'`;
  return `
DO $$
BEGIN
  BEGIN
    CREATE ROLE ${OWNER_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  BEGIN
    CREATE ROLE ${APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT PASSWORD ${literal};
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
END
$$;
GRANT ${OWNER_ROLE} TO CURRENT_USER;
GRANT USAGE, CREATE ON SCHEMA public TO ${OWNER_ROLE};
`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`).execute(db);
  await sql.raw(`GRANT USAGE ON SCHEMA public TO ${APP_ROLE}`).execute(db);
  // The tenant of the current unit of work; NULL (so every policy is false) when unset.
  await sql`
    CREATE FUNCTION app_tenant_id() RETURNS uuid LANGUAGE sql STABLE AS
    $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$
  `.execute(db);
  await sql.raw(`GRANT EXECUTE ON FUNCTION app_tenant_id() TO ${APP_ROLE}`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS app_tenant_id()`.execute(db);
  await sql.raw(`REVOKE USAGE ON SCHEMA public FROM ${APP_ROLE}`).execute(db);
}
