import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import type { Config } from '../config';
import {
  EnvironmentError,
  isAlive,
  isPortOpen,
  lastLines,
  readPid,
  spawnDetached,
  waitFor,
  which,
} from './process';

/** Later tags carry a `replace` directive that `go install` refuses. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

/** Custom search attributes the workflows set; ops find workflows by them. */
export const SEARCH_ATTRIBUTES = {
  TenantId: 'Keyword',
  ClaimState: 'Keyword',
  PayerId: 'Keyword',
  DenialCategory: 'Keyword',
} as const;

export interface TemporalHandle {
  address: string;
  namespace: string;
  started: boolean;
  uiUrl?: string;
}

export function temporalPaths(config: Config) {
  return {
    toolsDir: path.join(config.rootDir, '.tools', 'temporal'),
    dbFile: path.join(config.dataDir, 'temporal.db'),
    pidFile: path.join(config.dataDir, 'run', 'temporal.pid'),
    logFile: path.join(config.dataDir, 'logs', 'temporal.log'),
  };
}

/** Finds the Temporal CLI without building it; undefined when it must be built. */
export function findTemporalCli(config: Config): string | undefined {
  if (config.temporal.cliPath) {
    if (!fs.existsSync(config.temporal.cliPath)) {
      throw new EnvironmentError(
        `TEMPORAL_CLI_PATH ${config.temporal.cliPath} does not exist: fix or unset it`,
      );
    }
    return config.temporal.cliPath;
  }
  const onPath = which('temporal');
  if (onPath) return onPath;
  const built = path.join(temporalPaths(config).toolsDir, 'temporal');
  return fs.existsSync(built) ? built : undefined;
}

/** Builds the CLI with Go into .tools/temporal, once. */
export function buildTemporalCli(config: Config, log: (line: string) => void): string {
  const go =
    which('go') ?? (fs.existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) {
    throw new EnvironmentError(
      'the Temporal CLI is not on PATH and Go is missing to build it: install Go 1.24+, put `temporal` on PATH, set TEMPORAL_CLI_PATH, or set TEMPORAL_ADDRESS',
    );
  }
  const { toolsDir } = temporalPaths(config);
  fs.mkdirSync(toolsDir, { recursive: true });
  log(`building the Temporal CLI with Go (${TEMPORAL_CLI_MODULE}); one time, a few minutes cold`);
  const started = Date.now();
  const r = spawnSync(go, ['install', TEMPORAL_CLI_MODULE], {
    env: { ...process.env, GOBIN: toolsDir, GOFLAGS: '-buildvcs=false' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const binary = path.join(toolsDir, 'temporal');
  if (r.status !== 0 || !fs.existsSync(binary)) {
    throw new EnvironmentError(
      'go install of the Temporal CLI failed (see above): check Go and the module proxy',
    );
  }
  log(`built the Temporal CLI in ${Math.round((Date.now() - started) / 1000)} s`);
  return binary;
}

/** Bounded: a port held by something that does not speak gRPC would otherwise hang the client. */
async function namespaceReady(
  address: string,
  namespace: string,
  timeoutMs = 3000,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const attempt = (async () => {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.describeNamespace({ namespace });
      return true;
    } catch {
      return false;
    } finally {
      await connection?.close().catch(() => undefined);
    }
  })();
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Registers any missing search attribute (a server started elsewhere may lack them). */
export async function ensureSearchAttributes(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const have = new Set(Object.keys(existing.customAttributes ?? {}));
    const typeIds: Record<string, number> = {
      Text: 1,
      Keyword: 2,
      Int: 3,
      Double: 4,
      Bool: 5,
      Datetime: 6,
      KeywordList: 7,
    };
    const missing = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => !have.has(name));
    if (missing.length === 0) return;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, typeIds[type]!])),
    });
  } finally {
    await connection.close();
  }
}

/** Starts (or reuses) Temporal: TEMPORAL_ADDRESS when set, else the local dev server. */
export async function ensureTemporal(
  config: Config,
  log: (line: string) => void,
): Promise<TemporalHandle> {
  const namespace = config.temporal.namespace;
  if (config.temporal.address) {
    if (!(await namespaceReady(config.temporal.address, namespace))) {
      throw new EnvironmentError(
        `Temporal at ${config.temporal.address} (TEMPORAL_ADDRESS) is unreachable or has no namespace "${namespace}": start it or fix TEMPORAL_ADDRESS/TEMPORAL_NAMESPACE`,
      );
    }
    return { address: config.temporal.address, namespace, started: false };
  }
  const address = `127.0.0.1:${config.temporal.port}`;
  const uiUrl = `http://127.0.0.1:${config.temporal.uiPort}`;
  const paths = temporalPaths(config);
  if (await isPortOpen(config.temporal.port)) {
    if (await namespaceReady(address, namespace)) {
      await ensureSearchAttributes(address, namespace);
      return { address, namespace, started: false, uiUrl };
    }
    throw new EnvironmentError(
      `port ${config.temporal.port} is taken by something that is not a Temporal server with namespace "${namespace}": free it or set TEMPORAL_PORT`,
    );
  }
  if (await isPortOpen(config.temporal.uiPort)) {
    throw new EnvironmentError(
      `port ${config.temporal.uiPort} (Temporal UI) is taken: free it or set TEMPORAL_UI_PORT`,
    );
  }
  const cli = findTemporalCli(config) ?? buildTemporalCli(config, log);
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    paths.dbFile,
    '--ip',
    '127.0.0.1',
    '--port',
    String(config.temporal.port),
    '--ui-port',
    String(config.temporal.uiPort),
    '--namespace',
    namespace,
    '--log-level',
    'warn',
    ...Object.entries(SEARCH_ATTRIBUTES).flatMap(([k, v]) => ['--search-attribute', `${k}=${v}`]),
  ];
  fs.mkdirSync(config.dataDir, { recursive: true });
  const pid = spawnDetached(cli, args, { logFile: paths.logFile, pidFile: paths.pidFile });
  try {
    await waitFor(
      'Temporal dev server',
      () => namespaceReady(address, namespace),
      60_000,
      () => isAlive(pid),
    );
  } catch (err) {
    const tail = lastLines(paths.logFile, 1);
    throw new EnvironmentError(
      `${(err as Error).message} (see ${paths.logFile}${tail ? `: ${tail.slice(0, 200)}` : ''})`,
    );
  }
  return { address, namespace, started: true, uiUrl };
}

export function temporalPid(config: Config): number | undefined {
  const pid = readPid(temporalPaths(config).pidFile);
  return pid !== undefined && isAlive(pid) ? pid : undefined;
}

export function temporalVersion(cli: string): string | undefined {
  const r = spawnSync(cli, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}
