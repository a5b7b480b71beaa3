import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AuditRepository, type ChainReport } from '../../db/audit/audit.repository';
import { createDatabase, withDatabaseName, type Database } from '../../db/database';
import { migrateToLatest } from '../../db/migrator';
import { BackupRepository } from '../../db/repositories/backup.repository';
import type { Config } from '../config';
import { ownerDatabaseUrl } from '../runtime';
import { CHUNK_BYTES, DecryptStream, EncryptStream } from './backup-cipher';
import { loadBackupKey, type BackupKey } from './backup-key';
import {
  BackupError,
  checkManifest,
  dumpPath,
  FORMAT,
  listManifests,
  findManifest,
  manifestPath,
  newBackupName,
  planPrune,
  signManifest,
  type BackupManifest,
} from './backup-manifest';
import { checkMajor, findPgTool, libpqEnv, runPgTool } from './pg-tools';

export interface BackupSettings {
  dir: string;
  key: BackupKey;
  ownerUrl: string;
  appPassword: string;
  pgBinDir: string | undefined;
  retainCount: number;
  retainDays: number;
}

export function backupSettings(config: Config): BackupSettings {
  return {
    dir: config.backup.dir,
    key: loadBackupKey(config),
    ownerUrl: ownerDatabaseUrl(config),
    appPassword: config.database.appPassword,
    pgBinDir: config.backup.pgBinDir,
    retainCount: config.backup.retainCount,
    retainDays: config.backup.retainDays,
  };
}

async function withDb<T>(url: string, work: (db: Database) => Promise<T>): Promise<T> {
  const db = createDatabase(url, { max: 1 });
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

const maintenanceUrl = (url: string) => withDatabaseName(url, 'postgres');

function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  return pipeline(fs.createReadStream(file), async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) hash.update(chunk);
  }).then(() => hash.digest('hex'));
}

/**
 * pg_dump (custom format) of one exported snapshot, encrypted as it streams
 * into the backup folder; the manifest's counts and chain heads come from the
 * same snapshot, so they describe exactly what the dump holds.
 */
export async function createBackup(
  s: BackupSettings,
  opts: { now?: Date; onProgress?: (bytes: number) => void } = {},
): Promise<BackupManifest> {
  const started = opts.now ?? new Date();
  const t0 = performance.now();
  return withDb(s.ownerUrl, async (admin) => {
    const { role, bypasses } = await BackupRepository.bypassesRls(admin);
    if (!bypasses)
      throw new BackupError(
        'BACKUP_PRIVILEGE',
        `a backup reads every tenant's rows: the role "${role}" of DATABASE_URL is neither a superuser nor BYPASSRLS`,
      );
    const server = await BackupRepository.serverVersion(admin);
    const dump = findPgTool('pg_dump', s.pgBinDir);
    checkMajor('pg_dump', dump.major, server.major);
    fs.mkdirSync(s.dir, { recursive: true, mode: 0o700 });
    const name = newBackupName(started);
    const file = dumpPath(s.dir, name);
    const partial = `${file}.partial`;
    try {
      return await BackupRepository.inExportedSnapshot(admin, async (snapshot, facts) => {
        const hash = crypto.createHash('sha256');
        let bytes = 0;
        const tap = new Transform({
          transform(chunk: Buffer, _enc, done) {
            hash.update(chunk);
            bytes += chunk.length;
            opts.onProgress?.(bytes);
            done(null, chunk);
          },
        });
        const encrypt = new EncryptStream(s.key);
        const written = pipeline(encrypt, tap, fs.createWriteStream(partial, { mode: 0o600 }));
        const dumped = runPgTool(
          dump.bin,
          ['--format=custom', `--snapshot=${snapshot}`, '--no-password'],
          s.ownerUrl,
          { stdout: encrypt },
        );
        const [d, w] = await Promise.allSettled([dumped, written]);
        if (d.status === 'rejected') throw d.reason;
        if (w.status === 'rejected') throw w.reason;
        fs.renameSync(partial, file);
        const manifest = signManifest(
          {
            format: FORMAT,
            name,
            file: `${name}.dump.enc`,
            createdAt: started.toISOString(),
            durationMs: Math.round(performance.now() - t0),
            database: libpqEnv(s.ownerUrl).dbname,
            server: server.version,
            pgDump: dump.version,
            bytes,
            sha256: hash.digest('hex'),
            keyId: s.key.id,
            cipher: `aes-256-gcm, ${CHUNK_BYTES / 1024 / 1024} MiB chunks`,
            tables: facts.tables,
            auditHeads: facts.auditHeads,
          },
          s.key,
        );
        // The manifest last, and whole: a backup exists only once it does.
        const tmp = `${manifestPath(s.dir, name)}.tmp`;
        fs.writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
        fs.renameSync(tmp, manifestPath(s.dir, name));
        return manifest;
      });
    } finally {
      fs.rmSync(partial, { force: true });
    }
  });
}

/** Creates the cluster's roles (a new cluster has none) and restores the archive in one transaction. */
async function restoreInto(s: BackupSettings, m: BackupManifest, targetUrl: string): Promise<void> {
  const restore = findPgTool('pg_restore', s.pgBinDir);
  checkMajor('pg_restore', restore.major, Number(/^\d+/.exec(m.pgDump)?.[0] ?? 0));
  const file = dumpPath(s.dir, m.name);
  const size = fs.statSync(file, { throwIfNoEntry: false })?.size;
  if (size === undefined)
    throw new BackupError(
      'BACKUP_NOT_FOUND',
      `${file} is missing: its manifest has no dump beside it`,
    );
  if (size !== m.bytes)
    throw new BackupError(
      'BACKUP_CORRUPT',
      `${file} has ${size} bytes, its manifest says ${m.bytes}: it was changed or cut short`,
    );
  await withDb(targetUrl, (db) => BackupRepository.ensureRoles(db, s.appPassword));
  await runPgTool(
    restore.bin,
    [
      '--exit-on-error',
      '--single-transaction',
      '--no-password',
      `--dbname=${libpqEnv(targetUrl).dbname}`,
    ],
    targetUrl,
    { stdin: fs.createReadStream(file).pipe(new DecryptStream(s.key)) },
  );
}

export interface VerifyReport {
  name: string;
  ok: boolean;
  tables: number;
  rows: number;
  /** Tables whose restored row count differs from the manifest's. */
  mismatches: { table: string; expected: number; restored: number }[];
  chains: ChainReport[];
  headsMatch: boolean;
  restoreMs: number;
}

/**
 * Restores a backup into a scratch database on the same server, compares
 * every table's row count with the manifest, recomputes every audit chain and
 * compares its head with the one recorded; the scratch database is dropped.
 */
export async function verifyBackup(s: BackupSettings, ref: string): Promise<VerifyReport> {
  const m = findManifest(s.dir, ref);
  checkManifest(m, s.key);
  if ((await sha256File(dumpPath(s.dir, m.name)).catch(() => '')) !== m.sha256)
    throw new BackupError('BACKUP_CORRUPT', `${m.file} does not match its manifest's sha256`);
  const scratch = `claimflow_verify_${crypto.randomBytes(4).toString('hex')}`;
  const scratchUrl = withDatabaseName(s.ownerUrl, scratch);
  await withDb(maintenanceUrl(s.ownerUrl), (db) =>
    BackupRepository.recreateDatabase(db, scratch, false),
  );
  try {
    const t0 = performance.now();
    await restoreInto(s, m, scratchUrl);
    const restoreMs = Math.round(performance.now() - t0);
    return await withDb(scratchUrl, async (db) => {
      const facts = await BackupRepository.facts(db);
      const names = new Set([...Object.keys(m.tables), ...Object.keys(facts.tables)]);
      const mismatches = [...names]
        .filter((t) => m.tables[t] !== facts.tables[t])
        .map((t) => ({ table: t, expected: m.tables[t] ?? 0, restored: facts.tables[t] ?? 0 }));
      const chains = await AuditRepository.verifyUnscoped(db);
      const headsMatch = JSON.stringify(facts.auditHeads) === JSON.stringify(m.auditHeads);
      return {
        name: m.name,
        ok: !mismatches.length && headsMatch && chains.every((c) => c.firstBroken === undefined),
        tables: Object.keys(facts.tables).length,
        rows: Object.values(facts.tables).reduce((a, b) => a + b, 0),
        mismatches,
        chains,
        headsMatch,
        restoreMs,
      };
    });
  } finally {
    await withDb(maintenanceUrl(s.ownerUrl), (db) => BackupRepository.dropDatabase(db, scratch));
  }
}

/**
 * Restores a backup into a database (the configured one unless named),
 * refusing one that holds tables unless forced, which drops it first. Then
 * the migrator grants the app role its connection and applies any migration
 * newer than the backup.
 */
export async function restoreBackup(
  s: BackupSettings,
  ref: string,
  opts: { target?: string; force?: boolean } = {},
): Promise<{ name: string; database: string; durationMs: number; rows: number }> {
  const m = findManifest(s.dir, ref);
  checkManifest(m, s.key);
  const targetUrl = !opts.target
    ? s.ownerUrl
    : opts.target.includes('://')
      ? opts.target
      : withDatabaseName(s.ownerUrl, opts.target);
  const database = libpqEnv(targetUrl).dbname;
  const t0 = performance.now();
  await withDb(maintenanceUrl(targetUrl), async (maint) => {
    if (!(await BackupRepository.databaseExists(maint, database)))
      return BackupRepository.recreateDatabase(maint, database, false);
    const tables = await withDb(targetUrl, (db) => BackupRepository.userTableCount(db));
    if (tables === 0) return;
    if (!opts.force)
      throw new BackupError(
        'RESTORE_TARGET_NOT_EMPTY',
        `database ${database} is not empty (${tables} tables): pass --force to replace it, or name another with --target`,
      );
    return BackupRepository.recreateDatabase(maint, database, true);
  });
  await restoreInto(s, m, targetUrl);
  await migrateToLatest(targetUrl, s.appPassword);
  return {
    name: m.name,
    database,
    durationMs: Math.round(performance.now() - t0),
    rows: Object.values(m.tables).reduce((a, b) => a + b, 0),
  };
}

/** Retention: removes what planPrune names, and dumps an interrupted backup left behind. */
export function pruneBackups(s: BackupSettings, now = new Date()): string[] {
  const doomed = planPrune(listManifests(s.dir), { ...s, now });
  for (const name of doomed) {
    fs.rmSync(dumpPath(s.dir, name), { force: true });
    fs.rmSync(manifestPath(s.dir, name), { force: true });
  }
  if (fs.existsSync(s.dir))
    for (const f of fs.readdirSync(s.dir).filter((n) => n.endsWith('.partial'))) {
      const p = `${s.dir}/${f}`;
      if (now.getTime() - fs.statSync(p).mtimeMs > 86_400_000) fs.rmSync(p, { force: true });
    }
  return doomed;
}
