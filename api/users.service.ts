import { Inject, Injectable } from '@nestjs/common';
import { recordAudit } from '../db/audit/audit.repository';
import { ApiKeyRepository } from '../db/repositories/api-key.repository';
import { SessionRepository } from '../db/repositories/session.repository';
import { TenantRepository } from '../db/repositories/tenant.repository';
import { UserRepository } from '../db/repositories/user.repository';
import type { ApiKey, RoleName, User } from '../db/schema';
import { inTenant, type Tx } from '../db/unit-of-work';
import type { Runtime } from '../ops/runtime';
import type { Clock } from './clock';
import { conflict, notFound } from './errors';
import { secret, sha256 } from './passwords';
import { MATRIX, type Permission } from './permissions';
import type { Actor } from './principal';
import { SessionCache } from './session-cache';
import { CLOCK, RUNTIME } from './tokens';

const INVITE_TTL_MS = 7 * 86_400_000;

function userView(u: User & { roles?: RoleName[] }) {
  return {
    id: u.id,
    email: u.email,
    displayName: u.display_name,
    status: u.status,
    mfaEnrolled: u.mfa_enrolled_at !== null,
    locked: u.locked_until !== null && new Date(u.locked_until) > new Date(),
    roles: u.roles ?? [],
  };
}

function keyView(k: ApiKey) {
  return {
    id: k.id,
    name: k.name,
    role: k.role,
    scopes: k.scopes,
    createdAt: new Date(k.created_at).toISOString(),
    expiresAt: k.expires_at ? new Date(k.expires_at).toISOString() : null,
    revokedAt: k.revoked_at ? new Date(k.revoked_at).toISOString() : null,
    lastUsedAt: k.last_used_at ? new Date(k.last_used_at).toISOString() : null,
  };
}

/** The admin's work: users, their roles and sessions, API keys, the tenant's settings. No PHI here. */
@Injectable()
export class UsersService {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly sessions: SessionCache,
  ) {}

  async list(who: Actor) {
    const users = await inTenant(this.runtime.db, who, (tx) => new UserRepository(tx).list());
    return users.map(userView);
  }

  /** Invites a user: the one-time token sets the first password (POST /auth/activate). */
  async invite(who: Actor, input: { email: string; displayName: string; role: RoleName }) {
    const raw = secret();
    const now = this.clock.now();
    const result = await inTenant(this.runtime.db, who, async (tx) => {
      const users = new UserRepository(tx);
      if (await users.findByEmail(input.email)) return undefined;
      const user = await users.create(who.tenantId, input, who.actor);
      await users.setInvite(user.id, sha256(raw), new Date(now.getTime() + INVITE_TTL_MS));
      await recordAudit(tx, {
        action: 'user.invite',
        resourceType: 'user',
        resourceId: user.id,
        purpose: 'security',
        details: { role: input.role },
      });
      return user;
    });
    if (!result) throw conflict('USER_EXISTS', 'a user with this email exists', 'email');
    return {
      user: userView({ ...result, roles: [input.role] }),
      inviteToken: `cfi_${who.tenantId}_${result.id}_${raw}`,
    };
  }

  async grant(who: Actor, userId: string, role: RoleName) {
    await this.change(
      who,
      userId,
      'user.role_grant',
      (users) => users.grant(who.tenantId, userId, role, who.actor),
      { role },
    );
  }

  async revoke(who: Actor, userId: string, role: RoleName) {
    await this.change(who, userId, 'user.role_revoke', (users) => users.revoke(userId, role), {
      role,
    });
  }

  /** Disables the account and ends every session of it at once. */
  async disable(who: Actor, userId: string) {
    await this.change(who, userId, 'user.disable', async (users, tx) => {
      await users.setStatus(userId, 'disabled');
      await new SessionRepository(tx).revokeAllForUser(userId, 'disabled', this.clock.now());
    });
  }

  async revokeSessions(who: Actor, userId: string) {
    await this.change(who, userId, 'user.sessions_revoke', async (_users, tx) => {
      await new SessionRepository(tx).revokeAllForUser(userId, 'revoked', this.clock.now());
    });
  }

  private async change(
    who: Actor,
    userId: string,
    action: string,
    work: (users: UserRepository, tx: Tx) => Promise<unknown>,
    details?: Record<string, string>,
  ) {
    const found = await inTenant(this.runtime.db, who, async (tx) => {
      const users = new UserRepository(tx);
      if (!(await users.find(userId))) return false;
      await work(users, tx);
      await recordAudit(tx, {
        action,
        resourceType: 'user',
        resourceId: userId,
        purpose: 'security',
        ...(details ? { details } : {}),
      });
      return true;
    });
    if (!found) throw notFound('user');
    // Roles, status and sessions may have changed: this process's cache answers for none of them.
    this.sessions.forgetUser(userId);
  }

  async keys(who: Actor) {
    const keys = await inTenant(this.runtime.db, who, (tx) => new ApiKeyRepository(tx).list());
    return keys.map(keyView);
  }

  /** The key is shown once; only its hash is kept. */
  async createKey(
    who: Actor,
    input: {
      name: string;
      role: RoleName;
      scopes?: Permission[] | undefined;
      expiresInDays?: number | undefined;
    },
  ) {
    const prefix = secret(6);
    const raw = secret();
    const now = this.clock.now();
    const scopes = input.scopes ?? [];
    for (const s of scopes)
      if (!(MATRIX[s].roles as readonly string[]).includes(input.role) || MATRIX[s].phi)
        throw conflict(
          'SCOPE_NOT_GRANTABLE',
          `the role ${input.role} cannot hold ${s} on a key`,
          'scopes',
        );
    const key = await inTenant(this.runtime.db, who, async (tx) => {
      const k = await new ApiKeyRepository(tx).create(
        who.tenantId,
        {
          name: input.name,
          prefix,
          secretHash: sha256(raw),
          role: input.role,
          scopes,
          ...(input.expiresInDays
            ? { expiresAt: new Date(now.getTime() + input.expiresInDays * 86_400_000) }
            : {}),
        },
        who.actor,
      );
      await recordAudit(tx, {
        action: 'api_key.create',
        resourceType: 'api_key',
        resourceId: k.id,
        purpose: 'security',
        details: { role: input.role },
      });
      return k;
    });
    return { ...keyView(key), key: `cfk_${who.tenantId}_${prefix}_${raw}` };
  }

  async revokeKey(who: Actor, id: string) {
    const ok = await inTenant(this.runtime.db, who, async (tx) => {
      const keys = new ApiKeyRepository(tx);
      if (!(await keys.list()).some((k) => k.id === id)) return false;
      await keys.revoke(id);
      await recordAudit(tx, {
        action: 'api_key.revoke',
        resourceType: 'api_key',
        resourceId: id,
        purpose: 'security',
      });
      return true;
    });
    if (!ok) throw notFound('API key');
  }

  async tenant(who: Actor) {
    const t = await inTenant(this.runtime.db, who, (tx) => new TenantRepository(tx).current());
    if (!t) throw notFound('tenant');
    return {
      id: t.id,
      slug: t.slug,
      name: t.name,
      createdAt: new Date(t.created_at).toISOString(),
    };
  }
}
