import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EnvironmentError, which } from '../dev/process';

export type PgTool = 'pg_dump' | 'pg_restore';

/** pg_dump or pg_restore from PG_BIN_DIR, else PATH, with its major version; a clear line when missing. */
export function findPgTool(
  tool: PgTool,
  binDir: string | undefined,
): { bin: string; major: number; version: string } {
  const bin = binDir ? path.join(binDir, tool) : which(tool);
  if (!bin || !fs.existsSync(bin))
    throw new EnvironmentError(
      `${tool} not found${binDir ? ` in PG_BIN_DIR (${binDir})` : ' on PATH'}: install the PostgreSQL client of the server's major version (Debian: apt-get install postgresql-client-15) or set PG_BIN_DIR`,
    );
  const out = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  const m = /(\d+)(?:\.(\d+))?/.exec(out.stdout ?? '');
  if (out.status !== 0 || !m)
    throw new EnvironmentError(
      `${bin} --version failed: reinstall the PostgreSQL client or fix PG_BIN_DIR`,
    );
  return { bin, major: Number(m[1]), version: m[0] };
}

/** pg_dump refuses a newer server, and an archive restores only with a pg_restore at least as new. */
export function checkMajor(tool: PgTool, toolMajor: number, serverMajor: number): void {
  if (toolMajor < serverMajor)
    throw new EnvironmentError(
      `${tool} ${toolMajor} is older than the PostgreSQL ${serverMajor} server: install postgresql-client-${serverMajor} or point PG_BIN_DIR at it`,
    );
}

/**
 * libpq settings from a URL, so the password travels in the child's
 * environment, never on its command line where `ps` would show it.
 */
export function libpqEnv(url: string): { env: NodeJS.ProcessEnv; dbname: string } {
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = {
    PGHOST: decodeURIComponent(u.hostname),
    PGPORT: u.port || '5432',
    PGUSER: decodeURIComponent(u.username || 'postgres'),
    PGDATABASE: decodeURIComponent(u.pathname.slice(1)),
    PGCONNECT_TIMEOUT: '10',
  };
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  return { env, dbname: env.PGDATABASE! };
}

export class PgToolError extends Error {
  readonly code = 'PG_TOOL_FAILED';
}

/**
 * Runs a PostgreSQL client tool with its data on stdin or stdout; rejects
 * with the tool's last line of stderr (its messages name objects, not data).
 */
export async function runPgTool(
  bin: string,
  args: string[],
  url: string,
  io: { stdout?: Writable; stdin?: Readable },
): Promise<void> {
  const { env } = libpqEnv(url);
  const child = spawn(bin, args, {
    env: { PATH: process.env.PATH, ...env },
    stdio: [io.stdin ? 'pipe' : 'ignore', io.stdout ? 'pipe' : 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });
  const streams: Promise<void>[] = [];
  if (io.stdout) streams.push(pipeline(child.stdout!, io.stdout));
  if (io.stdin) streams.push(pipeline(io.stdin, child.stdin!));
  const [settled, code] = await Promise.all([Promise.allSettled(streams), exited]);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  // A stream's own typed failure (a backup that fails authentication) says more than the tool's EOF.
  const typed = failed?.reason as { code?: unknown } | undefined;
  if (typeof typed?.code === 'string' && typed.code.startsWith('BACKUP_')) throw failed!.reason;
  if (code !== 0) {
    const last = stderr.trim().split('\n').filter(Boolean).pop() ?? `exit code ${code}`;
    throw new PgToolError(`${path.basename(bin)} failed: ${last.slice(0, 300)}`);
  }
  if (failed) throw failed.reason;
}
