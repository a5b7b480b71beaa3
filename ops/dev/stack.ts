import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { migrateToLatest } from '../../db/migrator';
import type { Config } from '../config';
import { ownerDatabaseUrl } from '../runtime';
import { ensurePostgres, stopEmbeddedPostgres, type PostgresHandle } from './postgres';
import { EnvironmentError, isAlive, isPortOpen, readPid, stopPid, waitFor } from './process';
import { ensureTemporal, temporalPaths, temporalPid, type TemporalHandle } from './temporal';

/** Bumped when the layout of .data/ changes incompatibly. */
export const DATA_LAYOUT_VERSION = 1;

export interface Services {
  postgres: PostgresHandle;
  temporal: TemporalHandle;
}

/** Refuses a .data/ written by an incompatible claimflow; never deletes it. */
export function checkDataLayout(config: Config): void {
  const file = path.join(config.dataDir, 'layout.json');
  fs.mkdirSync(config.dataDir, { recursive: true });
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, JSON.stringify({ layoutVersion: DATA_LAYOUT_VERSION }, null, 2));
    return;
  }
  let version: unknown;
  try {
    version = (JSON.parse(fs.readFileSync(file, 'utf8')) as { layoutVersion?: unknown })
      .layoutVersion;
  } catch {
    version = 'unreadable';
  }
  if (version !== DATA_LAYOUT_VERSION) {
    throw new EnvironmentError(
      `${config.dataDir} was written by another claimflow version (layout ${String(version)}, this one uses ${DATA_LAYOUT_VERSION}): move it aside or set CLAIMFLOW_DATA_DIR (nothing was deleted)`,
    );
  }
}

/** PostgreSQL and Temporal, started or reused; migrations applied. */
export async function ensureServices(
  config: Config,
  log: (line: string) => void,
): Promise<Services> {
  checkDataLayout(config);
  const postgres = await ensurePostgres(config);
  log(
    `PostgreSQL ${postgres.started ? 'started' : 'reused'}${postgres.embedded ? ' (embedded)' : ''}`,
  );
  const temporal = await ensureTemporal(config, log);
  log(`Temporal ${temporal.started ? 'started' : 'reused'} at ${temporal.address}`);
  const applied = await migrateToLatest(ownerDatabaseUrl(config), config.database.appPassword);
  log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'migrations up to date');
  return { postgres, temporal };
}

export async function stopServices(
  config: Config,
  which: { postgres: boolean; temporal: boolean },
): Promise<void> {
  if (which.temporal) {
    const pid = temporalPid(config);
    if (pid) await stopPid(pid);
    fs.rmSync(temporalPaths(config).pidFile, { force: true });
  }
  if (which.postgres && !config.database.url) stopEmbeddedPostgres(config);
}

function runDir(config: Config): string {
  return path.join(config.dataDir, 'run');
}

interface AppProcess {
  name: 'api' | 'worker';
  child: ChildProcess;
}

function startApp(
  config: Config,
  name: 'api' | 'worker',
  entry: string,
  log: (line: string) => void,
): AppProcess {
  const child = spawn(process.execPath, ['--enable-source-maps', entry], {
    env: { ...process.env, CLAIMFLOW_ROOT: config.rootDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (data: Buffer) =>
    data
      .toString()
      .split('\n')
      .filter(Boolean)
      .forEach((line) => log(`[${name}] ${line}`));
  child.stdout?.on('data', prefix);
  child.stderr?.on('data', prefix);
  fs.mkdirSync(runDir(config), { recursive: true });
  fs.writeFileSync(path.join(runDir(config), `${name}.pid`), `${child.pid}\n`);
  return { name, child };
}

/**
 * `dev up`: everything in the foreground until Ctrl-C, which stops what this
 * run started and nothing else.
 */
export async function devUp(config: Config, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  for (const name of ['api', 'worker'] as const) {
    const pid = readPid(path.join(runDir(config), `${name}.pid`));
    if (pid && isAlive(pid))
      throw new EnvironmentError(
        `claimflow ${name} is already running (pid ${pid}): run bin/claimflow dev down first`,
      );
  }
  if (await isPortOpen(config.port, config.host)) {
    throw new EnvironmentError(`port ${config.port} is taken: free it or set PORT`);
  }
  const services = await ensureServices(config, log);
  const distRoot = path.join(config.rootDir, 'dist');
  const apps = [
    startApp(config, 'worker', path.join(distRoot, 'ops', 'worker', 'main.js'), log),
    startApp(config, 'api', path.join(distRoot, 'api', 'main.js'), log),
  ];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping');
    await Promise.all(apps.map((a) => (a.child.pid ? stopPid(a.child.pid) : undefined)));
    for (const a of apps) fs.rmSync(path.join(runDir(config), `${a.name}.pid`), { force: true });
    await stopServices(config, {
      postgres: services.postgres.started,
      temporal: services.temporal.started,
    });
    log('stopped');
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  for (const a of apps) {
    a.child.once('exit', (code) => {
      if (!stopping) {
        log(`${a.name} exited with code ${code ?? 'signal'}; stopping the stack`);
        void stop(1);
      }
    });
  }
  const base = `http://${config.host}:${config.port}`;
  await waitFor(
    'API',
    () => isPortOpen(config.port, config.host),
    60_000,
    () => apps.every((a) => a.child.exitCode === null),
  );
  log(`up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  log(`  API           ${base}`);
  log(`  OpenAPI docs  ${base}/docs`);
  log(`  web page      ${base}/`);
  if (services.temporal.uiUrl) log(`  Temporal UI   ${services.temporal.uiUrl}`);
  log('Ctrl-C (or bin/claimflow dev down) stops everything this run started');
}

/** `dev down`: stops every claimflow process recorded under .data/run, and the services. */
export async function devDown(config: Config, log: (line: string) => void): Promise<void> {
  for (const name of ['api', 'worker']) {
    const file = path.join(runDir(config), `${name}.pid`);
    const pid = readPid(file);
    if (pid && isAlive(pid)) {
      await stopPid(pid);
      log(`${name} stopped`);
    }
    fs.rmSync(file, { force: true });
  }
  const tpid = temporalPid(config);
  if (tpid) {
    await stopServices(config, { temporal: true, postgres: false });
    log('Temporal stopped');
  }
  if (!config.database.url && stopEmbeddedPostgres(config)) log('PostgreSQL stopped');
}
