import { type Kysely, sql } from 'kysely';
import { APP_ROLE } from '../database';

/**
 * Authentication runs on every request, so reading a session is one statement
 * instead of a transaction of four (BEGIN, tenant setting, read, COMMIT). The
 * function is SECURITY INVOKER: it runs as the caller under the same forced RLS,
 * sets the tenant for its own read only, and restores the caller's setting, so
 * it opens no way around tenancy that `set_config` does not already offer.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION session_for_token(p_tenant uuid, p_token_hash text)
    RETURNS TABLE (
      id uuid, user_id uuid, mfa_verified_at timestamptz, last_seen_at timestamptz,
      expires_at timestamptz, revoked_at timestamptz, user_status text,
      user_mfa_enrolled_at timestamptz, roles text[])
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = public AS $$
    DECLARE
      previous text := current_setting('app.tenant_id', true);
    BEGIN
      PERFORM set_config('app.tenant_id', p_tenant::text, true);
      RETURN QUERY
        SELECT s.id, s.user_id, s.mfa_verified_at, s.last_seen_at, s.expires_at, s.revoked_at,
          u.status::text, u.mfa_enrolled_at,
          coalesce((SELECT array_agg(r.role::text ORDER BY r.role) FROM role_assignments r
            WHERE r.user_id = u.id AND r.tenant_id = u.tenant_id AND r.revoked_at IS NULL), '{}')
        FROM sessions s
        JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id
        WHERE s.token_hash = p_token_hash;
      PERFORM set_config('app.tenant_id', coalesce(previous, ''), true);
    END $$`.execute(db);
  await sql.raw(`REVOKE ALL ON FUNCTION session_for_token(uuid, text) FROM PUBLIC`).execute(db);
  await sql
    .raw(`GRANT EXECUTE ON FUNCTION session_for_token(uuid, text) TO ${APP_ROLE}`)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS session_for_token(uuid, text)`.execute(db);
}
