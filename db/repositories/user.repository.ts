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
}
