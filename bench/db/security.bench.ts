/**
 * db security benchmarks on a fresh database of their own (dropped afterwards):
 *   1. audit events written per second, with the hash chain, as the app role
 *   2. `audit verify` time over 1M events
 *   3. encryption overhead when inserting 10k claims, against the same insert in clear
 * Run: node dist/bench/db/security.bench.js [--events 1000000] (figures go in README.md)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { AuditRepository, type AuditEntry } from '../../db/audit/audit.repository';
import { TenantKeyRing } from '../../db/crypto/key-ring';
import { LocalMasterKey } from '../../db/crypto/master-key';
import { PhiCipher } from '../../db/crypto/phi-cipher';
import { appDatabaseUrl, createDatabase, withDatabaseName, type Database } from '../../db/database';
import { migrateToLatest } from '../../db/migrator';
import { ClaimRepository } from '../../db/repositories/claim.repository';
import { RemittanceRepository } from '../../db/repositories/remittance.repository';
import { TenantRepository } from '../../db/repositories/tenant.repository';
import type { NewClaim } from '../../db/schema';
import { inTenant } from '../../db/unit-of-work';
import { loadConfig } from '../../ops/config';
import { ownerDatabaseUrl } from '../../ops/runtime';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    claims: { type: 'string', default: '10000' },
  },
});
const VERIFY_EVENTS = Number(values.events);
const CLAIMS = Number(values.claims);

const entry = (i: number): AuditEntry => ({
  action: 'claim.read',
  resourceType: 'claim',
  resourceId: randomUUID(),
  claimId: randomUUID(),
  purpose: 'payment',
  workflowId: `claim-${i}`,
});

async function timed<T>(what: string, work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await work();
  const ms = performance.now() - t0;
  console.log(`${what}: ${ms.toFixed(0)} ms`);
  return { ms, value };
}

async function auditThroughput(app: Database, tenantId: string): Promise<void> {
  const scope = { tenantId, actor: 'bench', role: 'system' };
  for (const batch of [1, 100, 1000]) {
    const total = batch === 1 ? 2_000 : 50_000;
    const { ms } = await timed(
      `audit: ${total} events, ${batch} per transaction, 1 writer`,
      async () => {
        for (let i = 0; i < total; i += batch)
          await inTenant(app, scope, (tx) =>
            new AuditRepository(tx).recordMany(
              Array.from({ length: batch }, (_, j) => entry(i + j)),
            ),
          );
      },
    );
    console.log(`  => ${Math.round((total / ms) * 1000)} events/s`);
  }
  const writers = 8;
  const perWriter = 500;
  const { ms } = await timed(
    `audit: ${writers} writers x ${perWriter} single-event transactions, one tenant`,
    () =>
      Promise.all(
        Array.from({ length: writers }, async () => {
          for (let i = 0; i < perWriter; i++)
            await inTenant(app, scope, (tx) => new AuditRepository(tx).record(entry(i)));
        }),
      ),
  );
  console.log(`  => ${Math.round(((writers * perWriter) / ms) * 1000)} events/s`);
}

async function verifyTime(admin: Database, app: Database, tenantId: string): Promise<void> {
  const scope = { tenantId, actor: 'bench', role: 'system' };
  await timed(`verify: appending ${VERIFY_EVENTS} events (1000 per transaction)`, async () => {
    for (let i = 0; i < VERIFY_EVENTS; i += 1000)
      await inTenant(app, scope, (tx) =>
        new AuditRepository(tx).recordMany(Array.from({ length: 1000 }, (_, j) => entry(i + j))),
      );
  });
  const { value } = await timed(`verify: audit verify over ${VERIFY_EVENTS}+ events`, () =>
    AuditRepository.verifyUnscoped(admin, { tenantId }),
  );
  console.log(`  => ${value[0]!.events} events, first broken: ${value[0]!.firstBroken ?? 'none'}`);
}

async function encryptionOverhead(
  app: Database,
  cipher: PhiCipher,
  tenantId: string,
): Promise<void> {
  const scope = { tenantId, actor: 'bench', role: 'system' };
  const file = async () => {
    const id = randomUUID();
    await inTenant(app, scope, (tx) =>
      new RemittanceRepository(tx).createOrGet({
        id,
        tenantId,
        sha256: randomBytes(32).toString('hex'),
        sizeBytes: 1,
        originalNameEnc: null,
        contentEnc: Buffer.from('x'),
      }),
    );
    return id;
  };
  const build = async (fileId: string, encrypt: boolean): Promise<NewClaim[]> => {
    const rows: NewClaim[] = [];
    for (let i = 0; i < CLAIMS; i++) {
      const id = randomUUID();
      const pcn = `PCN${i}`;
      const name = `DOE^JANE^${i}`;
      const member = `M${100000 + i}`;
      const ctx = (column: string) => ({ tenantId, column, rowId: id });
      rows.push({
        id,
        tenant_id: tenantId,
        remittance_file_id: fileId,
        transaction_control_number: '0001',
        payer_key: 'BENCH',
        payer_claim_control_number: `P${i}`,
        status_code: '4',
        outcome: 'denied',
        charge_cents: 10_000,
        paid_cents: 0,
        patient_responsibility_cents: 0,
        patient_control_number_enc: encrypt
          ? await cipher.encrypt(pcn, ctx('claims.patient_control_number_enc'))
          : Buffer.from(pcn),
        patient_control_number_bidx: encrypt
          ? await cipher.blindIndex(pcn, tenantId, 'patient_control_number')
          : '0'.repeat(64),
        patient_name_enc: encrypt
          ? await cipher.encrypt(name, ctx('claims.patient_name_enc'))
          : Buffer.from(name),
        member_id_enc: encrypt
          ? await cipher.encrypt(member, ctx('claims.member_id_enc'))
          : Buffer.from(member),
        member_id_bidx: encrypt
          ? await cipher.blindIndex(member, tenantId, 'member_id')
          : '0'.repeat(64),
      });
    }
    return rows;
  };
  await cipher.encrypt('warm-up', { tenantId, column: 'x', rowId: 'y' });
  const results: Record<string, number> = {};
  for (const mode of ['clear', 'encrypted', 'clear', 'encrypted'] as const) {
    const fileId = await file();
    const { ms } = await timed(`claims: ${CLAIMS} ${mode} (build + insert)`, async () => {
      const rows = await build(fileId, mode === 'encrypted');
      await inTenant(app, scope, (tx) => new ClaimRepository(tx).insertMany(rows));
    });
    results[mode] = ms; // the second, warm run counts
  }
  console.log(
    `  => encryption overhead: ${(results.encrypted! - results.clear!).toFixed(0)} ms for ${CLAIMS} claims (${((results.encrypted! / results.clear! - 1) * 100).toFixed(0)}%)`,
  );
}

async function main(): Promise<void> {
  const config = loadConfig();
  const name = `claimflow_bench_${Date.now().toString(36)}`;
  const adminUrl = withDatabaseName(ownerDatabaseUrl(config), name);
  await migrateToLatest(adminUrl, config.database.appPassword);
  const admin = createDatabase(adminUrl, { max: 2 });
  const app = createDatabase(
    appDatabaseUrl(adminUrl, config.database.appPassword, undefined, name),
    {
      max: 10,
    },
  );
  const cipher = new PhiCipher(
    new TenantKeyRing(app, new LocalMasterKey(randomBytes(32).toString('base64'))),
  );
  try {
    const t1 = await TenantRepository.create(admin, `bench-${Date.now()}`, 'bench');
    const t2 = await TenantRepository.create(admin, `bench-v-${Date.now()}`, 'bench verify');
    await auditThroughput(app, t1.id);
    await encryptionOverhead(app, cipher, t1.id);
    await verifyTime(admin, app, t2.id);
  } finally {
    await app.destroy();
    await admin.destroy();
    const c = new Client({
      connectionString: withDatabaseName(ownerDatabaseUrl(config), 'postgres'),
    });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
