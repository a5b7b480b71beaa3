import { type Kysely, sql } from 'kysely';
import { APP_ROLE } from '../database';
import { tenantTable } from './rls';

/**
 * What the API's authentication needs: a tenant directory the app role can
 * read before it knows the tenant (login by slug), server-side sessions stored
 * by hash, hashed MFA recovery codes, TOTP replay protection, invitations and
 * scoped API keys.
 *
 * Why a directory table and not a SECURITY DEFINER function or a view: RLS on
 * `tenants` is FORCED, so a view owned by the owner sees nothing, and a definer
 * function would be a second way around RLS to review forever. The directory
 * holds only id and slug (no PHI, nothing secret), is kept in step by a
 * trigger, and the app role may only SELECT it. It has no `tenant_id` column on
 * purpose: it is global like `roles`, not tenant-owned data.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE tenant_directory (
      id uuid PRIMARY KEY REFERENCES tenants(id),
      slug text NOT NULL UNIQUE
    )`.execute(db);
  await sql.raw(`GRANT SELECT ON tenant_directory TO ${APP_ROLE}`).execute(db);
  await sql`
    CREATE FUNCTION tenant_directory_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO tenant_directory (id, slug) VALUES (NEW.id, NEW.slug)
        ON CONFLICT (id) DO UPDATE SET slug = EXCLUDED.slug;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER tenants_directory AFTER INSERT OR UPDATE OF slug ON tenants FOR EACH ROW EXECUTE FUNCTION tenant_directory_sync()`.execute(
    db,
  );
  // Backfill: the owner is bound by FORCE RLS, so lift it for this one statement, inside the migration's transaction.
  await sql`ALTER TABLE tenants NO FORCE ROW LEVEL SECURITY`.execute(db);
  await sql`INSERT INTO tenant_directory (id, slug) SELECT id, slug FROM tenants ON CONFLICT DO NOTHING`.execute(
    db,
  );
  await sql`ALTER TABLE tenants FORCE ROW LEVEL SECURITY`.execute(db);

  await sql`
    ALTER TABLE users
      ADD COLUMN mfa_last_counter bigint,
      ADD COLUMN invite_hash text CHECK (invite_hash ~ '^[0-9a-f]{64}$'),
      ADD COLUMN invite_expires_at timestamptz,
      ADD COLUMN password_changed_at timestamptz`.execute(db);

  await sql`
    CREATE TABLE sessions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id),
      user_id uuid NOT NULL,
      token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
      mfa_verified_at timestamptz,
      created_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
      revoked_at timestamptz,
      revoked_reason text CHECK (revoked_reason IN ('logout', 'idle', 'expired', 'revoked', 'credentials', 'disabled')),
      FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
      CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
    )`.execute(db);
  await sql`CREATE INDEX sessions_live_by_user ON sessions (tenant_id, user_id) WHERE revoked_at IS NULL`.execute(
    db,
  );
  await tenantTable(db, 'sessions', 'SELECT, INSERT, UPDATE');

  await sql`
    CREATE TABLE mfa_recovery_codes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL,
      user_id uuid NOT NULL,
      code_hash text NOT NULL CHECK (code_hash ~ '^[0-9a-f]{64}$'),
      created_at timestamptz NOT NULL DEFAULT now(),
      used_at timestamptz,
      FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
      UNIQUE (tenant_id, user_id, code_hash)
    )`.execute(db);
  await tenantTable(db, 'mfa_recovery_codes', 'SELECT, INSERT, UPDATE, DELETE');

  await sql`ALTER TABLE api_keys ADD COLUMN scopes text[] NOT NULL DEFAULT '{}'`.execute(db);
  // The review queues read open tasks in (due_at, id) order and stop at a page.
  await sql`CREATE INDEX review_tasks_open_due ON review_tasks (tenant_id, due_at, id) WHERE status = 'open'`.execute(
    db,
  );
  // Claim search pages by id within a lifecycle state (the common filter).
  await sql`CREATE INDEX claims_search_state ON claims (tenant_id, lifecycle_state, id)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS claims_search_state`.execute(db);
  await sql`DROP INDEX IF EXISTS review_tasks_open_due`.execute(db);
  await sql`ALTER TABLE api_keys DROP COLUMN scopes`.execute(db);
  await sql`DROP TABLE IF EXISTS mfa_recovery_codes`.execute(db);
  await sql`DROP TABLE IF EXISTS sessions`.execute(db);
  await sql`
    ALTER TABLE users DROP COLUMN password_changed_at, DROP COLUMN invite_expires_at,
      DROP COLUMN invite_hash, DROP COLUMN mfa_last_counter`.execute(db);
  await sql`DROP TRIGGER IF EXISTS tenants_directory ON tenants`.execute(db);
  await sql`DROP FUNCTION IF EXISTS tenant_directory_sync()`.execute(db);
  await sql`DROP TABLE IF EXISTS tenant_directory`.execute(db);
}
