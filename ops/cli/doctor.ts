import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { temporalAddress, type Config } from '../config';
import { migrationStatus } from '../../db/migrator';
import { findPgTool } from '../backup/pg-tools';
import { canConnect, embeddedDataDir } from '../dev/postgres';
import { isPortOpen, which } from '../dev/process';
import { DATA_LAYOUT_VERSION } from '../dev/stack';
import { findTemporalCli, temporalPid, temporalVersion } from '../dev/temporal';
import { ownerDatabaseUrl } from '../runtime';

type Status = 'ok' | 'missing' | 'warn' | 'error' | 'info';

interface Line {
  status: Status;
  what: string;
  detail: string;
}

/** Says what is present, missing or misconfigured; changes nothing. */
export async function doctor(config: Config): Promise<{ lines: Line[]; healthy: boolean }> {
  const lines: Line[] = [];
  const add = (status: Status, what: string, detail: string) =>
    lines.push({ status, what, detail });

  const major = Number(process.versions.node.split('.')[0]);
  add(
    major >= 24 ? 'ok' : major >= 22 ? 'warn' : 'error',
    'node',
    `${process.version} (${process.execPath})${major >= 24 ? '' : ': Node 24 LTS expected'}`,
  );
  add(
    fs.existsSync(path.join(config.rootDir, 'node_modules', '@temporalio', 'worker'))
      ? 'ok'
      : 'missing',
    'npm packages',
    'node_modules',
  );

  const go =
    which('go') ?? (fs.existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  const goVersion = go ? spawnSync(go, ['version'], { encoding: 'utf8' }).stdout.trim() : undefined;
  let cli: string | undefined;
  try {
    cli = findTemporalCli(config);
  } catch (err) {
    add('error', 'temporal cli', (err as Error).message);
  }
  if (config.temporal.address) add('info', 'temporal cli', 'not needed: TEMPORAL_ADDRESS is set');
  else if (cli)
    add(
      'ok',
      'temporal cli',
      `${cli} (${temporalVersion(cli)?.split('\n')[0] ?? 'version unknown'})`,
    );
  else if (go)
    add('warn', 'temporal cli', `not built yet; dev up builds it with ${goVersion ?? 'go'}`);
  else
    add(
      'error',
      'temporal cli',
      'missing and Go is not installed to build it: install Go, or set TEMPORAL_CLI_PATH or TEMPORAL_ADDRESS',
    );
  add(go ? 'ok' : 'info', 'go', goVersion ?? 'not found (only needed to build the Temporal CLI)');

  const tAddress = temporalAddress(config);
  const [tHost, tPort] = tAddress.split(':');
  const tUp = await isPortOpen(Number(tPort ?? 7233), tHost ?? '127.0.0.1');
  const tPid = temporalPid(config);
  add(
    tUp ? 'ok' : 'info',
    'temporal server',
    `${tAddress} ${tUp ? 'reachable' : 'not running'}${tPid ? ` (pid ${tPid}, started by claimflow)` : ''}, namespace ${config.temporal.namespace}`,
  );

  const dbUrl = ownerDatabaseUrl(config);
  const dbLabel = config.database.url
    ? 'DATABASE_URL'
    : `embedded, data in ${embeddedDataDir(config)}`;
  const serverUrl = new URL(dbUrl);
  serverUrl.pathname = '/postgres';
  const pgUp = await canConnect(serverUrl.toString());
  add(
    pgUp ? 'ok' : config.database.url ? 'error' : 'info',
    'postgresql',
    `${serverUrl.host} ${pgUp ? 'reachable' : 'not running'} (${dbLabel})`,
  );
  if (pgUp) {
    try {
      const states = await migrationStatus(dbUrl);
      const pending = states.filter((s) => !s.executedAt).length;
      add(
        pending ? 'warn' : 'ok',
        'migrations',
        pending
          ? `${pending} of ${states.length} pending: run bin/claimflow db migrate`
          : `all ${states.length} applied`,
      );
    } catch {
      add(
        'warn',
        'migrations',
        'database "claimflow" not created yet: run bin/claimflow db migrate',
      );
    }
  }

  const keyFile = path.join(config.dataDir, 'keys', 'master.key');
  if (config.masterKey) add('ok', 'master key', 'CLAIMFLOW_MASTER_KEY');
  else if (config.env === 'production')
    add('error', 'master key', 'CLAIMFLOW_MASTER_KEY is required in production');
  else
    add(
      fs.existsSync(keyFile) ? 'ok' : 'info',
      'master key',
      fs.existsSync(keyFile)
        ? `development key ${keyFile}`
        : 'a development key is generated on first use',
    );
  // Backups need the PostgreSQL client tools; the app runs without them, so a warning.
  try {
    const dump = findPgTool('pg_dump', config.backup.pgBinDir);
    const restore = findPgTool('pg_restore', config.backup.pgBinDir);
    add('ok', 'backup tools', `pg_dump ${dump.version}, pg_restore ${restore.version}`);
  } catch (err) {
    add('warn', 'backup tools', (err as Error).message);
  }
  add(
    'info',
    'ai',
    config.anthropic.apiKey
      ? `Anthropic SDK${config.anthropic.baseUrl ? ` at ${config.anthropic.baseUrl}` : ''}`
      : 'no ANTHROPIC_API_KEY: the built-in rules analyzer is used',
  );
  add(
    'info',
    'telemetry',
    config.otlpEndpoint
      ? `OTLP to ${config.otlpEndpoint}`
      : 'exporter off (set OTEL_EXPORTER_OTLP_ENDPOINT)',
  );

  const layoutFile = path.join(config.dataDir, 'layout.json');
  if (fs.existsSync(layoutFile)) {
    let v: unknown;
    try {
      v = (JSON.parse(fs.readFileSync(layoutFile, 'utf8')) as { layoutVersion?: unknown })
        .layoutVersion;
    } catch {
      v = 'unreadable';
    }
    add(
      v === DATA_LAYOUT_VERSION ? 'ok' : 'error',
      'data dir',
      `${config.dataDir} (layout ${String(v)})`,
    );
  } else add('info', 'data dir', `${config.dataDir} (created on first dev up)`);

  const ports: [string, number][] = [
    ['api port', config.port],
    ['temporal ui port', config.temporal.uiPort],
  ];
  if (!config.database.url) ports.push(['postgres port', config.database.embeddedPort]);
  for (const [what, port] of ports) {
    const open = await isPortOpen(port);
    add('info', what, `${port} ${open ? 'in use' : 'free'}`);
  }
  return { lines, healthy: !lines.some((l) => l.status === 'error' || l.status === 'missing') };
}

export function formatDoctor(lines: Line[]): string {
  const width = Math.max(...lines.map((l) => l.what.length));
  return lines
    .map((l) => `${`[${l.status}]`.padEnd(10)}${l.what.padEnd(width + 2)}${l.detail}`)
    .join('\n');
}
