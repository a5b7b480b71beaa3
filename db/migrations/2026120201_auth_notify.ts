import { type Kysely, sql } from 'kysely';

/** Table, and the column naming the user a row is about. */
const WATCHED = [
  ['sessions', 'user_id', 'UPDATE OR DELETE'],
  ['users', 'id', 'UPDATE OR DELETE'],
  ['role_assignments', 'user_id', 'INSERT OR UPDATE OR DELETE'],
] as const;

/**
 * Every change to what authentication reads notifies `claimflow_auth` with the
 * user's id, delivered at commit to every API process, which drops that user's
 * cached sessions (api/session-cache.ts). In the database, so no code path that
 * writes these tables can forget to.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION notify_auth_change() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public AS $$
    BEGIN
      PERFORM pg_notify('claimflow_auth',
        to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END) ->> TG_ARGV[0]);
      RETURN NULL;
    END $$`.execute(db);
  for (const [table, column, events] of WATCHED)
    await sql
      .raw(
        `CREATE TRIGGER ${table}_notify_auth AFTER ${events} ON ${table}
         FOR EACH ROW EXECUTE FUNCTION notify_auth_change('${column}')`,
      )
      .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [table] of WATCHED)
    await sql.raw(`DROP TRIGGER IF EXISTS ${table}_notify_auth ON ${table}`).execute(db);
  await sql`DROP FUNCTION IF EXISTS notify_auth_change()`.execute(db);
}
