import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { sql } from 'kysely';
import { TenantKeyRing } from '../../db/crypto/key-ring';
import { rewrapTenantKeys, rotateDataKey } from '../../db/crypto/key-rotation';
import { LocalMasterKey, MasterKeySet } from '../../db/crypto/master-key';
import { DecryptionError, PhiCipher } from '../../db/crypto/phi-cipher';
import { aadColumn, PHI_COLUMNS } from '../../db/crypto/phi-columns';
import { ClaimRepository } from '../../db/repositories/claim.repository';
import type { Claim } from '../../db/schema';
import { inTenant } from '../../db/unit-of-work';
import type { CommandContext } from '../../ops/cli/command';
import { securityCommands } from '../../ops/cli/security.commands';
import { loadMasterKey } from '../../ops/master-key';
import { testConfig } from '../harness';
import { FIXTURE_835, ingestFixture, securityWorld, type SecurityWorld } from './factory';

/** What the fixture's NM1*QC segment says about its patient. */
const PHI = ['BACH', 'JOHANN', '00001612', '2005555A'];

/** Every row of every table of the database as text, the way a stolen dump would read. */
async function dump(world: SecurityWorld): Promise<string> {
  const { rows: tables } = await sql<{ t: string }>`
    SELECT c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'm') ORDER BY 1`.execute(world.admin);
  const parts: string[] = [];
  for (const { t } of tables) {
    const { rows } = await sql<{ r: string }>`SELECT x::text AS r FROM ${sql.table(t)} x`.execute(
      world.admin,
    );
    parts.push(...rows.map((r) => r.r));
  }
  return parts.join('\n');
}

function readAll(world: SecurityWorld, tenantId: string, cipher: PhiCipher) {
  return inTenant(world.runtime.db, { tenantId, actor: 'test', role: 'admin' }, async (tx) => {
    const claims = await tx.selectFrom('claims').selectAll().execute();
    const names: string[] = [];
    for (const c of claims) {
      const ctx = (column: string) => ({ tenantId, column, rowId: c.id });
      names.push(
        await cipher.decrypt(
          c.patient_control_number_enc,
          ctx('claims.patient_control_number_enc'),
        ),
      );
      if (c.patient_name_enc)
        names.push(await cipher.decrypt(c.patient_name_enc, ctx('claims.patient_name_enc')));
      if (c.member_id_enc)
        names.push(await cipher.decrypt(c.member_id_enc, ctx('claims.member_id_enc')));
    }
    return names.sort();
  });
}

describe('PHI at rest', () => {
  let world: SecurityWorld;
  beforeAll(() => {
    world = securityWorld();
  });
  afterAll(() => world.close());

  it('the fixture really holds the names and ids this spec looks for', () => {
    const text = fs.readFileSync(FIXTURE_835, 'utf8');
    for (const v of PHI) expect(text).toContain(v);
  });

  it('leaves no patient name, member id or control number in any table, in text or hex', async () => {
    const t = await world.newTenant('dump');
    await ingestFixture(world.runtime, t.id);
    const text = (await dump(world)).toUpperCase();
    for (const v of PHI) {
      expect(text).not.toContain(v);
      expect(text).not.toContain(Buffer.from(v).toString('hex').toUpperCase());
    }
  });

  it('reads every value back and finds the claim by its member id blind index', async () => {
    const t = await world.newTenant('read');
    await ingestFixture(world.runtime, t.id);
    expect(await readAll(world, t.id, world.runtime.cipher)).toEqual([
      '00001612',
      '2005555A',
      'BACH^JOHANN^S',
    ]);
    const bidx = await world.runtime.cipher.blindIndex('00001612', t.id, 'member_id');
    const found = await inTenant(
      world.runtime.db,
      { tenantId: t.id, actor: 't', role: 'admin' },
      (tx) => new ClaimRepository(tx).findByIndex('member_id_bidx', bidx),
    );
    expect(found).toHaveLength(1);
  });

  it('refuses a ciphertext copied to another row', async () => {
    const t = await world.newTenant('move-row');
    await ingestFixture(world.runtime, t.id);
    await ingestFixture(world.runtime, t.id);
    const [one, two] = await claimsOf(t.id, 2);
    await expect(
      world.runtime.cipher.decrypt(one!.member_id_enc!, {
        tenantId: t.id,
        column: 'claims.member_id_enc',
        rowId: two!.id,
      }),
    ).rejects.toThrow(DecryptionError);
  });

  it("refuses a ciphertext copied into another tenant's row", async () => {
    const a = await world.newTenant('move-a');
    const b = await world.newTenant('move-b');
    await ingestFixture(world.runtime, a.id);
    await ingestFixture(world.runtime, b.id);
    const [fromA] = await claimsOf(a.id, 1);
    const [ofB] = await claimsOf(b.id, 1);
    await expect(
      world.runtime.cipher.decrypt(fromA!.member_id_enc!, {
        tenantId: b.id,
        column: 'claims.member_id_enc',
        rowId: ofB!.id,
      }),
    ).rejects.toThrow();
  });

  it('cannot read anything with a different master key', async () => {
    const t = await world.newTenant('wrong-key');
    await ingestFixture(world.runtime, t.id);
    const stranger = new PhiCipher(
      new TenantKeyRing(world.runtime.db, new LocalMasterKey(randomBytes(32).toString('base64'))),
    );
    await expect(readAll(world, t.id, stranger)).rejects.toThrow();
  });

  it('keeps every value readable through a data-key rotation and leaves none under the old key', async () => {
    const t = await world.newTenant('rotate');
    await ingestFixture(world.runtime, t.id);
    const before = await readAll(world, t.id, world.runtime.cipher);
    const oldKey = world.runtime.cipher.keyIdOf((await claimsOf(t.id, 1))[0]!.member_id_enc!);
    const master = new LocalMasterKey(loadMasterKey(testConfig()));
    const report = await rotateDataKey(world.owner, master, t.id, { batchSize: 1 });
    expect(report).toMatchObject({ retiredKeyId: oldKey, remaining: 0 });
    expect(report.reencrypted).toBeGreaterThanOrEqual(5);
    expect(report.activeKeyId).not.toBe(oldKey);
    // A process that cached the old key still reads; a fresh one reads the new blobs.
    expect(await readAll(world, t.id, world.runtime.cipher)).toEqual(before);
    const fresh = new PhiCipher(new TenantKeyRing(world.runtime.db, master));
    expect(await readAll(world, t.id, fresh)).toEqual(before);
    const [claim] = await claimsOf(t.id, 1);
    expect(fresh.keyIdOf(claim!.member_id_enc!)).toBe(report.activeKeyId);
  });

  it('keeps values and blind indexes working after a master-key re-wrap, and needs the old master key for it', async () => {
    const t = await world.newTenant('rewrap');
    await ingestFixture(world.runtime, t.id);
    const before = await readAll(world, t.id, world.runtime.cipher);
    const bidx = await world.runtime.cipher.blindIndex('00001612', t.id, 'member_id');
    const oldMaster = new LocalMasterKey(loadMasterKey(testConfig()));
    const newMaster = new LocalMasterKey(randomBytes(32).toString('base64'));
    await expect(rewrapTenantKeys(world.owner, newMaster, t.id)).rejects.toThrow(/master key/);
    const n = await rewrapTenantKeys(world.owner, new MasterKeySet(newMaster, [oldMaster]), t.id);
    expect(n).toBe(2); // the data key and the index key
    const onlyNew = new PhiCipher(new TenantKeyRing(world.runtime.db, newMaster));
    expect(await readAll(world, t.id, onlyNew)).toEqual(before);
    expect(await onlyNew.blindIndex('00001612', t.id, 'member_id')).toBe(bidx);
  });

  it('rotates through `keys rotate --tenant` and refuses an unknown tenant', async () => {
    const t = await world.newTenant('cli-rotate');
    await ingestFixture(world.runtime, t.id);
    const out: string[] = [];
    const ctx: CommandContext = {
      config: () => testConfig(),
      log: () => undefined,
      stdout: { write: (s: string) => out.push(s) } as never,
      stderr: { write: () => true } as never,
      stdin: process.stdin,
    };
    const rotate = securityCommands.find((c) => c.name === 'keys rotate')!;
    expect(await rotate.run(['--tenant', t.slug], ctx)).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ tenant: t.slug, remaining: 0 });
    await expect(rotate.run(['--tenant', 'no-such-tenant'], ctx)).rejects.toMatchObject({
      code: 'TENANT_NOT_FOUND',
    });
  });

  it('lists every encrypted column for rotation (a new *_enc column fails here until it is added)', async () => {
    const { rows } = await sql<{ c: string }>`
      SELECT table_name || '.' || column_name AS c FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name LIKE '%\\_enc' ORDER BY 1`.execute(world.admin);
    expect(rows.map((r) => r.c)).toEqual(PHI_COLUMNS.map(aadColumn).sort());
  });

  async function claimsOf(tenantId: string, n: number): Promise<Claim[]> {
    return inTenant(world.runtime.db, { tenantId, actor: 't', role: 'admin' }, (tx) =>
      tx.selectFrom('claims').selectAll().where('member_id_enc', 'is not', null).limit(n).execute(),
    );
  }
});
