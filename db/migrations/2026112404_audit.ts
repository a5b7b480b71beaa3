import { type Kysely, sql } from 'kysely';
import { tenantTable } from './rls';

/**
 * The audit trail: append-only and hash-chained per tenant.
 *
 * The database, not the caller, assigns seq, prev_hash, hash and occurred_at in
 * a BEFORE INSERT trigger that first takes a per-tenant transaction lock, so
 * concurrent writers queue instead of forking the chain and the application
 * cannot forge a link. The hash is
 *   sha256(prev_hash || convert_to(audit_canonical(event), 'UTF8'))
 * where the canonical text is the version tag and every field, each written as
 * `<utf8 byte length>:<value>` (or `-` for NULL) and joined by `|`. The verifier
 * recomputes exactly this. audit_chain_heads keeps each chain's last link so a
 * deleted tail is noticed too.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE audit_events (
      tenant_id uuid NOT NULL REFERENCES tenants(id),
      seq bigint NOT NULL CHECK (seq > 0),
      occurred_at timestamptz NOT NULL,
      actor text NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
      actor_role text NOT NULL CHECK (actor_role ~ '^[a-z][a-z_]{1,39}$'),
      action text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_]*([.][a-z][a-z0-9_]*)*$' AND length(action) <= 80),
      resource_type text NOT NULL CHECK (resource_type ~ '^[a-z][a-z0-9_]{1,39}$'),
      resource_id text CHECK (length(resource_id) BETWEEN 1 AND 200),
      claim_id uuid,
      purpose text NOT NULL CHECK (purpose IN ('treatment', 'payment', 'operations', 'audit', 'security', 'break_glass')),
      outcome text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
      request_id text CHECK (length(request_id) <= 200),
      workflow_id text CHECK (length(workflow_id) <= 300),
      details jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object' AND octet_length(details::text) <= 4096),
      prev_hash bytea NOT NULL CHECK (octet_length(prev_hash) = 32),
      hash bytea NOT NULL CHECK (octet_length(hash) = 32),
      PRIMARY KEY (tenant_id, seq)
    )`.execute(db);
  await sql`CREATE INDEX audit_events_claim ON audit_events (tenant_id, claim_id, seq) WHERE claim_id IS NOT NULL`.execute(
    db,
  );
  await sql`CREATE INDEX audit_events_resource ON audit_events (tenant_id, resource_type, resource_id)`.execute(
    db,
  );
  await tenantTable(db, 'audit_events', 'SELECT, INSERT');

  await sql`
    CREATE TABLE audit_chain_heads (
      tenant_id uuid PRIMARY KEY REFERENCES tenants(id),
      seq bigint NOT NULL CHECK (seq > 0),
      hash bytea NOT NULL CHECK (octet_length(hash) = 32),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await tenantTable(db, 'audit_chain_heads', 'SELECT');

  // Plain SQL expressions only (no concat_ws, which is not immutable), so the
  // planner inlines all three functions: the verifier's pass over a million
  // rows then costs an expression per row, not three function calls.
  await sql`
    CREATE FUNCTION audit_field(v text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT CASE WHEN v IS NULL THEN '-' ELSE octet_length(v)::text || ':' || v END $$`.execute(
    db,
  );
  await sql`
    CREATE FUNCTION audit_canonical(e audit_events) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
      SELECT 'claimflow.audit.v1'
        || '|' || audit_field(e.tenant_id::text) || '|' || audit_field(e.seq::text)
        || '|' || audit_field((extract(epoch FROM e.occurred_at) * 1000000)::bigint::text)
        || '|' || audit_field(e.actor) || '|' || audit_field(e.actor_role)
        || '|' || audit_field(e.action) || '|' || audit_field(e.resource_type)
        || '|' || audit_field(e.resource_id) || '|' || audit_field(e.claim_id::text)
        || '|' || audit_field(e.purpose) || '|' || audit_field(e.outcome)
        || '|' || audit_field(e.request_id) || '|' || audit_field(e.workflow_id)
        || '|' || audit_field(e.details::text)
    $$`.execute(db);
  await sql`
    CREATE FUNCTION audit_event_hash(e audit_events) RETURNS bytea LANGUAGE sql STABLE PARALLEL SAFE AS
    $$ SELECT sha256(e.prev_hash || convert_to(audit_canonical(e), 'UTF8')) $$`.execute(db);

  await sql`
    CREATE FUNCTION audit_events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      last_seq bigint;
      last_hash bytea;
    BEGIN
      NEW.tenant_id := coalesce(NEW.tenant_id, app_tenant_id());
      NEW.actor := coalesce(NEW.actor, nullif(current_setting('app.actor', true), ''));
      NEW.actor_role := coalesce(NEW.actor_role, nullif(current_setting('app.actor_role', true), ''));
      NEW.request_id := coalesce(NEW.request_id, nullif(current_setting('app.request_id', true), ''));
      -- One writer per tenant chain at a time, until commit: no two events get the same parent.
      PERFORM pg_advisory_xact_lock(1635083369, hashtext(NEW.tenant_id::text));
      SELECT seq, hash INTO last_seq, last_hash FROM audit_events
        WHERE tenant_id = NEW.tenant_id ORDER BY seq DESC LIMIT 1;
      NEW.seq := coalesce(last_seq, 0) + 1;
      NEW.prev_hash := coalesce(last_hash, decode(repeat('00', 32), 'hex'));
      -- The database's clock, taken under the lock, so time never runs backwards along a chain.
      NEW.occurred_at := date_trunc('milliseconds', clock_timestamp());
      NEW.hash := audit_event_hash(NEW);
      RETURN NEW;
    END $$`.execute(db);
  await sql`CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_chain()`.execute(
    db,
  );

  // Runs as the owner: the app may append events but never write a head itself.
  await sql`
    CREATE FUNCTION audit_move_heads() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp AS $$
    BEGIN
      INSERT INTO audit_chain_heads AS h (tenant_id, seq, hash)
        SELECT DISTINCT ON (tenant_id) tenant_id, seq, hash FROM inserted ORDER BY tenant_id, seq DESC
      ON CONFLICT (tenant_id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash, updated_at = now()
        WHERE h.seq < EXCLUDED.seq;
      RETURN NULL;
    END $$`.execute(db);
  await sql`REVOKE ALL ON FUNCTION audit_move_heads() FROM PUBLIC`.execute(db);
  await sql`CREATE TRIGGER audit_events_heads AFTER INSERT ON audit_events REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION audit_move_heads()`.execute(
    db,
  );

  // For every role, the owner and superusers included: only a hand that first disables the trigger can change history, and the verifier finds that.
  await sql`
    CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_TABLE_NAME = 'audit_chain_heads' AND TG_OP = 'UPDATE'
         AND NEW.tenant_id = OLD.tenant_id AND NEW.seq > OLD.seq THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END $$`.execute(db);
  for (const table of ['audit_events', 'audit_chain_heads']) {
    await sql
      .raw(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
      )
      .execute(db);
    await sql
      .raw(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
      )
      .execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS audit_chain_heads, audit_events CASCADE`.execute(db);
  for (const f of [
    'audit_refuse_change()',
    'audit_move_heads()',
    'audit_events_chain()',
    'audit_field(text)',
  ])
    await sql.raw(`DROP FUNCTION IF EXISTS ${f}`).execute(db);
}
