/**
 * Shared tooling for the resilience specs: the worker as a real child process
 * (built from dist/, killed with SIGKILL), a TCP proxy between that worker and
 * Temporal that can lose everything in flight, uploads straight through the
 * remittances service, multi-claim 835s and raw (codec-less) workflow histories.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { RemittancesService, type RemittanceView } from '../../api/remittances.service';
import type { Config } from '../../ops/config';
import type { Runtime } from '../../ops/runtime';
import { createDataConverter } from '../../ops/temporal/data-converter';
import { remitForMany } from '../synthetic-remit';

export const ROOT = path.resolve(__dirname, '../..');

import { eventually, testConfig, TEST_MASTER_KEY } from '../harness';
import { withDirectoryLock } from '../directory-lock';

export { eventually, testConfig, TEST_MASTER_KEY };

const WORKER_ENTRY = path.join(ROOT, 'dist/ops/worker/main.js');
const BUILD_INFO = path.join(ROOT, 'dist/.tsbuildinfo');
const SOURCE_DIRS = ['x12', 'db', 'workflows', 'activities', 'api', 'ops'];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(ts|json)$/.test(entry.name) && !entry.name.endsWith('.spec.ts'))
      newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

function distIsStale(): boolean {
  if (!fs.existsSync(WORKER_ENTRY) || !fs.existsSync(BUILD_INFO)) return true;
  const built = fs.statSync(BUILD_INFO).mtimeMs;
  return SOURCE_DIRS.some((d) => newestSource(path.join(ROOT, d)) > built);
}

/**
 * The worker child runs dist/, so dist must be at least as new as the sources.
 * Incremental tsc, once per run across jest workers (a lock directory), and
 * only when a source is newer than the last build. Type errors elsewhere in a
 * shared checkout do not stop tsc emitting, so they do not stop the specs.
 */
export async function ensureDist(): Promise<void> {
  withDirectoryLock(path.join(ROOT, 'dist', '.resilience-build.lock'), 120_000, () => {
    if (!distIsStale()) return;
    try {
      execFileSync(
        process.execPath,
        [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
        { cwd: ROOT, stdio: 'pipe' },
      );
    } catch (err) {
      const out = String((err as { stdout?: Buffer }).stdout ?? '');
      process.stderr.write(`resilience: tsc reported errors (emitted anyway):\n${out}\n`);
    }
    if (!fs.existsSync(WORKER_ENTRY)) throw new Error(`build produced no ${WORKER_ENTRY}`);
  });
}

/**
 * A TCP proxy for the worker's connection to Temporal. `cut()` drops every
 * connection and refuses new ones: whatever the worker reports from then on
 * (an activity's completion after its transaction committed) is lost, which is
 * exactly what a crash between commit and report looks like to the server.
 */
export async function startProxy(target: string) {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.split(':').pop())];
  const sockets = new Set<net.Socket>();
  let cut = false;
  const server = net.createServer((inbound) => {
    if (cut) return void inbound.destroy();
    const outbound = net.connect(port, host);
    sockets.add(inbound).add(outbound);
    const drop = () => {
      inbound.destroy();
      outbound.destroy();
      sockets.delete(inbound);
      sockets.delete(outbound);
    };
    inbound.on('error', drop).on('close', drop);
    outbound.on('error', drop).on('close', drop);
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return {
    address,
    cut() {
      cut = true;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      cut = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export type TemporalProxy = Awaited<ReturnType<typeof startProxy>>;

/** Timers short enough that a claim's whole life fits in a spec. */
export const FAST_TIMERS = {
  REVIEW_TIMEOUT: '10m',
  REVIEW_REMINDER_EVERY: '5m',
  REVIEW_ESCALATE_AFTER: '10m',
  FOLLOW_UP_EVERY: '10m',
  FOLLOW_UP_LIMIT: '3',
};

/**
 * Sits between the worker and the (fake) payer. Every request is forwarded, so
 * the payer records it, but for claims in `swallow` the answer never reaches
 * the worker: the payer accepted the appeal and the worker dies before it can
 * write that down, the nastiest moment to crash during a submission.
 */
export async function startPayerGate(upstream: string) {
  const swallow = new Set<string>();
  let seen = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen++;
      const key = String(req.headers['idempotency-key'] ?? '');
      const headers: Record<string, string> = {};
      for (const h of ['content-type', 'idempotency-key'])
        if (typeof req.headers[h] === 'string') headers[h] = req.headers[h];
      void fetch(`${upstream}${req.url}`, {
        method: req.method!,
        headers,
        ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
      }).then(
        async (answer) => {
          const body = await answer.text();
          if ([...swallow].some((claimId) => key.startsWith(`${claimId}:`))) return;
          res
            .writeHead(answer.status, {
              'content-type': answer.headers.get('content-type') ?? 'application/json',
            })
            .end(body);
        },
        () => res.writeHead(502).end('{}'),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    swallow,
    seen: () => seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The env the worker child gets: the run's database and Temporal, and nothing of the parent's. */
export function workerEnv(config: Config, env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    CLAIMFLOW_ROOT: ROOT,
    DATABASE_URL: config.database.url,
    APP_DATABASE_PASSWORD: config.database.appPassword,
    TEMPORAL_ADDRESS: config.temporal.address,
    TEMPORAL_NAMESPACE: config.temporal.namespace,
    TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
    CLAIMFLOW_MASTER_KEY: TEST_MASTER_KEY,
    ...FAST_TIMERS,
    ...env,
  };
}

/**
 * `node dist/ops/worker/main.js` as a child process. Its stdout and stderr,
 * across every start, are kept in `output()` so a spec can read its logs.
 */
export class WorkerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly chunks: Buffer[] = [];
  readonly pids: number[] = [];

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly client: Client,
  ) {}

  output(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and waits until it polls its task queue (its identity is pid@host). */
  async start(overrides: NodeJS.ProcessEnv = {}): Promise<void> {
    if (this.child) throw new Error('worker already running');
    const child = spawn(process.execPath, [WORKER_ENTRY], {
      cwd: ROOT,
      env: { ...this.env, ...overrides },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.pids.push(child.pid!);
    child.stdout!.on('data', (c: Buffer) => this.chunks.push(c));
    child.stderr!.on('data', (c: Buffer) => this.chunks.push(c));
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        if (this.child === child) this.child = undefined;
        resolve();
      }),
    );
    const identity = `${child.pid}@${os.hostname()}`;
    const taskQueue = String(this.env.TEMPORAL_TASK_QUEUE);
    await eventually(
      `worker ${child.pid} polling ${taskQueue}`,
      async () => {
        if (child.exitCode !== null)
          throw new Error(`worker exited ${child.exitCode}: ${this.output().slice(-2000)}`);
        const { pollers } = await this.client.workflowService.describeTaskQueue({
          namespace: this.client.options.namespace,
          taskQueue: { name: taskQueue },
          taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
        });
        return pollers?.some((p) => p.identity === identity) ? true : undefined;
      },
      60_000,
    );
  }

  /** SIGKILL: no drain, no goodbye; in-flight tasks are simply lost. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.exited;
  }

  /** A graceful stop (SIGTERM lets the SDK drain), for teardown. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** A client with the real codec, as the API uses, for queries and updates. */
export async function codecClient(config: Config): Promise<Client> {
  const connection = await Connection.connect({ address: config.temporal.address! });
  return new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: createDataConverter(config),
  });
}

/**
 * A lost attempt is noticed by the server only when its timeout runs out (a
 * minute of missing heartbeats for the slow activities). Shortening the
 * heartbeat timeout of whatever the dead worker held, through the Activity API,
 * makes the server notice in seconds; the retry that follows is the ordinary one.
 */
export async function expediteLostActivities(client: Client, workflowIds: string[]) {
  const expedited: string[] = [];
  for (const workflowId of workflowIds) {
    const d = await client.workflowService.describeWorkflowExecution({
      namespace: client.options.namespace,
      execution: { workflowId },
    });
    for (const a of d.pendingActivities ?? []) {
      if (a.state !== temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED)
        continue;
      try {
        await client.workflowService.updateActivityOptions({
          namespace: client.options.namespace,
          execution: { workflowId },
          id: a.activityId!,
          activityOptions: { heartbeatTimeout: msToTs('3s') },
          updateMask: { paths: ['heartbeat_timeout'] },
          identity: 'resilience-spec',
        });
      } catch (err) {
        // Completed between describe and update: nothing left to expedite.
        if ((err as { code?: number }).code === 5) continue;
        throw err;
      }
      expedited.push(`${workflowId}/${a.activityType?.name}`);
    }
  }
  return expedited;
}

/** Every event of every run of a workflow, as the server stores it: no codec, no converter. */
export async function rawHistories(client: Client, workflowId: string) {
  const runs: temporal.api.history.v1.IHistoryEvent[][] = [];
  const seen = new Set<string>();
  let runId: string | undefined;
  // Walk back from the latest run through each continue-as-new's predecessor.
  for (;;) {
    const events: temporal.api.history.v1.IHistoryEvent[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await client.workflowService.getWorkflowExecutionHistory({
        namespace: client.options.namespace,
        execution: { workflowId, ...(runId ? { runId } : {}) },
        ...(nextPageToken ? { nextPageToken } : {}),
      });
      events.push(...(page.history?.events ?? []));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    runs.push(events);
    const previous =
      events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
    if (!previous || seen.has(previous)) break;
    seen.add(previous);
    runId = previous;
  }
  return runs;
}

/** Every Payload object (metadata + data) anywhere under a decoded proto message. */
export function payloadsIn(
  value: unknown,
  out: { path: string; payload: Payload }[] = [],
  at = '',
) {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return out;
  const v = value as Record<string, unknown>;
  if (v.metadata && typeof v.metadata === 'object' && 'data' in v) {
    out.push({ path: at, payload: v as unknown as Payload });
    return out;
  }
  for (const [k, child] of Object.entries(v)) payloadsIn(child, out, `${at}.${k}`);
  return out;
}

export interface Payload {
  metadata: Record<string, Uint8Array>;
  data?: Uint8Array | null;
}

/** Uploads as the API does, through the service, without HTTP. */
export async function upload(
  runtime: Runtime,
  client: Client,
  config: Config,
  tenantId: string,
  text: string,
): Promise<RemittanceView> {
  type Who = Parameters<RemittancesService['upload']>[0];
  return new RemittancesService(runtime, client, config).upload(
    { tenantId, actor: 'test:resilience', requestId: randomUUID() } as Who,
    Buffer.from(text),
    'remit.835',
  );
}

/** One 835 with a claim per patient, as every other medium spec builds them. */
export const remitForAll = remitForMany;

export type PayerGate = Awaited<ReturnType<typeof startPayerGate>>;
