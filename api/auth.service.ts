import { Inject, Injectable } from '@nestjs/common';
import * as OTPAuth from 'otpauth';
import { recordAudit } from '../db/audit/audit.repository';
import { ApiKeyRepository } from '../db/repositories/api-key.repository';
import {
  RecoveryCodeRepository,
  SessionRepository,
  TenantDirectoryRepository,
} from '../db/repositories/session.repository';
import { UserRepository } from '../db/repositories/user.repository';
import type { RoleName, User } from '../db/schema';
import { inTenant, type ScopeContext } from '../db/unit-of-work';
import type { Config } from '../ops/config';
import type { Runtime } from '../ops/runtime';
import type { Clock } from './clock';
import { AppError, conflict, unauthenticated } from './errors';
import { checkPassword, hashPassword, sameHash, secret, sha256, verifyPassword } from './passwords';
import type { Actor, Principal } from './principal';
import { SessionCache } from './session-cache';
import { CLOCK, CONFIG, RUNTIME } from './tokens';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const SESSION_TOKEN = new RegExp(`^cfs_(${UUID})_([0-9a-f]{64})$`);
const API_KEY = new RegExp(`^cfk_(${UUID})_([0-9a-f]{12})_([0-9a-f]{64})$`);
const INVITE = new RegExp(`^cfi_(${UUID})_(${UUID})_([0-9a-f]{64})$`);
const TOTP_PERIOD = 30;
const RECOVERY_CODES = 10;
/** Writes to last_seen_at at most this often: the idle limit is minutes, not seconds. */
const TOUCH_EVERY_MS = 15_000;

const badCredentials = () =>
  new AppError('INVALID_CREDENTIALS', 'tenant, email or password is wrong', 401);

export interface LoginResult {
  token: string;
  expiresAt: string;
  mfaRequired: true;
  mfaEnrolled: boolean;
}

function totpFor(secretBase32: string, label: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({
    issuer: 'claimflow',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD,
    secret: OTPAuth.Secret.fromBase32(secretBase32),
  });
}

/** Users, sessions, second factors and API keys: who a request is, established once per request. */
@Injectable()
export class AuthService {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly cache: SessionCache,
  ) {}

  private scope(
    tenantId: string,
    requestId: string,
    user?: User,
    roles?: RoleName[],
  ): ScopeContext {
    return user
      ? { tenantId, actor: user.id, role: roles?.[0] ?? 'none', requestId }
      : { tenantId, actor: 'system:auth', requestId };
  }

  private lockUntil(now: Date) {
    const { lockoutThreshold, lockoutBaseMs, lockoutMaxMs } = this.config.auth;
    return (failures: number) =>
      failures < lockoutThreshold
        ? null
        : new Date(
            now.getTime() +
              Math.min(
                lockoutMaxMs,
                lockoutBaseMs * 2 ** Math.min(20, failures - lockoutThreshold),
              ),
          );
  }

  async login(
    input: { tenant: string; email: string; password: string },
    requestId: string,
  ): Promise<LoginResult> {
    const now = this.clock.now();
    const tenantId = await TenantDirectoryRepository.idBySlugUnscoped(
      this.runtime.db,
      input.tenant,
    );
    if (!tenantId) {
      await verifyPassword(null, input.password);
      throw badCredentials();
    }
    const system = this.scope(tenantId, requestId);
    const found = await inTenant(this.runtime.db, system, async (tx) => {
      const users = new UserRepository(tx);
      const user = await users.findByEmail(input.email);
      return user ? { user, roles: await users.roles(user.id) } : undefined;
    });
    const user = found?.user;
    const usable = user && user.status === 'active' && user.password_hash;
    const locked = user?.locked_until && new Date(user.locked_until) > now;
    const ok = await verifyPassword(usable ? user.password_hash : null, input.password);
    if (!user || !usable || locked || !ok) {
      await inTenant(
        this.runtime.db,
        user ? this.scope(tenantId, requestId, user, found.roles) : system,
        async (tx) => {
          if (user && usable && !locked && !ok)
            await new UserRepository(tx).recordFailure(user.id, this.lockUntil(now));
          await recordAudit(tx, {
            action: 'auth.login',
            resourceType: 'user',
            resourceId: user?.id ?? null,
            purpose: 'security',
            outcome: 'failure',
            details: {
              reason: !user
                ? 'unknown_user'
                : !usable
                  ? 'inactive'
                  : locked
                    ? 'locked'
                    : 'password',
            },
          });
        },
      );
      // One answer for every failure, a lock included: nothing tells whether an account exists.
      throw badCredentials();
    }
    const token = `cfs_${tenantId}_${secret()}`;
    const expiresAt = new Date(now.getTime() + this.config.auth.absoluteTimeoutMs);
    await inTenant(
      this.runtime.db,
      this.scope(tenantId, requestId, user, found.roles),
      async (tx) => {
        const session = await new SessionRepository(tx).create(tenantId, {
          userId: user.id,
          tokenHash: sha256(token),
          now,
          expiresAt,
        });
        await recordAudit(tx, {
          action: 'auth.login',
          resourceType: 'session',
          resourceId: session.id,
          purpose: 'security',
          details: { mfaEnrolled: Boolean(user.mfa_enrolled_at) },
        });
      },
    );
    return {
      token,
      expiresAt: expiresAt.toISOString(),
      mfaRequired: true,
      mfaEnrolled: Boolean(user.mfa_enrolled_at),
    };
  }

  /** Starts TOTP enrolment: a new secret, stored encrypted, confirmed by the first valid code. */
  async enrol(who: Actor): Promise<{ secret: string; otpauthUri: string }> {
    const user = await this.user(who);
    if (user.mfa_enrolled_at)
      throw conflict('MFA_ALREADY_ENROLLED', 'a second factor is already enrolled');
    const totpSecret = new OTPAuth.Secret({ size: 20 }).base32;
    const enc = await this.runtime.cipher.encrypt(totpSecret, {
      tenantId: who.tenantId,
      column: 'users.mfa_secret_enc',
      rowId: user.id,
    });
    await inTenant(this.runtime.db, who, async (tx) => {
      await new UserRepository(tx).setCredentials(user.id, { mfaSecretEnc: enc });
      await recordAudit(tx, {
        action: 'auth.mfa_enrol',
        resourceType: 'user',
        resourceId: user.id,
        purpose: 'security',
      });
    });
    return { secret: totpSecret, otpauthUri: totpFor(totpSecret, user.email).toString() };
  }

  /**
   * Checks a TOTP code (or a one-time recovery code) and lifts the session to
   * MFA-verified; the first valid code completes enrolment and returns the
   * recovery codes, once.
   */
  async verifyMfa(
    who: Actor,
    input: { code?: string | undefined; recoveryCode?: string | undefined },
  ): Promise<{ verified: true; recoveryCodes?: string[] }> {
    const now = this.clock.now();
    const user = await this.user(who);
    if (!user.mfa_secret_enc)
      throw conflict('MFA_NOT_ENROLLED', 'enrol a second factor first', 'code');
    if (user.locked_until && new Date(user.locked_until) > now)
      throw new AppError('INVALID_MFA_CODE', 'the code is not valid', 401, 'code');
    const enrolled = Boolean(user.mfa_enrolled_at);
    let counter: number | undefined;
    if (input.code) {
      const base32 = await this.runtime.cipher.decrypt(user.mfa_secret_enc, {
        tenantId: who.tenantId,
        column: 'users.mfa_secret_enc',
        rowId: user.id,
      });
      const delta = totpFor(base32, user.email).validate({
        token: input.code,
        timestamp: now.getTime(),
        window: 1,
      });
      if (delta !== null) counter = Math.floor(now.getTime() / 1000 / TOTP_PERIOD) + delta;
    }
    const recoveryCodes = enrolled
      ? undefined
      : Array.from({ length: RECOVERY_CODES }, () => secret(10));
    const ok = await inTenant(this.runtime.db, who, async (tx) => {
      const users = new UserRepository(tx);
      let valid = false;
      if (counter !== undefined) valid = await users.advanceMfaCounter(user.id, counter);
      else if (input.recoveryCode && enrolled)
        valid = await new RecoveryCodeRepository(tx).consume(
          user.id,
          sha256(input.recoveryCode.toLowerCase().replace(/[^0-9a-f]/g, '')),
          now,
        );
      if (!valid) {
        await users.recordFailure(user.id, this.lockUntil(now));
        await recordAudit(tx, {
          action: 'auth.mfa_verify',
          resourceType: 'user',
          resourceId: user.id,
          purpose: 'security',
          outcome: 'failure',
        });
        return false;
      }
      if (recoveryCodes) {
        await users.setCredentials(user.id, { mfaEnrolled: true });
        await new RecoveryCodeRepository(tx).replace(
          who.tenantId,
          user.id,
          recoveryCodes.map(sha256),
        );
      }
      await users.clearFailures(user.id);
      await new SessionRepository(tx).markMfaVerified(who.principal.sessionId!, now);
      await recordAudit(tx, {
        action: 'auth.mfa_verify',
        resourceType: 'session',
        resourceId: who.principal.sessionId!,
        purpose: 'security',
        details: { method: counter !== undefined ? 'totp' : 'recovery_code', enrolled: !enrolled },
      });
      return true;
    });
    if (!ok) throw new AppError('INVALID_MFA_CODE', 'the code is not valid', 401, 'code');
    return recoveryCodes ? { verified: true, recoveryCodes } : { verified: true };
  }

  async logout(who: Actor): Promise<void> {
    await this.revokeSession(who, who.principal.sessionId!, 'logout');
  }

  async sessions(who: Actor) {
    const now = this.clock.now();
    const rows = await inTenant(this.runtime.db, who, (tx) =>
      new SessionRepository(tx).listLive(who.principal.id, now),
    );
    return rows
      .filter(
        (s) => now.getTime() - new Date(s.last_seen_at).getTime() <= this.config.auth.idleTimeoutMs,
      )
      .map((s) => ({
        id: s.id,
        current: s.id === who.principal.sessionId,
        mfaVerified: s.mfa_verified_at !== null,
        createdAt: new Date(s.created_at).toISOString(),
        lastSeenAt: new Date(s.last_seen_at).toISOString(),
        expiresAt: new Date(s.expires_at).toISOString(),
      }));
  }

  /** Revokes one of the caller's own sessions; another user's session id is simply not found. */
  async revokeOwn(who: Actor, sessionId: string): Promise<void> {
    const mine = (await this.sessions(who)).some((s) => s.id === sessionId);
    if (!mine) throw new AppError('NOT_FOUND', 'session not found', 404);
    await this.revokeSession(who, sessionId, 'revoked');
  }

  private async revokeSession(who: Actor, sessionId: string, reason: 'logout' | 'revoked') {
    await inTenant(this.runtime.db, who, async (tx) => {
      await new SessionRepository(tx).revoke(sessionId, reason, this.clock.now());
      await recordAudit(tx, {
        action: reason === 'logout' ? 'auth.logout' : 'session.revoke',
        resourceType: 'session',
        resourceId: sessionId,
        purpose: 'security',
      });
    });
    // Before the answer: the next request must not find it in this process's cache.
    this.cache.forgetUser(who.principal.id);
  }

  /** Sets the first password from a one-time invitation token. */
  async activate(input: { token: string; password: string }, requestId: string): Promise<void> {
    const m = INVITE.exec(input.token);
    const invalid = () =>
      new AppError('INVALID_INVITATION', 'the invitation is not valid', 400, 'token');
    if (!m) throw invalid();
    const [, tenantId, userId, raw] = m as unknown as [string, string, string, string];
    const now = this.clock.now();
    const user = await inTenant(this.runtime.db, this.scope(tenantId, requestId), (tx) =>
      new UserRepository(tx).find(userId),
    );
    if (
      !user?.invite_hash ||
      !user.invite_expires_at ||
      new Date(user.invite_expires_at) <= now ||
      !sameHash(user.invite_hash, sha256(raw)) ||
      user.status === 'disabled'
    )
      throw invalid();
    checkPassword(input.password, { email: user.email });
    const passwordHash = await hashPassword(input.password);
    await inTenant(
      this.runtime.db,
      { tenantId, actor: user.id, role: 'none', requestId },
      async (tx) => {
        await new UserRepository(tx).activate(user.id, passwordHash, now);
        await recordAudit(tx, {
          action: 'user.activate',
          resourceType: 'user',
          resourceId: user.id,
          purpose: 'security',
        });
      },
    );
  }

  /** Who the bearer token says: a live, MFA-state-aware session, or a live API key. */
  async authenticate(authorization: string | undefined, requestId: string): Promise<Principal> {
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    if (!token) throw unauthenticated();
    const s = SESSION_TOKEN.exec(token);
    if (s) return this.fromSession(s[1]!, token, requestId);
    const k = API_KEY.exec(token);
    if (k) return this.fromApiKey(k[1]!, k[2]!, k[3]!, requestId);
    throw unauthenticated('the bearer token is not valid', 'INVALID_TOKEN');
  }

  /**
   * One statement on the hot path (the session read); the writes it may need
   * (revoke on idle or expiry, the throttled last-seen touch) are rare and get
   * their own unit of work.
   */
  private async fromSession(
    tenantId: string,
    token: string,
    requestId: string,
  ): Promise<Principal> {
    const now = this.clock.now();
    const hash = sha256(token);
    const key = `${tenantId}:${hash}`;
    let session = this.cache.get(key, now);
    if (session === undefined) {
      const mark = this.cache.mark();
      session = await SessionRepository.forToken(this.runtime.db, tenantId, hash);
      if (session) this.cache.put(key, session, mark, now);
    }
    if (!session || session.revoked_at)
      throw unauthenticated('the session is not valid', 'INVALID_TOKEN');
    const write = async (work: (sessions: SessionRepository) => Promise<unknown>) => {
      this.cache.forget(key);
      await inTenant(this.runtime.db, this.scope(tenantId, requestId), (tx) =>
        work(new SessionRepository(tx)),
      );
    };
    const seenAgo = now.getTime() - new Date(session.last_seen_at).getTime();
    const idle = seenAgo > this.config.auth.idleTimeoutMs;
    if (idle || now >= new Date(session.expires_at)) {
      await write((s) => s.revoke(session.id, idle ? 'idle' : 'expired', now));
      throw unauthenticated('the session has expired; sign in again', 'SESSION_EXPIRED');
    }
    if (session.user_status !== 'active') {
      await write((s) => s.revoke(session.id, 'disabled', now));
      throw unauthenticated('the session is not valid', 'INVALID_TOKEN');
    }
    if (seenAgo > TOUCH_EVERY_MS) await write((s) => s.touch(session.id, now));
    return {
      kind: 'user' as const,
      id: session.user_id,
      tenantId,
      roles: session.roles,
      sessionId: session.id,
      mfaVerified: session.mfa_verified_at !== null && session.user_mfa_enrolled_at !== null,
      scopes: [],
    };
  }

  private async fromApiKey(
    tenantId: string,
    prefix: string,
    raw: string,
    requestId: string,
  ): Promise<Principal> {
    const key = await inTenant(this.runtime.db, this.scope(tenantId, requestId), async (tx) => {
      const keys = new ApiKeyRepository(tx);
      const found = await keys.findLiveByPrefix(prefix);
      if (!found || !sameHash(found.secret_hash, sha256(raw))) return undefined;
      await keys.touch(found.id);
      return found;
    });
    if (!key) throw unauthenticated('the API key is not valid', 'INVALID_TOKEN');
    return {
      kind: 'api_key',
      id: key.id,
      tenantId,
      roles: [key.role],
      mfaVerified: false,
      scopes: key.scopes,
    };
  }

  private async user(who: Actor): Promise<User> {
    const user = await inTenant(this.runtime.db, who, (tx) =>
      new UserRepository(tx).find(who.principal.id),
    );
    if (!user) throw unauthenticated();
    return user;
  }
}

export { API_KEY, INVITE, SESSION_TOKEN };
