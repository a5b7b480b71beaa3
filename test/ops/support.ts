import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { findPgTool } from '../../ops/backup/pg-tools';
import type { Config } from '../../ops/config';
import { aptInstall } from '../debian-packages';
import { TEST_MASTER_KEY } from '../harness';
import type { Patient } from '../synthetic-remit';

export const ROOT = path.resolve(__dirname, '../..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * bin/claimflow as an operator runs it: compiled (dist/), in its own process,
 * over the run's database and Temporal. Asynchronous, so a worker in the
 * spec's process keeps polling while the command waits.
 */
export function cli(
  config: Config,
  args: string[],
  opts: { stdin?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/ops/cli/main.js'), ...args], {
    cwd: ROOT,
    timeout: 120_000,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: config.database.url,
      TEMPORAL_ADDRESS: config.temporal.address,
      TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
      TEMPORAL_CONNECT_TIMEOUT: config.temporal.connectTimeout,
      CLAIMFLOW_MASTER_KEY: TEST_MASTER_KEY,
      CLAIMFLOW_DATA_DIR: config.dataDir,
      ...opts.env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(opts.stdin ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Every identifying value of a synthetic patient, and the bare tag (a truncated leak). */
export function phiOf(p: Patient): string[] {
  return [p.last, p.first, p.memberId, p.account, p.icn, p.last.slice(-10)];
}

/** The values of `phi` that occur in `text`, case-insensitively: an empty list is a clean scan. */
export function leaks(text: string, phi: string[]): string[] {
  const t = text.toLowerCase();
  return phi.filter((v) => t.includes(v.toLowerCase()));
}

/**
 * pg_dump and pg_restore for the backup specs: on PATH or PG_BIN_DIR, else
 * Debian's postgresql-client installed with apt-get (as root), else one line
 * saying what to install.
 */
export function ensurePgClient(binDir = process.env.PG_BIN_DIR): void {
  try {
    findPgTool('pg_dump', binDir);
    findPgTool('pg_restore', binDir);
    return;
  } catch (err) {
    if (binDir || process.getuid?.() !== 0) throw err;
  }
  const failed = aptInstall(['postgresql-client']);
  if (failed)
    throw new Error(
      `pg_dump is missing and could not be installed (${failed}): install the PostgreSQL 15 client or set PG_BIN_DIR`,
    );
  findPgTool('pg_dump', undefined);
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A compiled entry point (dist/) as its own process, as production runs it:
 * its stdout and stderr kept, line by line, for the spec to read.
 */
export function startProcess(entry: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [path.join(ROOT, entry)], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    output: () => output,
    exited: () => child.exitCode !== null,
    async stop(): Promise<void> {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
