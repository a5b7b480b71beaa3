import { type Kysely, sql } from 'kysely';
import { tenantTable } from './rls';

/**
 * Everything a denied claim gathers on its way: payers, the 835's adjustments,
 * remarks and service lines, analyses, review tasks, appeals with their
 * submissions and outcomes, and security incidents. Child rows reference their
 * parent together with tenant_id, so a row can never point into another tenant.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE payers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id),
      payer_key text NOT NULL CHECK (length(payer_key) BETWEEN 1 AND 80),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      appeal_window_days integer CHECK (appeal_window_days BETWEEN 1 AND 3650),
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, payer_key),
      UNIQUE (tenant_id, id)
    )`.execute(db);
  await tenantTable(db, 'payers', 'SELECT, INSERT, UPDATE');

  // New PHI columns are nullable so the existing ingest path keeps working unchanged.
  await sql`
    ALTER TABLE claims
      ADD COLUMN payer_id uuid,
      ADD COLUMN patient_name_enc bytea,
      ADD COLUMN member_id_enc bytea,
      ADD COLUMN member_id_bidx text,
      ADD CONSTRAINT claims_tenant_id_key UNIQUE (tenant_id, id),
      ADD CONSTRAINT claims_payer_fk FOREIGN KEY (tenant_id, payer_id) REFERENCES payers (tenant_id, id),
      ADD CONSTRAINT claims_member_id_indexed CHECK ((member_id_enc IS NULL) = (member_id_bidx IS NULL)),
      ADD CONSTRAINT claims_bidx_hex CHECK (patient_control_number_bidx ~ '^[0-9a-f]{64}$' AND (member_id_bidx IS NULL OR member_id_bidx ~ '^[0-9a-f]{64}$'))
  `.execute(db);
  await sql`CREATE INDEX claims_member_bidx ON claims (tenant_id, member_id_bidx) WHERE member_id_bidx IS NOT NULL`.execute(
    db,
  );

  await sql`
    CREATE TABLE service_lines (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL,
      claim_id uuid NOT NULL,
      line_number integer NOT NULL CHECK (line_number > 0),
      procedure_qualifier text NOT NULL CHECK (procedure_qualifier ~ '^[A-Z0-9]{1,3}$'),
      procedure_code text NOT NULL CHECK (procedure_code ~ '^[A-Z0-9]{1,48}$'),
      modifiers text[] NOT NULL DEFAULT '{}' CHECK (cardinality(modifiers) <= 4),
      charge_cents bigint NOT NULL,
      paid_cents bigint NOT NULL,
      units numeric(12, 3),
      FOREIGN KEY (tenant_id, claim_id) REFERENCES claims (tenant_id, id),
      UNIQUE (tenant_id, claim_id, line_number),
      UNIQUE (tenant_id, id)
    )`.execute(db);
  await tenantTable(db, 'service_lines', 'SELECT, INSERT');

  await sql`
    CREATE TABLE claim_adjustments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL,
      claim_id uuid NOT NULL,
      service_line_id uuid,
      position integer NOT NULL CHECK (position >= 0),
      group_code text NOT NULL CHECK (group_code IN ('CO', 'CR', 'OA', 'PI', 'PR')),
      reason_code text NOT NULL CHECK (reason_code ~ '^[A-Z0-9]{1,5}$'),
      amount_cents bigint NOT NULL,
      quantity numeric(12, 3),
      FOREIGN KEY (tenant_id, claim_id) REFERENCES claims (tenant_id, id),
      FOREIGN KEY (tenant_id, service_line_id) REFERENCES service_lines (tenant_id, id),
      UNIQUE (tenant_id, claim_id, position)
    )`.execute(db);
  await tenantTable(db, 'claim_adjustments', 'SELECT, INSERT');

  await sql`
    CREATE TABLE claim_remarks (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL,
      claim_id uuid NOT NULL,
      service_line_id uuid,
      position integer NOT NULL CHECK (position >= 0),
      qualifier text NOT NULL CHECK (qualifier IN ('HE', 'RX', 'MIA', 'MOA')),
      code text NOT NULL CHECK (code ~ '^[A-Z0-9]{1,8}$'),
      FOREIGN KEY (tenant_id, claim_id) REFERENCES claims (tenant_id, id),
      FOREIGN KEY (tenant_id, service_line_id) REFERENCES service_lines (tenant_id, id),
      UNIQUE (tenant_id, claim_id, position)
    )`.execute(db);
  await tenantTable(db, 'claim_remarks', 'SELECT, INSERT');

  await sql`
    CREATE TABLE denial_analyses (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL,
      claim_id uuid NOT NULL,
      analyzer text NOT NULL CHECK (analyzer IN ('rules', 'ai')),
      model text,
      category text NOT NULL CHECK (category ~ '^[a-z][a-z0-9_]{1,63}$'),
      appealable boolean NOT NULL,
      confidence numeric(4, 3) NOT NULL CHECK (confidence BETWEEN 0 AND 1),
      rationale_enc bytea,
      payload_sha256 text CHECK (payload_sha256 ~ '^[0-9a-f]{64}$'),
      workflow_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (tenant_id, claim_id) REFERENCES claims (tenant_id, id),
      CHECK ((analyzer = 'ai') = (model IS NOT NULL AND payload_sha256 IS NOT NULL))
    )`.execute(db);
  await tenantTable(db, 'denial_analyses', 'SELECT, INSERT');

  await sql`
    CREATE TABLE appeals (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL,
      claim_id uuid NOT NULL,
      level integer NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 5),
      status text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'in_review', 'approved', 'rejected', 'submitted', 'closed', 'withdrawn')),
      letter_enc bytea,
      deadline date,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (tenant_id, claim_id) REFERENCES claims (tenant_id, id),
      UNIQUE (tenant_id, claim_id, level),
      UNIQUE (tenant_id, id),
      CHECK (status IN ('draft', 'withdrawn') OR letter_enc IS NOT NULL)
    )`.execute(db);
  await tenantTable(db, 'appeals', 'SELECT, INSERT, UPDATE');

  await sql`
    CREATE TABLE review_tasks (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL,
      claim_id uuid NOT NULL,
      appeal_id uuid,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'edited', 'rejected', 'expired')),
      assigned_to uuid,
      decided_by uuid,
      decided_at timestamptz,
      due_at timestamptz NOT NULL,
      workflow_id text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (tenant_id, claim_id) REFERENCES claims (tenant_id, id),
      FOREIGN KEY (tenant_id, appeal_id) REFERENCES appeals (tenant_id, id),
      FOREIGN KEY (tenant_id, assigned_to) REFERENCES users (tenant_id, id),
      FOREIGN KEY (tenant_id, decided_by) REFERENCES users (tenant_id, id),
      CHECK ((status IN ('approved', 'edited', 'rejected')) = (decided_by IS NOT NULL)),
      CHECK ((status = 'open') = (decided_at IS NULL))
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX review_tasks_one_open ON review_tasks (tenant_id, claim_id) WHERE status = 'open'`.execute(
    db,
  );
  await tenantTable(db, 'review_tasks', 'SELECT, INSERT, UPDATE');

  await sql`
    CREATE TABLE appeal_submissions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL,
      appeal_id uuid NOT NULL,
      channel text NOT NULL CHECK (channel IN ('portal', 'edi', 'fax', 'mail', 'api')),
      idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 8 AND 200),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'acknowledged', 'failed', 'compensated')),
      payer_reference text,
      failure_code text,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      FOREIGN KEY (tenant_id, appeal_id) REFERENCES appeals (tenant_id, id),
      UNIQUE (tenant_id, idempotency_key),
      CHECK ((status = 'failed') = (failure_code IS NOT NULL)),
      CHECK (status IN ('pending', 'failed') OR sent_at IS NOT NULL)
    )`.execute(db);
  await tenantTable(db, 'appeal_submissions', 'SELECT, INSERT, UPDATE');

  await sql`
    CREATE TABLE appeal_outcomes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL,
      appeal_id uuid NOT NULL,
      result text NOT NULL
        CHECK (result IN ('overturned', 'partially_overturned', 'upheld', 'written_off', 'patient_responsibility')),
      recovered_cents bigint NOT NULL DEFAULT 0 CHECK (recovered_cents >= 0),
      source_remittance_file_id uuid,
      decided_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (tenant_id, appeal_id) REFERENCES appeals (tenant_id, id),
      FOREIGN KEY (tenant_id, source_remittance_file_id) REFERENCES remittance_files (tenant_id, id),
      UNIQUE (tenant_id, appeal_id),
      CHECK (result IN ('overturned', 'partially_overturned') OR recovered_cents = 0)
    )`.execute(db);
  await tenantTable(db, 'appeal_outcomes', 'SELECT, INSERT');

  await sql`
    CREATE TABLE incidents (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id),
      kind text NOT NULL CHECK (kind IN ('security', 'privacy', 'availability', 'integrity', 'break_glass')),
      severity text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'investigating', 'resolved')),
      summary text NOT NULL CHECK (length(summary) BETWEEN 1 AND 500),
      reported_by text NOT NULL,
      detected_at timestamptz NOT NULL DEFAULT now(),
      resolved_at timestamptz,
      CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
    )`.execute(db);
  await tenantTable(db, 'incidents', 'SELECT, INSERT, UPDATE');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'incidents',
    'appeal_outcomes',
    'appeal_submissions',
    'review_tasks',
    'appeals',
    'denial_analyses',
    'claim_remarks',
    'claim_adjustments',
    'service_lines',
  ])
    await sql.raw(`DROP TABLE IF EXISTS ${t}`).execute(db);
  await sql`
    ALTER TABLE claims
      DROP CONSTRAINT claims_bidx_hex, DROP CONSTRAINT claims_member_id_indexed,
      DROP CONSTRAINT claims_payer_fk, DROP CONSTRAINT claims_tenant_id_key,
      DROP COLUMN member_id_bidx, DROP COLUMN member_id_enc, DROP COLUMN patient_name_enc,
      DROP COLUMN payer_id`.execute(db);
  await sql`DROP TABLE IF EXISTS payers`.execute(db);
}
