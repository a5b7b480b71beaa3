/**
 * Recovery point and recovery time of the backups, on a database of its own
 * (claimflow_bench_backup_*, migrated, dropped at the end) filled like a busy
 * tenant's: claims with encrypted PHI columns and blind indexes, and a long
 * hash-chained audit trail. Measures `backup now`, `backup verify` and
 * `restore` (the same service functions the CLI and the schedule call).
 * Run: node dist/bench/ops/backup.bench.js [--claims 100000] [--events 500000]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { AuditRepository, type AuditEntry } from '../../db/audit/audit.repository';
import { TenantKeyRing } from '../../db/crypto/key-ring';
import { LocalMasterKey } from '../../db/crypto/master-key';
import { PhiCipher } from '../../db/crypto/phi-cipher';
import { appDatabaseUrl, createDatabase, withDatabaseName } from '../../db/database';
import { migrateToLatest } from '../../db/migrator';
import { BackupRepository } from '../../db/repositories/backup.repository';
import { ClaimRepository } from '../../db/repositories/claim.repository';
import { RemittanceRepository } from '../../db/repositories/remittance.repository';
import { TenantRepository } from '../../db/repositories/tenant.repository';
import type { NewClaim } from '../../db/schema';
import { inTenant } from '../../db/unit-of-work';
import { backupKeyFrom } from '../../ops/backup/backup-key';
import {
  createBackup,
  restoreBackup,
  verifyBackup,
  type BackupSettings,
} from '../../ops/backup/backup.service';
import { loadConfig } from '../../ops/config';
import { ownerDatabaseUrl } from '../../ops/runtime';

const { values } = parseArgs({
  options: {
    claims: { type: 'string', default: '100000' },
    events: { type: 'string', default: '500000' },
  },
});
const CLAIMS = Number(values.claims);
const EVENTS = Number(values.events);

async function timed<T>(what: string, work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await work();
  const ms = performance.now() - t0;
  console.log(`${what}: ${(ms / 1000).toFixed(1)} s`);
  return { ms, value };
}

async function seed(adminUrl: string, appPassword: string): Promise<void> {
  const admin = createDatabase(adminUrl, { max: 2 });
  const app = createDatabase(appDatabaseUrl(adminUrl, appPassword), { max: 4 });
  const cipher = new PhiCipher(
    new TenantKeyRing(app, new LocalMasterKey(randomBytes(32).toString('base64'))),
  );
  try {
    for (const [t, share] of [
      ['a', 0.7],
      ['b', 0.3],
    ] as const) {
      const tenant = await TenantRepository.create(admin, `bench-${t}-${Date.now()}`, `bench ${t}`);
      const scope = { tenantId: tenant.id, actor: 'bench', role: 'system' };
      const fileId = randomUUID();
      await inTenant(app, scope, (tx) =>
        new RemittanceRepository(tx).createOrGet({
          id: fileId,
          tenantId: tenant.id,
          sha256: randomBytes(32).toString('hex'),
          sizeBytes: 1,
          originalNameEnc: null,
          contentEnc: randomBytes(64 * 1024),
        }),
      );
      const claims = Math.round(CLAIMS * share);
      for (let i = 0; i < claims; i += 2000) {
        const rows: NewClaim[] = [];
        for (let j = i; j < Math.min(claims, i + 2000); j++) {
          const id = randomUUID();
          const ctx = (column: string) => ({ tenantId: tenant.id, column, rowId: id });
          rows.push({
            id,
            tenant_id: tenant.id,
            remittance_file_id: fileId,
            transaction_control_number: String(1 + Math.floor(j / 5000)).padStart(4, '0'),
            payer_key: 'BENCH',
            payer_claim_control_number: `P${j}`,
            status_code: '4',
            outcome: 'denied',
            charge_cents: 10_000 + j,
            paid_cents: 0,
            patient_responsibility_cents: 0,
            patient_control_number_enc: await cipher.encrypt(
              `PCN${j}`,
              ctx('claims.patient_control_number_enc'),
            ),
            patient_control_number_bidx: await cipher.blindIndex(
              `PCN${j}`,
              tenant.id,
              'patient_control_number',
            ),
            patient_name_enc: await cipher.encrypt(`DOE^JANE^${j}`, ctx('claims.patient_name_enc')),
            member_id_enc: await cipher.encrypt(`M${100000 + j}`, ctx('claims.member_id_enc')),
            member_id_bidx: await cipher.blindIndex(`M${100000 + j}`, tenant.id, 'member_id'),
          });
        }
        await inTenant(app, scope, (tx) => new ClaimRepository(tx).insertMany(rows));
      }
      const events = Math.round(EVENTS * share);
      const entry = (i: number): AuditEntry => ({
        action: 'claim.read',
        resourceType: 'claim',
        resourceId: randomUUID(),
        claimId: randomUUID(),
        purpose: 'payment',
        workflowId: `claim-${i}`,
      });
      for (let i = 0; i < events; i += 1000)
        await inTenant(app, scope, (tx) =>
          new AuditRepository(tx).recordMany(
            Array.from({ length: Math.min(1000, events - i) }, (_, k) => entry(i + k)),
          ),
        );
    }
  } finally {
    await app.destroy();
    await admin.destroy();
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const name = `claimflow_bench_backup_${Date.now().toString(36)}`;
  const restored = `${name}_restored`;
  const adminUrl = withDatabaseName(ownerDatabaseUrl(config), name);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimflow-backup-bench-'));
  const s: BackupSettings = {
    dir,
    key: backupKeyFrom(randomBytes(32).toString('base64')),
    ownerUrl: adminUrl,
    appPassword: config.database.appPassword,
    pgBinDir: config.backup.pgBinDir,
    retainCount: 14,
    retainDays: 35,
  };
  const maintenance = createDatabase(withDatabaseName(adminUrl, 'postgres'), { max: 1 });
  try {
    await migrateToLatest(adminUrl, config.database.appPassword);
    await timed(`seed: ${CLAIMS} encrypted claims, ${EVENTS} audit events`, () =>
      seed(adminUrl, config.database.appPassword),
    );
    const size = await BackupRepository.databaseSize(maintenance, name);
    console.log(`database size: ${(size / 1024 / 1024).toFixed(0)} MB`);
    const backup = await timed('backup now (pg_dump -Fc, encrypted, manifest)', () =>
      createBackup(s),
    );
    const rows = Object.values(backup.value.tables).reduce((a, b) => a + b, 0);
    console.log(`  => ${rows} rows, ${(backup.value.bytes / 1024 / 1024).toFixed(1)} MB file`);
    const verify = await timed('backup verify (sha256, restore to scratch, counts, chains)', () =>
      verifyBackup(s, backup.value.name),
    );
    console.log(
      `  => ok ${verify.value.ok}, restore part ${(verify.value.restoreMs / 1000).toFixed(1)} s`,
    );
    await timed('restore into an empty database (+ migrate, grants)', () =>
      restoreBackup(s, backup.value.name, { target: restored }),
    );
  } finally {
    for (const db of [name, restored]) await BackupRepository.dropDatabase(maintenance, db);
    await maintenance.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
