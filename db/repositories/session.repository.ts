import { sql } from 'kysely';
import type { Database } from '../database';
import type { RoleName, Session, SessionsTable } from '../schema';
import { readInTenant, type Tx } from '../unit-of-work';

/**
 * Server-side sessions, stored by the hash of their opaque token; times come
 * from the caller's clock so idle and absolute limits are testable.
 */
export class SessionRepository {
  constructor(private readonly tx: Tx) {}

  async create(
    tenantId: string,
    s: { userId: string; tokenHash: string; now: Date; expiresAt: Date },
  ): Promise<Session> {
    return this.tx
      .insertInto('sessions')
      .values({
        tenant_id: tenantId,
        user_id: s.userId,
        token_hash: s.tokenHash,
        created_at: s.now,
        last_seen_at: s.now,
        expires_at: s.expiresAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async findByHash(tokenHash: string): Promise<Session | undefined> {
    return this.tx
      .selectFrom('sessions')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
  }

  /**
   * The session with what authentication needs of its user, in one round trip
   * (readInTenant: the tenant setting and the read in one pipeline): RLS scopes
   * it to the tenant the token names. Outside transactions only.
   */
  static async forToken(db: Database, tenantId: string, tokenHash: string) {
    return readInTenant(db, { tenantId, actor: 'system:auth' }, (r) =>
      r
        .selectFrom('sessions as s')
        .innerJoin('users as u', (j) =>
          j.onRef('u.id', '=', 's.user_id').onRef('u.tenant_id', '=', 's.tenant_id'),
        )
        .select([
          's.id',
          's.user_id',
          's.mfa_verified_at',
          's.last_seen_at',
          's.expires_at',
          's.revoked_at',
          'u.status as user_status',
          'u.mfa_enrolled_at as user_mfa_enrolled_at',
          sql<
            RoleName[]
          >`coalesce((SELECT array_agg(r.role::text ORDER BY r.role) FROM role_assignments r
            WHERE r.user_id = u.id AND r.tenant_id = u.tenant_id AND r.revoked_at IS NULL), '{}')`.as(
            'roles',
          ),
        ])
        .where('s.token_hash', '=', tokenHash)
        .executeTakeFirst(),
    );
  }

  async touch(id: string, now: Date): Promise<void> {
    await this.tx.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
  }

  async markMfaVerified(id: string, now: Date): Promise<void> {
    await this.tx
      .updateTable('sessions')
      .set({ mfa_verified_at: now, last_seen_at: now })
      .where('id', '=', id)
      .execute();
  }

  async revoke(id: string, reason: NonNullable<SessionsTable['revoked_reason']>, now: Date) {
    const r = await this.tx
      .updateTable('sessions')
      .set({ revoked_at: now, revoked_reason: reason })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async revokeAllForUser(
    userId: string,
    reason: NonNullable<SessionsTable['revoked_reason']>,
    now: Date,
  ): Promise<number> {
    const r = await this.tx
      .updateTable('sessions')
      .set({ revoked_at: now, revoked_reason: reason })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async listLive(userId: string, now: Date): Promise<Session[]> {
    return this.tx
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .limit(100)
      .execute();
  }
}

/** Hashed one-time MFA recovery codes. */
export class RecoveryCodeRepository {
  constructor(private readonly tx: Tx) {}

  async replace(tenantId: string, userId: string, codeHashes: string[]): Promise<void> {
    await this.tx.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
    if (codeHashes.length)
      await this.tx
        .insertInto('mfa_recovery_codes')
        .values(codeHashes.map((h) => ({ tenant_id: tenantId, user_id: userId, code_hash: h })))
        .execute();
  }

  /** Marks the code used; false when it is unknown or spent. */
  async consume(userId: string, codeHash: string, now: Date): Promise<boolean> {
    const r = await this.tx
      .updateTable('mfa_recovery_codes')
      .set({ used_at: now })
      .where('user_id', '=', userId)
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}

/**
 * The tenant directory (id and slug only) is global: a login names its tenant
 * by slug before any tenant is set. Nothing else is readable this way.
 */
export class TenantDirectoryRepository {
  static async idBySlugUnscoped(db: Database, slug: string): Promise<string | undefined> {
    const row = await db
      .selectFrom('tenant_directory')
      .select('id')
      .where('slug', '=', slug)
      .executeTakeFirst();
    return row?.id;
  }
}
