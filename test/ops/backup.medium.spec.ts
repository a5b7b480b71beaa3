/**
 * "Backup, then drop and restore into a scratch database: every row and an
 * intact audit chain come back." A database of its own (two tenants, a claim
 * each being worked) is backed up through the CLI, verified, dropped, and
 * restored; every table's rows are compared by checksum with what was there.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AuditRepository } from '../../db/audit/audit.repository';
import { appDatabaseUrl, createDatabase, withDatabaseName, type Database } from '../../db/database';
import { migrateToLatest } from '../../db/migrator';
import { BackupRepository } from '../../db/repositories/backup.repository';
import type { Tenant } from '../../db/schema';
import { inTenant } from '../../db/unit-of-work';
import { ensureBackupSchedule } from '../../ops/backup/backup-schedule';
import type { BackupManifest } from '../../ops/backup/backup-manifest';
import { loadConfig } from '../../ops/config';
import { claimWorkflowId, getClaimState } from '../../workflows/contracts';
import { eventually, startStack, testConfig, type TestStack } from '../harness';
import { ensureDist, upload } from '../resilience/support';
import { remitFor, uniquePatient, type Patient } from '../synthetic-remit';
import { cli, ensurePgClient, leaks, phiOf, ROOT } from './support';

const RUN_DIR = path.join(ROOT, '.data', 'test', process.env.CLAIMFLOW_TEST_RUN_ID ?? 'unit');
const BACKUP_DIR = path.join(RUN_DIR, `backups-${randomUUID().slice(0, 8)}`);
const KEY = randomBytes(32).toString('base64');
const SOURCE = `claimflow_bk_${randomBytes(4).toString('hex')}`;

describe('backups survive the loss of the database', () => {
  let sourceUrl: string;
  let stack: TestStack | undefined;
  let tenants: Tenant[];
  let patients: Patient[];
  let manifest: BackupManifest;
  let before: Record<string, string>;
  const env = () => ({ DATABASE_URL: sourceUrl, BACKUP_DIR, CLAIMFLOW_BACKUP_KEY: KEY });
  const run = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    cli(testConfig(env()), args, { env: { ...env(), ...extra } });
  const withDb = async <T>(url: string, work: (db: Database) => Promise<T>) => {
    const db = createDatabase(url, { max: 1 });
    try {
      return await work(db);
    } finally {
      await db.destroy();
    }
  };

  beforeAll(async () => {
    ensurePgClient();
    await ensureDist();
    sourceUrl = withDatabaseName(process.env.CLAIMFLOW_TEST_DATABASE_URL!, SOURCE);
    await migrateToLatest(sourceUrl, loadConfig().database.appPassword);
    stack = await startStack({ env: env() });
    tenants = [await stack.newTenant(), await stack.newTenant()];
    patients = [uniquePatient(), uniquePatient()];
    const s = stack;
    const files = await Promise.all(
      tenants.map((t, i) =>
        upload(s.runtime, s.temporal, s.config, t.id, remitFor(patients[i]!, 'denied')),
      ),
    );
    // Quiet before the backup: each claim waits for a person, so no activity writes meanwhile.
    for (const f of files) {
      const claimId = await eventually(
        'claim stored',
        async () =>
          (
            await s.ownerDb
              .selectFrom('claims')
              .select('id')
              .where('remittance_file_id', '=', f.id)
              .executeTakeFirst()
          )?.id,
      );
      await eventually('awaiting review', async () => {
        const st = await s.temporal.workflow
          .getHandle(claimWorkflowId(claimId))
          .query(getClaimState);
        return st.state === 'awaiting_review' ? st : undefined;
      });
    }
  }, 180_000);
  afterAll(async () => {
    await stack?.close();
    const maintenance = withDatabaseName(process.env.CLAIMFLOW_TEST_DATABASE_URL!, 'postgres');
    await withDb(maintenance, async (db) => {
      for (const name of [SOURCE, `${SOURCE}_scratch`])
        await BackupRepository.dropDatabase(db, name);
    });
    fs.rmSync(BACKUP_DIR, { recursive: true, force: true });
  });

  it('takes an encrypted backup whose manifest counts every table and names each tenant’s chain head', async () => {
    const r = await run(['backup', 'now']);
    expect(r.stderr).toMatch(/backup claimflow-\d{8}T\d{6}Z-[0-9a-f]{6}: [\d.]+ MB in [\d.]+ s/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { name: string; rows: number };
    manifest = JSON.parse(
      fs.readFileSync(path.join(BACKUP_DIR, `${out.name}.manifest.json`), 'utf8'),
    ) as BackupManifest;
    const facts = await BackupRepository.facts(stack!.ownerDb);
    expect(manifest.tables).toEqual(facts.tables);
    expect(manifest.tables.claims).toBe(2);
    expect(manifest.auditHeads.map((h) => h.tenantId).sort()).toEqual(
      tenants.map((t) => t.id).sort(),
    );
    expect(out.rows).toBe(Object.values(facts.tables).reduce((a, b) => a + b, 0));
    const dump = fs.readFileSync(path.join(BACKUP_DIR, manifest.file));
    expect(dump.subarray(0, 4).toString()).toBe('CFBK');
    expect(dump.includes(Buffer.from('PGDMP'))).toBe(false);
    expect(leaks(dump.toString('latin1'), patients.flatMap(phiOf))).toEqual([]);
    expect(fs.statSync(path.join(BACKUP_DIR, manifest.file)).mode & 0o077).toBe(0);
  });

  it('lists the backup with its size and rows, and no PHI', async () => {
    const r = await run(['backup', 'list', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toContainEqual(
      expect.objectContaining({
        name: manifest.name,
        bytes: manifest.bytes,
        keyId: manifest.keyId,
      }),
    );
  });

  it('verifies the backup by restoring it into a scratch database: counts match and chains are intact', async () => {
    const r = await run(['backup', 'verify', manifest.name, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      mismatches: unknown[];
      headsMatch: boolean;
      chains: { tenantId: string; firstBroken?: number; events: number }[];
    };
    expect(report).toMatchObject({ ok: true, mismatches: [], headsMatch: true });
    for (const t of tenants)
      expect(report.chains.find((c) => c.tenantId === t.id)).toMatchObject({
        events: expect.any(Number),
      });
    expect(report.chains.every((c) => c.firstBroken === undefined)).toBe(true);
  });

  it('runs the same backup from a Temporal schedule, created and updated idempotently', async () => {
    const scheduleId = `backup-spec-${randomUUID()}`;
    const config = stack!.config;
    expect((await ensureBackupSchedule(stack!.temporal, config, { scheduleId })).change).toBe(
      'created',
    );
    try {
      expect((await ensureBackupSchedule(stack!.temporal, config, { scheduleId })).change).toBe(
        'updated',
      );
      const handle = stack!.temporal.schedule.getHandle(scheduleId);
      const d = await handle.describe();
      // The cron expression comes back as the calendar it stands for: 02:30 UTC daily.
      expect(d.spec.calendars).toHaveLength(1);
      expect(d.spec.calendars![0]).toMatchObject({
        hour: [{ start: 2, end: 2 }],
        minute: [{ start: 30, end: 30 }],
      });
      expect(d.spec.timezone).toBe('UTC');
      expect(d.action).toMatchObject({
        type: 'startWorkflow',
        workflowType: 'databaseBackup',
        taskQueue: config.temporal.taskQueue,
      });
      const known = new Set(fs.readdirSync(BACKUP_DIR));
      await handle.trigger();
      const made = await eventually(
        'scheduled backup written',
        async () =>
          fs.readdirSync(BACKUP_DIR).find((f) => f.endsWith('.manifest.json') && !known.has(f)),
        60_000,
      );
      expect(made).toMatch(/^claimflow-.+\.manifest\.json$/);
    } finally {
      const off = loadConfig({ ...process.env, ...env(), BACKUP_CRON: 'off' });
      expect((await ensureBackupSchedule(stack!.temporal, off, { scheduleId })).change).toBe(
        'deleted',
      );
    }
  });

  it('refuses to back up as a role that cannot read every tenant, or without pg_dump, in one line', async () => {
    const app = appDatabaseUrl(sourceUrl, loadConfig().database.appPassword);
    const weak = await run(['backup', 'now'], { DATABASE_URL: app });
    expect(weak.code).toBe(1);
    expect(weak.stderr.trim()).toBe(
      'claimflow cli: a backup reads every tenant\'s rows: the role "claimflow_app" of DATABASE_URL is neither a superuser nor BYPASSRLS',
    );
    const missing = await run(['backup', 'now'], { PG_BIN_DIR: '/nonexistent/pg' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^claimflow cli: pg_dump not found in PG_BIN_DIR \(\/nonexistent\/pg\): install/,
    );
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a backup whose dump or manifest was changed, or that needs another key', async () => {
    const tampered = path.join(RUN_DIR, `tampered-${randomUUID().slice(0, 8)}`);
    fs.mkdirSync(tampered, { recursive: true });
    const copy = (name: string) =>
      fs.copyFileSync(path.join(BACKUP_DIR, name), path.join(tampered, name));
    copy(manifest.file);
    copy(`${manifest.name}.manifest.json`);
    const dumpFile = path.join(tampered, manifest.file);
    const bytes = fs.readFileSync(dumpFile);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    fs.writeFileSync(dumpFile, bytes);
    const changed = await run(['backup', 'verify', manifest.name], { BACKUP_DIR: tampered });
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain(`${manifest.file} does not match its manifest's sha256`);
    const restored = await run(['restore', manifest.name, '--target', `${SOURCE}_scratch`], {
      BACKUP_DIR: tampered,
    });
    expect(restored.code).toBe(1);
    expect(restored.stderr).toMatch(
      /backup chunk \d+ failed authentication: the file was changed or damaged/,
    );

    const m = JSON.parse(
      fs.readFileSync(path.join(tampered, `${manifest.name}.manifest.json`), 'utf8'),
    ) as BackupManifest;
    fs.writeFileSync(
      path.join(tampered, `${manifest.name}.manifest.json`),
      JSON.stringify({ ...m, tables: { ...m.tables, claims: 1 } }),
    );
    const edited = await run(['backup', 'verify', manifest.name], { BACKUP_DIR: tampered });
    expect(edited.stderr).toContain(
      `the manifest of ${manifest.name} was changed after it was written`,
    );

    const otherKey = await run(['backup', 'verify', manifest.name], {
      CLAIMFLOW_BACKUP_KEY: randomBytes(32).toString('base64'),
    });
    expect(otherKey.code).toBe(1);
    expect(otherKey.stderr).toMatch(
      new RegExp(
        `backup ${manifest.name} was encrypted with backup key ${manifest.keyId}; the configured key is [0-9a-f]{16}`,
      ),
    );
  });

  it('restores every row and an intact audit chain after the database is dropped', async () => {
    before = await BackupRepository.tableDigests(stack!.ownerDb);
    await stack!.close();
    stack = undefined;
    const maintenance = withDatabaseName(sourceUrl, 'postgres');
    await withDb(maintenance, (db) => BackupRepository.dropDatabase(db, SOURCE));
    expect(await withDb(maintenance, (db) => BackupRepository.databaseExists(db, SOURCE))).toBe(
      false,
    );

    const r = await run(['restore', manifest.name, '--target', SOURCE]);
    expect(r.stderr).toMatch(/restored claimflow-.+ into claimflow_bk_[0-9a-f]+ in [\d.]+ s/);
    expect(r.code).toBe(0);
    await withDb(sourceUrl, async (db) => {
      expect(await BackupRepository.tableDigests(db)).toEqual(before);
      const chains = await AuditRepository.verifyUnscoped(db);
      expect(chains.every((c) => c.firstBroken === undefined)).toBe(true);
      expect(chains.map((c) => [c.tenantId, c.lastSeq]).sort()).toEqual(
        manifest.auditHeads.map((h) => [h.tenantId, h.seq]).sort(),
      );
    });
    // The application role reads the restored rows under RLS, its own tenant's only, and the chain goes on.
    const app = createDatabase(appDatabaseUrl(sourceUrl, loadConfig().database.appPassword), {
      max: 1,
    });
    try {
      const scope = { tenantId: tenants[0]!.id, actor: 'system:spec' };
      const claims = await inTenant(app, scope, (tx) =>
        tx.selectFrom('claims').select(['id', 'tenant_id']).execute(),
      );
      expect(claims.map((c) => c.tenant_id)).toEqual([tenants[0]!.id]);
      const { seq } = await inTenant(app, scope, (tx) =>
        new AuditRepository(tx).record({
          action: 'backup.restored',
          resourceType: 'backup',
          purpose: 'operations',
        }),
      );
      const head = manifest.auditHeads.find((h) => h.tenantId === tenants[0]!.id)!;
      expect(seq).toBe(head.seq + 1);
    } finally {
      await app.destroy();
    }
    await withDb(sourceUrl, async (db) => {
      expect(
        (await AuditRepository.verifyUnscoped(db)).every((c) => c.firstBroken === undefined),
      ).toBe(true);
    });
  });

  it('refuses to restore over a database that holds tables unless forced', async () => {
    const digests = await withDb(sourceUrl, (db) => BackupRepository.tableDigests(db));
    const refused = await run(['restore', manifest.name, '--target', SOURCE]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(`database ${SOURCE} is not empty \\(\\d+ tables\\): pass --force to replace it`),
    );
    expect(await withDb(sourceUrl, (db) => BackupRepository.tableDigests(db))).toEqual(digests);
    const forced = await run(['restore', manifest.name, '--target', SOURCE, '--force']);
    expect(forced.code).toBe(0);
    // The event appended after the first restore is gone: the database is the backup's again.
    expect(await withDb(sourceUrl, (db) => BackupRepository.tableDigests(db))).toEqual(before);
  });
});
