import * as crypto from 'node:crypto';
import { AuditRepository } from '../audit/audit.repository';
import type { Database } from '../database';
import { KeyRepository } from '../repositories/key.repository';
import { inTenant, type ScopeContext } from '../unit-of-work';
import { dataKeyContext, indexKeyContext, TenantKeyRing } from './key-ring';
import type { KeyWrapper } from './master-key';
import { PhiCipher } from './phi-cipher';
import { aadColumn, PHI_COLUMNS, type PhiColumn } from './phi-columns';

export interface RotationReport {
  tenantId: string;
  activeKeyId: string;
  retiredKeyId?: string;
  reencrypted: number;
  /** Values still under a key other than the active one (written by a process with a stale cache). */
  remaining: number;
  rewrapped: number;
}

const scopeOf = (tenantId: string): ScopeContext => ({
  tenantId,
  actor: 'system:keys-rotate',
  role: 'system',
});

/**
 * Data-key rotation without downtime: a new active key first (new writes use
 * it within ACTIVE_KEY_TTL_MS everywhere), then every value re-encrypted in
 * short batches with compare-and-set, while readers go on decrypting whatever
 * key a blob names. The old key is retired, never deleted: backups still need it.
 * `db` must be a connection allowed to update keys and PHI columns (the owner's).
 */
export async function rotateDataKey(
  db: Database,
  wrapper: KeyWrapper,
  tenantId: string,
  opts: { batchSize?: number; newKey?: boolean } = {},
): Promise<RotationReport> {
  const scope = scopeOf(tenantId);
  let retiredKeyId: string | undefined;
  if (opts.newKey !== false) {
    retiredKeyId = await inTenant(db, scope, async (tx) => {
      const keys = new KeyRepository(tx, tenantId);
      const retired = await keys.retireActive();
      const keyId = `dk-${crypto.randomUUID()}`;
      const wrapped = await wrapper.wrap(crypto.randomBytes(32), dataKeyContext(tenantId, keyId));
      await keys.addActive(keyId, { wrapped_key: wrapped, master_key_id: wrapper.id });
      await new AuditRepository(tx).record({
        action: 'key.rotate',
        resourceType: 'tenant_key',
        resourceId: keyId,
        purpose: 'security',
        details: { retiredKeyId: retired ?? null },
      });
      return retired;
    });
  }
  const cipher = new PhiCipher(new TenantKeyRing(db, wrapper));
  const { keyId: activeKeyId } = await new TenantKeyRing(db, wrapper).activeKey(tenantId);
  let reencrypted = 0;
  for (const column of PHI_COLUMNS)
    reencrypted += await reencryptColumn(db, cipher, tenantId, column, activeKeyId, opts);
  const refs = await inTenant(db, scope, (tx) =>
    new KeyRepository(tx, tenantId).referencesByKey(PHI_COLUMNS),
  );
  let remaining = 0;
  for (const [keyId, n] of refs) if (keyId !== activeKeyId) remaining += n;
  await inTenant(db, scope, (tx) =>
    new AuditRepository(tx).record({
      action: 'key.reencrypt',
      resourceType: 'tenant_key',
      resourceId: activeKeyId,
      purpose: 'security',
      details: { reencrypted, remaining },
    }),
  );
  return {
    tenantId,
    activeKeyId,
    ...(retiredKeyId ? { retiredKeyId } : {}),
    reencrypted,
    remaining,
    rewrapped: 0,
  };
}

async function reencryptColumn(
  db: Database,
  cipher: PhiCipher,
  tenantId: string,
  column: PhiColumn,
  activeKeyId: string,
  opts: { batchSize?: number },
): Promise<number> {
  const batch = opts.batchSize ?? 500;
  let done = 0;
  let after: string | null = null;
  for (;;) {
    const moved: { n: number; last: string | null } = await inTenant(
      db,
      scopeOf(tenantId),
      async (tx) => {
        const keys = new KeyRepository(tx, tenantId);
        const rows = await keys.blobsNotUnder(column, activeKeyId, after, batch);
        let n = 0;
        for (const r of rows) {
          const ctx = { tenantId, column: aadColumn(column), rowId: r.id };
          const fresh = await cipher.encrypt(await cipher.decryptBuffer(r.blob, ctx), ctx);
          if (await keys.replaceBlob(column, r.id, r.blob, fresh)) n += 1;
        }
        return { n, last: rows.length === batch ? rows[rows.length - 1]!.id : null };
      },
    );
    done += moved.n;
    if (!moved.last) return done;
    after = moved.last;
  }
}

/**
 * Master-key rotation: every data and index key of the tenant re-wrapped under
 * the wrapper's current master key (the wrapper must still hold the old one).
 * Values are untouched, so it is quick and safe to repeat.
 */
export async function rewrapTenantKeys(
  db: Database,
  wrapper: KeyWrapper,
  tenantId: string,
): Promise<number> {
  return inTenant(db, scopeOf(tenantId), async (tx) => {
    const keys = new KeyRepository(tx, tenantId);
    let n = 0;
    for (const k of await keys.list()) {
      if (k.master_key_id === wrapper.id) continue;
      const context = dataKeyContext(tenantId, k.key_id);
      const plain = await wrapper.unwrap(k.wrapped_key, context, k.master_key_id);
      await keys.rewrapDataKey(k.key_id, {
        wrapped_key: await wrapper.wrap(plain, context),
        master_key_id: wrapper.id,
      });
      n += 1;
    }
    const index = await keys.indexKey();
    if (index && index.master_key_id !== wrapper.id) {
      const context = indexKeyContext(tenantId);
      const plain = await wrapper.unwrap(index.wrapped_key, context, index.master_key_id);
      await keys.rewrapIndexKey({
        wrapped_key: await wrapper.wrap(plain, context),
        master_key_id: wrapper.id,
      });
      n += 1;
    }
    if (n)
      await new AuditRepository(tx).record({
        action: 'key.rewrap',
        resourceType: 'tenant',
        resourceId: tenantId,
        purpose: 'security',
        details: { rewrapped: n, masterKeyId: wrapper.id },
      });
    return n;
  });
}
