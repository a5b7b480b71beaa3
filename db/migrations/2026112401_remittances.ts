import { type Kysely, sql } from 'kysely';
import { tenantTable } from './rls';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE tenants (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await tenantTable(db, 'tenants', 'SELECT', 'id');

  await sql`
    CREATE TABLE tenant_keys (
      tenant_id uuid NOT NULL REFERENCES tenants(id),
      key_id text NOT NULL,
      wrapped_key bytea NOT NULL,
      master_key_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('active', 'retired')),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, key_id)
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX tenant_keys_one_active ON tenant_keys (tenant_id) WHERE status = 'active'`.execute(
    db,
  );
  await tenantTable(db, 'tenant_keys', 'SELECT, INSERT');

  await sql`
    CREATE TABLE remittance_files (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id),
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      size_bytes integer NOT NULL CHECK (size_bytes > 0),
      original_name_enc bytea,
      status text NOT NULL CHECK (status IN ('received', 'processing', 'processed', 'quarantined')),
      quarantine_reason text,
      claim_count integer CHECK (claim_count >= 0),
      workflow_id text,
      received_at timestamptz NOT NULL DEFAULT now(),
      processed_at timestamptz,
      UNIQUE (tenant_id, sha256),
      UNIQUE (tenant_id, id),
      CHECK ((status = 'quarantined') = (quarantine_reason IS NOT NULL))
    )`.execute(db);
  await tenantTable(db, 'remittance_files', 'SELECT, INSERT, UPDATE');

  await sql`
    CREATE TABLE remittance_file_contents (
      file_id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      content_enc bytea NOT NULL,
      FOREIGN KEY (tenant_id, file_id) REFERENCES remittance_files (tenant_id, id)
    )`.execute(db);
  await tenantTable(db, 'remittance_file_contents', 'SELECT, INSERT');

  await sql`
    CREATE TABLE claims (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL,
      remittance_file_id uuid NOT NULL,
      transaction_control_number text NOT NULL,
      payer_key text NOT NULL,
      payer_claim_control_number text NOT NULL,
      patient_control_number_enc bytea NOT NULL,
      patient_control_number_bidx text NOT NULL,
      status_code text NOT NULL,
      outcome text NOT NULL,
      charge_cents bigint NOT NULL,
      paid_cents bigint NOT NULL,
      patient_responsibility_cents bigint NOT NULL DEFAULT 0,
      workflow_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (tenant_id, remittance_file_id) REFERENCES remittance_files (tenant_id, id),
      UNIQUE (tenant_id, remittance_file_id, transaction_control_number, payer_key, payer_claim_control_number, status_code)
    )`.execute(db);
  await sql`CREATE INDEX claims_pcn_bidx ON claims (tenant_id, patient_control_number_bidx)`.execute(
    db,
  );
  await tenantTable(db, 'claims', 'SELECT, INSERT, UPDATE');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'claims',
    'remittance_file_contents',
    'remittance_files',
    'tenant_keys',
    'tenants',
  ]) {
    await sql.raw(`DROP TABLE IF EXISTS ${t}`).execute(db);
  }
}
