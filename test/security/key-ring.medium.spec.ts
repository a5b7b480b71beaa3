import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { ACTIVE_KEY_TTL_MS, TenantKeyRing } from '../../db/crypto/key-ring';
import { LocalMasterKey } from '../../db/crypto/master-key';
import { createDatabase, type Database } from '../../db/database';
import { TenantRepository } from '../../db/repositories/tenant.repository';
import { applicationDatabaseUrl } from '../../ops/runtime';
import { testConfig } from '../harness';

/** A master key that counts how often it wraps: one wrap is one data key created. */
class CountingKey extends LocalMasterKey {
  wraps = 0;
  override async wrap(dataKey: Buffer, context: string): Promise<Buffer> {
    this.wraps++;
    return super.wrap(dataKey, context);
  }
}

const within = <T>(ms: number, p: Promise<T>) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`not answered within ${ms} ms`)), ms),
    ),
  ]);

describe('the key ring under concurrent use', () => {
  const config = testConfig();
  let owner: Database;
  beforeAll(() => {
    owner = createDatabase(config.database.url!, { max: 2 });
  });
  afterAll(() => owner.destroy());

  const newTenant = async () =>
    (await TenantRepository.create(owner, `k-${randomUUID().slice(0, 8)}`, 'K')).id;

  it("creates one data key however many first uses of a tenant's key race", async () => {
    const db = createDatabase(applicationDatabaseUrl(config), { max: 2 });
    try {
      const master = new CountingKey(randomBytes(32).toString('base64'));
      const ring = new TenantKeyRing(db, master);
      const tenantId = await newTenant();
      const keys = await Promise.all(Array.from({ length: 20 }, () => ring.activeKey(tenantId)));
      expect(new Set(keys.map((k) => k.keyId)).size).toBe(1);
      expect(master.wraps).toBe(1);
    } finally {
      await db.destroy();
    }
  });

  it('keeps encrypting with the known key when its re-read is due and no connection is free', async () => {
    const db = createDatabase(applicationDatabaseUrl(config), { max: 1 });
    let now = Date.now();
    const ring = new TenantKeyRing(
      db,
      new CountingKey(randomBytes(32).toString('base64')),
      () => now,
    );
    const tenantId = await newTenant();
    const first = await ring.activeKey(tenantId);
    // Hold the pool's only connection, as a transaction that encrypts would.
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const held = db.transaction().execute(async (tx) => {
      await sql`SELECT 1`.execute(tx);
      entered();
      await new Promise<void>((r) => (release = r));
    });
    await inside;
    try {
      now += ACTIVE_KEY_TTL_MS + 1;
      await expect(within(1_000, ring.activeKey(tenantId))).resolves.toMatchObject({
        keyId: first.keyId,
      });
    } finally {
      release?.();
      await held;
      await db.destroy();
    }
  });
});
