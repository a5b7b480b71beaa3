import { type Kysely, sql } from 'kysely';
import { APP_ROLE } from '../database';
import { tenantTable } from './rls';

/**
 * People and machines that act: one row per person (no shared accounts), the
 * roles of ARCHITECTURE.md, their assignments, and hashed API keys. Secrets are
 * stored only as opaque hashes (password, API key) or encrypted (MFA seed).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Global and read-only for the app: the role names are part of the code's contract.
  await sql`
    CREATE TABLE roles (
      name text PRIMARY KEY CHECK (name ~ '^[a-z][a-z_]{1,39}$'),
      description text NOT NULL,
      sees_phi boolean NOT NULL
    )`.execute(db);
  await sql`
    INSERT INTO roles (name, description, sees_phi) VALUES
      ('admin', 'manages users, keys and settings of a tenant', true),
      ('appeal_specialist', 'works denials and drafts appeals', true),
      ('reviewer', 'approves, edits or rejects appeal drafts', true),
      ('ops', 'operates workflows without seeing PHI', false),
      ('auditor', 'reads the audit trail', false)`.execute(db);
  await sql.raw(`GRANT SELECT ON roles TO ${APP_ROLE}`).execute(db);

  await sql`
    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id),
      email text NOT NULL CHECK (
        length(email) <= 254 AND email = lower(btrim(email)) AND email ~ '^[^@[:space:]]+@[^@[:space:]]+[.][^@[:space:]]+$'),
      display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
      password_hash text CHECK (password_hash IS NULL OR length(password_hash) BETWEEN 20 AND 1024),
      mfa_secret_enc bytea,
      mfa_enrolled_at timestamptz,
      status text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'active', 'locked', 'disabled')),
      failed_logins integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
      locked_until timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, email),
      UNIQUE (tenant_id, id),
      CHECK (mfa_enrolled_at IS NULL OR mfa_secret_enc IS NOT NULL),
      CHECK (status <> 'active' OR password_hash IS NOT NULL)
    )`.execute(db);
  await tenantTable(db, 'users', 'SELECT, INSERT, UPDATE');

  await sql`
    CREATE TABLE role_assignments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL,
      user_id uuid NOT NULL,
      role text NOT NULL REFERENCES roles(name),
      granted_by text NOT NULL,
      granted_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
      CHECK (revoked_at IS NULL OR revoked_at >= granted_at)
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX role_assignments_one_live ON role_assignments (tenant_id, user_id, role) WHERE revoked_at IS NULL`.execute(
    db,
  );
  await tenantTable(db, 'role_assignments', 'SELECT, INSERT, UPDATE');

  await sql`
    CREATE TABLE api_keys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      prefix text NOT NULL UNIQUE CHECK (prefix ~ '^[A-Za-z0-9_-]{8,32}$'),
      secret_hash text NOT NULL CHECK (length(secret_hash) BETWEEN 20 AND 1024),
      role text NOT NULL REFERENCES roles(name),
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz,
      revoked_at timestamptz,
      last_used_at timestamptz,
      UNIQUE (tenant_id, name),
      CHECK (expires_at IS NULL OR expires_at > created_at)
    )`.execute(db);
  await tenantTable(db, 'api_keys', 'SELECT, INSERT, UPDATE');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['api_keys', 'role_assignments', 'users', 'roles'])
    await sql.raw(`DROP TABLE IF EXISTS ${t}`).execute(db);
}
