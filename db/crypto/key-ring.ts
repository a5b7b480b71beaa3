import * as crypto from 'node:crypto';
import type { Database } from '../database';
import { inTenant } from '../unit-of-work';
import type { KeyWrapper } from './master-key';
import type { DataKeySource } from './phi-cipher';

/**
 * Per-tenant data keys, wrapped by the master key and cached unwrapped in
 * memory. The first use for a tenant creates its key; concurrent creators
 * settle on one through the partial unique index on the active key.
 */
export class TenantKeyRing implements DataKeySource {
  readonly #keys = new Map<string, Buffer>();
  readonly #active = new Map<string, string>();

  constructor(
    private readonly db: Database,
    private readonly wrapper: KeyWrapper,
  ) {}

  private context(tenantId: string, keyId: string): string {
    return `${tenantId}:${keyId}`;
  }

  async activeKey(tenantId: string): Promise<{ keyId: string; key: Buffer }> {
    let keyId = this.#active.get(tenantId);
    if (!keyId) {
      keyId = await this.loadOrCreateActive(tenantId);
      this.#active.set(tenantId, keyId);
    }
    return { keyId, key: await this.keyById(tenantId, keyId) };
  }

  async keyById(tenantId: string, keyId: string): Promise<Buffer> {
    const cacheKey = this.context(tenantId, keyId);
    const cached = this.#keys.get(cacheKey);
    if (cached) return cached;
    const row = await inTenant(this.db, { tenantId, actor: 'system:key-ring' }, (tx) =>
      tx
        .selectFrom('tenant_keys')
        .select(['wrapped_key'])
        .where('key_id', '=', keyId)
        .executeTakeFirst(),
    );
    if (!row) throw new Error(`no data key ${keyId} for this tenant`);
    const key = await this.wrapper.unwrap(row.wrapped_key, cacheKey);
    this.#keys.set(cacheKey, key);
    return key;
  }

  async indexKey(tenantId: string, field: string): Promise<Buffer> {
    const cacheKey = `bidx:${tenantId}:${field}`;
    const cached = this.#keys.get(cacheKey);
    if (cached) return cached;
    const key = await this.wrapper.deriveIndexKey(`${tenantId}:${field}`);
    this.#keys.set(cacheKey, key);
    return key;
  }

  /** Forget cached keys (after a rotation elsewhere). */
  clear(): void {
    this.#keys.clear();
    this.#active.clear();
  }

  private async loadOrCreateActive(tenantId: string): Promise<string> {
    return inTenant(this.db, { tenantId, actor: 'system:key-ring' }, async (tx) => {
      const existing = await tx
        .selectFrom('tenant_keys')
        .select('key_id')
        .where('status', '=', 'active')
        .executeTakeFirst();
      if (existing) return existing.key_id;
      const keyId = `dk-${crypto.randomUUID()}`;
      const wrapped = await this.wrapper.wrap(
        crypto.randomBytes(32),
        this.context(tenantId, keyId),
      );
      const inserted = await tx
        .insertInto('tenant_keys')
        .values({
          tenant_id: tenantId,
          key_id: keyId,
          wrapped_key: wrapped,
          master_key_id: this.wrapper.id,
          status: 'active',
        })
        .onConflict((oc) => oc.doNothing())
        .returning('key_id')
        .executeTakeFirst();
      if (inserted) return inserted.key_id;
      const winner = await tx
        .selectFrom('tenant_keys')
        .select('key_id')
        .where('status', '=', 'active')
        .executeTakeFirstOrThrow();
      return winner.key_id;
    });
  }
}
