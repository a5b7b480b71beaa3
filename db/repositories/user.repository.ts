import type { RoleName, User } from '../schema';
import type { Tx } from '../unit-of-work';

export interface NewUser {
  email: string;
  displayName: string;
  role: RoleName;
}

/** Users and their roles: one aggregate, since a role never exists without its user. */
export class UserRepository {
  constructor(private readonly tx: Tx) {}

  static normaliseEmail(email: string): string {
    return email.trim().toLowerCase();
  }

  /** Creates an invited user (no password, no MFA yet) with one role. */
  async create(tenantId: string, user: NewUser, grantedBy: string): Promise<User> {
    const created = await this.tx
      .insertInto('users')
      .values({
        tenant_id: tenantId,
        email: UserRepository.normaliseEmail(user.email),
        display_name: user.displayName,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.grant(tenantId, created.id, user.role, grantedBy);
    return created;
  }

  async grant(tenantId: string, userId: string, role: RoleName, grantedBy: string): Promise<void> {
    await this.tx
      .insertInto('role_assignments')
      .values({ tenant_id: tenantId, user_id: userId, role, granted_by: grantedBy })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'user_id', 'role']).where('revoked_at', 'is', null).doNothing(),
      )
      .execute();
  }

  async revoke(userId: string, role: RoleName): Promise<void> {
    await this.tx
      .updateTable('role_assignments')
      .set({ revoked_at: new Date() })
      .where('user_id', '=', userId)
      .where('role', '=', role)
      .where('revoked_at', 'is', null)
      .execute();
  }

  async find(id: string): Promise<User | undefined> {
    return this.tx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findByEmail(email: string): Promise<User | undefined> {
    return this.tx
      .selectFrom('users')
      .selectAll()
      .where('email', '=', UserRepository.normaliseEmail(email))
      .executeTakeFirst();
  }

  async roles(userId: string): Promise<RoleName[]> {
    const rows = await this.tx
      .selectFrom('role_assignments')
      .select('role')
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .orderBy('role')
      .execute();
    return rows.map((r) => r.role);
  }

  /** The API issue's hasher produces `passwordHash`; this only stores it. */
  async setCredentials(
    userId: string,
    creds: { passwordHash?: string; mfaSecretEnc?: Buffer; mfaEnrolled?: boolean },
  ): Promise<void> {
    await this.tx
      .updateTable('users')
      .set({
        ...(creds.passwordHash ? { password_hash: creds.passwordHash } : {}),
        ...(creds.mfaSecretEnc ? { mfa_secret_enc: creds.mfaSecretEnc } : {}),
        ...(creds.mfaEnrolled ? { mfa_enrolled_at: new Date() } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', userId)
      .execute();
  }

  async setStatus(userId: string, status: User['status']): Promise<void> {
    await this.tx
      .updateTable('users')
      .set({ status, updated_at: new Date() })
      .where('id', '=', userId)
      .execute();
  }

  /** Active users of the tenant with their live roles, for the admin's list. */
  async list(limit = 500): Promise<(User & { roles: RoleName[] })[]> {
    const users = await this.tx
      .selectFrom('users')
      .selectAll()
      .orderBy('email')
      .limit(limit)
      .execute();
    const roles = await this.tx
      .selectFrom('role_assignments')
      .select(['user_id', 'role'])
      .where('revoked_at', 'is', null)
      .execute();
    return users.map((u) => ({
      ...u,
      roles: roles.filter((r) => r.user_id === u.id).map((r) => r.role),
    }));
  }

  /** One more failed login (password or second factor), with the lock it earns, if any. */
  async recordFailure(userId: string, lockedUntil: (failures: number) => Date | null) {
    const row = await this.tx
      .updateTable('users')
      .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
      .where('id', '=', userId)
      .returning('failed_logins')
      .executeTakeFirstOrThrow();
    const until = lockedUntil(row.failed_logins);
    if (until)
      await this.tx
        .updateTable('users')
        .set({ locked_until: until })
        .where('id', '=', userId)
        .execute();
    return row.failed_logins;
  }

  async clearFailures(userId: string): Promise<void> {
    await this.tx
      .updateTable('users')
      .set({ failed_logins: 0, locked_until: null })
      .where('id', '=', userId)
      .execute();
  }

  /** Accepts a TOTP time step only once: false when it is not newer than the last one. */
  async advanceMfaCounter(userId: string, counter: number): Promise<boolean> {
    const r = await this.tx
      .updateTable('users')
      .set({ mfa_last_counter: counter })
      .where('id', '=', userId)
      .where((eb) =>
        eb.or([eb('mfa_last_counter', 'is', null), eb('mfa_last_counter', '<', String(counter))]),
      )
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async setInvite(userId: string, inviteHash: string, expiresAt: Date): Promise<void> {
    await this.tx
      .updateTable('users')
      .set({ invite_hash: inviteHash, invite_expires_at: expiresAt, updated_at: new Date() })
      .where('id', '=', userId)
      .execute();
  }

  /** Sets the first password from an invitation and activates the user. */
  async activate(userId: string, passwordHash: string, now: Date): Promise<void> {
    await this.tx
      .updateTable('users')
      .set({
        password_hash: passwordHash,
        password_changed_at: now,
        status: 'active',
        invite_hash: null,
        invite_expires_at: null,
        updated_at: now,
      })
      .where('id', '=', userId)
      .execute();
  }
}
