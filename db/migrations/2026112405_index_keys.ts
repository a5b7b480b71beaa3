import { type Kysely, sql } from 'kysely';
import { tenantTable } from './rls';

/**
 * Blind-index keys of their own per tenant, wrapped by the master key like the
 * data keys. Deriving them from the master key itself would change every index
 * when the master key rotates, and lookups would miss until a full re-index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE tenant_index_keys (
      tenant_id uuid PRIMARY KEY REFERENCES tenants(id),
      wrapped_key bytea NOT NULL,
      master_key_id text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await tenantTable(db, 'tenant_index_keys', 'SELECT, INSERT');
  await sql`ALTER TABLE tenant_keys ADD COLUMN retired_at timestamptz`.execute(db);
  await sql`ALTER TABLE tenant_keys ADD CONSTRAINT tenant_keys_retired_at CHECK ((status = 'retired') = (retired_at IS NOT NULL))`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE tenant_keys DROP CONSTRAINT tenant_keys_retired_at, DROP COLUMN retired_at`.execute(
    db,
  );
  await sql`DROP TABLE IF EXISTS tenant_index_keys`.execute(db);
}
