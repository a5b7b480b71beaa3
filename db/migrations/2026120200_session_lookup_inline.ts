import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { up as createSessionLookup } from './2026120100_session_lookup';

/**
 * The session read is now a plain statement sent with its tenant setting in one
 * pipeline (readInTenant in db/unit-of-work.ts): the same single round trip,
 * without a PL/pgSQL call and its result tuplestore (about 15% of the
 * database's CPU per API request). Its function has no caller left.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS session_for_token(uuid, text)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await createSessionLookup(db);
}
