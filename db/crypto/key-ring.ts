import * as crypto from 'node:crypto';
import type { Database } from '../database';
import { KeyRepository } from '../repositories/key.repository';
import { inTenant } from '../unit-of-work';
import type { KeyWrapper } from './master-key';
import type { DataKeySource } from './phi-cipher';

export class KeyNotFoundError extends Error {
  readonly code = 'KEY_NOT_FOUND';
}

/** How long a process keeps encrypting with the key it knows as active after a rotation elsewhere. */
export const ACTIVE_KEY_TTL_MS = 60_000;

export function dataKeyContext(tenantId: string, keyId: string): string {
  return `${tenantId}:${keyId}`;
}

export function indexKeyContext(tenantId: string): string {
  return `${tenantId}:index`;
}

/**
 * Per-tenant data keys and one blind-index key, wrapped by the master key and
 * cached unwrapped in memory. The first use for a tenant creates its keys;
 * concurrent creators settle on one through the unique indexes. Unwrapped data
 * keys never expire from the cache (old blobs name them); which key is active
 * is re-read after ACTIVE_KEY_TTL_MS so a rotation reaches every process.
 *
 * Callers encrypt inside their own transactions, so the ring should be given a
 * pool of its own (see ops/runtime.ts): a shared pool full of transactions
 * waiting on a key read would wait on itself. Each read runs once however many
 * callers want it, and a due re-read serves the known key until it lands.
 */
export class TenantKeyRing implements DataKeySource {
  readonly #keys = new Map<string, Buffer>();
  readonly #active = new Map<string, { keyId: string; until: number }>();
  readonly #inFlight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly db: Database,
    private readonly wrapper: KeyWrapper,
    private readonly now: () => number = Date.now,
  ) {}

  private scope<T>(tenantId: string, work: (keys: KeyRepository) => Promise<T>): Promise<T> {
    return inTenant(this.db, { tenantId, actor: 'system:key-ring' }, (tx) =>
      work(new KeyRepository(tx, tenantId)),
    );
  }

  /** One load per key at a time: concurrent callers share it. */
  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    const running = this.#inFlight.get(key) as Promise<T> | undefined;
    if (running) return running;
    const started = load().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, started);
    return started;
  }

  private refreshActive(tenantId: string): Promise<string> {
    return this.once(`active:${tenantId}`, async () => {
      const keyId = await this.loadOrCreateActive(tenantId);
      this.#active.set(tenantId, { keyId, until: this.now() + ACTIVE_KEY_TTL_MS });
      return keyId;
    });
  }

  async activeKey(tenantId: string): Promise<{ keyId: string; key: Buffer }> {
    const cached = this.#active.get(tenantId);
    let keyId: string;
    if (!cached) keyId = await this.refreshActive(tenantId);
    else {
      keyId = cached.keyId;
      // Stale: keep encrypting with the known key (old keys stay readable) while it is re-read.
      if (cached.until <= this.now()) this.refreshActive(tenantId).catch(() => undefined);
    }
    return { keyId, key: await this.keyById(tenantId, keyId) };
  }

  async keyById(tenantId: string, keyId: string): Promise<Buffer> {
    const context = dataKeyContext(tenantId, keyId);
    const cached = this.#keys.get(context);
    if (cached) return cached;
    return this.once(context, async () => {
      const row = await this.scope(tenantId, (keys) => keys.dataKey(keyId));
      if (!row) throw new KeyNotFoundError(`no data key ${keyId} for this tenant`);
      const key = await this.wrapper.unwrap(row.wrapped_key, context, row.master_key_id);
      this.#keys.set(context, key);
      return key;
    });
  }

  async indexKey(tenantId: string, field: string): Promise<Buffer> {
    const cacheKey = `bidx:${tenantId}:${field}`;
    const cached = this.#keys.get(cacheKey);
    if (cached) return cached;
    return this.once(cacheKey, async () => {
      const context = indexKeyContext(tenantId);
      const row = await this.scope(tenantId, async (keys) => {
        const found = await keys.indexKey();
        if (found) return found;
        const wrapped = await this.wrapper.wrap(crypto.randomBytes(32), context);
        return keys.addIndexKey({ wrapped_key: wrapped, master_key_id: this.wrapper.id });
      });
      const base = await this.wrapper.unwrap(row.wrapped_key, context, row.master_key_id);
      const key = Buffer.from(
        crypto.hkdfSync('sha256', base, Buffer.alloc(0), `bidx:${field}`, 32),
      );
      this.#keys.set(cacheKey, key);
      return key;
    });
  }

  /** Forget cached keys (after a rotation elsewhere). */
  clear(): void {
    this.#keys.clear();
    this.#active.clear();
  }

  private async loadOrCreateActive(tenantId: string): Promise<string> {
    return this.scope(tenantId, async (keys) => {
      const existing = await keys.activeKeyId();
      if (existing) return existing;
      const keyId = `dk-${crypto.randomUUID()}`;
      const wrapped = await this.wrapper.wrap(
        crypto.randomBytes(32),
        dataKeyContext(tenantId, keyId),
      );
      return keys.addActive(keyId, { wrapped_key: wrapped, master_key_id: this.wrapper.id });
    });
  }
}
