import type { ApiKey, RoleName } from '../schema';
import type { Tx } from '../unit-of-work';

/** Service-to-service keys: only a hash of the secret is stored; the prefix finds the row. */
export class ApiKeyRepository {
  constructor(private readonly tx: Tx) {}

  async create(
    tenantId: string,
    key: {
      name: string;
      prefix: string;
      secretHash: string;
      role: RoleName;
      expiresAt?: Date;
      scopes?: string[];
    },
    createdBy: string,
  ): Promise<ApiKey> {
    return this.tx
      .insertInto('api_keys')
      .values({
        tenant_id: tenantId,
        name: key.name,
        prefix: key.prefix,
        secret_hash: key.secretHash,
        role: key.role,
        created_by: createdBy,
        expires_at: key.expiresAt ?? null,
        scopes: key.scopes ?? [],
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Live keys only: revoked and expired ones are as good as absent. */
  async findLiveByPrefix(prefix: string): Promise<ApiKey | undefined> {
    return this.tx
      .selectFrom('api_keys')
      .selectAll()
      .where('prefix', '=', prefix)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
      .executeTakeFirst();
  }

  async touch(id: string): Promise<void> {
    await this.tx
      .updateTable('api_keys')
      .set({ last_used_at: new Date() })
      .where('id', '=', id)
      .execute();
  }

  async revoke(id: string): Promise<void> {
    await this.tx
      .updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
  }

  async list(): Promise<ApiKey[]> {
    return this.tx.selectFrom('api_keys').selectAll().orderBy('created_at').limit(500).execute();
  }
}
