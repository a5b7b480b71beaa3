import { sql } from 'kysely';
import type { PhiColumn } from '../crypto/phi-columns';
import type { Tx } from '../unit-of-work';

export interface WrappedKey {
  wrapped_key: Buffer;
  master_key_id: string;
}

export interface KeyRow extends WrappedKey {
  key_id: string;
  status: 'active' | 'retired';
}

/** The key id a PHI blob names: byte 1 is its length, the id follows (see phi-cipher.ts). */
const blobKeyId = (column: string) =>
  sql<string>`convert_from(substring(${sql.ref(column)} from 3 for get_byte(${sql.ref(column)}, 1)), 'UTF8')`;

/**
 * A tenant's data and index keys (wrapped), and the walk over its encrypted
 * columns that key rotation needs. Retiring and re-wrapping need UPDATE, which
 * only the operator's connection has; the app may only read and add keys.
 * Every statement names the tenant as well, so it stays scoped even on a
 * connection that RLS does not bind (a superuser's).
 */
export class KeyRepository {
  constructor(
    private readonly tx: Tx,
    private readonly tenantId: string,
  ) {}

  async activeKeyId(): Promise<string | undefined> {
    const row = await this.tx
      .selectFrom('tenant_keys')
      .where('tenant_id', '=', this.tenantId)
      .select('key_id')
      .where('status', '=', 'active')
      .executeTakeFirst();
    return row?.key_id;
  }

  async dataKey(keyId: string): Promise<WrappedKey | undefined> {
    return this.tx
      .selectFrom('tenant_keys')
      .where('tenant_id', '=', this.tenantId)
      .select(['wrapped_key', 'master_key_id'])
      .where('key_id', '=', keyId)
      .executeTakeFirst();
  }

  async list(): Promise<KeyRow[]> {
    return this.tx
      .selectFrom('tenant_keys')
      .where('tenant_id', '=', this.tenantId)
      .select(['key_id', 'status', 'wrapped_key', 'master_key_id'])
      .orderBy('created_at')
      .execute();
  }

  /** Adds the active key unless another writer won the race; returns the key id that is active. */
  async addActive(keyId: string, key: WrappedKey): Promise<string> {
    const inserted = await this.tx
      .insertInto('tenant_keys')
      .values({ tenant_id: this.tenantId, key_id: keyId, status: 'active', ...key })
      .onConflict((oc) => oc.doNothing())
      .returning('key_id')
      .executeTakeFirst();
    if (inserted) return inserted.key_id;
    return (await this.activeKeyId())!;
  }

  async retireActive(): Promise<string | undefined> {
    const row = await this.tx
      .updateTable('tenant_keys')
      .where('tenant_id', '=', this.tenantId)
      .set({ status: 'retired', retired_at: new Date() })
      .where('status', '=', 'active')
      .returning('key_id')
      .executeTakeFirst();
    return row?.key_id;
  }

  async rewrapDataKey(keyId: string, key: WrappedKey): Promise<void> {
    await this.tx
      .updateTable('tenant_keys')
      .where('tenant_id', '=', this.tenantId)
      .set(key)
      .where('key_id', '=', keyId)
      .execute();
  }

  async indexKey(): Promise<WrappedKey | undefined> {
    return this.tx
      .selectFrom('tenant_index_keys')
      .where('tenant_id', '=', this.tenantId)
      .select(['wrapped_key', 'master_key_id'])
      .executeTakeFirst();
  }

  async addIndexKey(key: WrappedKey): Promise<WrappedKey> {
    await this.tx
      .insertInto('tenant_index_keys')
      .values({ tenant_id: this.tenantId, ...key })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return (await this.indexKey())!;
  }

  async rewrapIndexKey(key: WrappedKey): Promise<void> {
    await this.tx
      .updateTable('tenant_index_keys')
      .set(key)
      .where('tenant_id', '=', this.tenantId)
      .execute();
  }

  /** Values of one PHI column not under `keyId`, in id order after `afterId`. */
  async blobsNotUnder(
    c: PhiColumn,
    keyId: string,
    afterId: string | null,
    limit: number,
  ): Promise<{ id: string; blob: Buffer }[]> {
    const { rows } = await sql<{ id: string; blob: Buffer }>`
      SELECT ${sql.ref(c.idColumn)}::text AS id, ${sql.ref(c.column)} AS blob
      FROM ${sql.table(c.table)}
      WHERE tenant_id = ${this.tenantId}::uuid
        AND ${sql.ref(c.column)} IS NOT NULL AND ${blobKeyId(c.column)} <> ${keyId}
        AND (${afterId}::uuid IS NULL OR ${sql.ref(c.idColumn)} > ${afterId}::uuid)
      ORDER BY ${sql.ref(c.idColumn)} LIMIT ${limit}`.execute(this.tx);
    return rows;
  }

  /** Compare-and-set, so a value changed meanwhile by the application is left alone (and retried). */
  async replaceBlob(c: PhiColumn, id: string, from: Buffer, to: Buffer): Promise<boolean> {
    const r = await sql`
      UPDATE ${sql.table(c.table)} SET ${sql.ref(c.column)} = ${to}
      WHERE tenant_id = ${this.tenantId}::uuid AND ${sql.ref(c.idColumn)} = ${id}::uuid AND ${sql.ref(c.column)} = ${from}`.execute(
      this.tx,
    );
    return Number(r.numAffectedRows ?? 0) === 1;
  }

  /** How many values of each key id the tenant's PHI columns hold. */
  async referencesByKey(columns: readonly PhiColumn[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const c of columns) {
      const { rows } = await sql<{ key_id: string; n: string }>`
        SELECT ${blobKeyId(c.column)} AS key_id, count(*)::text AS n FROM ${sql.table(c.table)}
        WHERE tenant_id = ${this.tenantId}::uuid AND ${sql.ref(c.column)} IS NOT NULL GROUP BY 1`.execute(
        this.tx,
      );
      for (const r of rows) counts.set(r.key_id, (counts.get(r.key_id) ?? 0) + Number(r.n));
    }
    return counts;
  }
}
