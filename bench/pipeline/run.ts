import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { NativeConnection, Worker } from '@temporalio/worker';
import { sql } from 'kysely';
import { lifecycleStartOptions, startEach, startOnce } from '../../activities/lifecycle-starter';
import { RemittancesService } from '../../api/remittances.service';
import { createDatabase, withDatabaseName } from '../../db/database';
import { migrateToLatest } from '../../db/migrator';
import { TenantRepository } from '../../db/repositories/tenant.repository';
import { loadConfig, temporalAddress, type Config } from '../../ops/config';
import { ensureServices } from '../../ops/dev/stack';
import { createRuntime, ownerDatabaseUrl } from '../../ops/runtime';
import { createDataConverter } from '../../ops/temporal/data-converter';
import { createWorker, installRuntime, WORKER_TUNING } from '../../ops/worker/worker';
import { prng, randomTransaction, renderInterchange } from '../../x12/testing/synthetic-835';

/**
 * Ingest an N-claim 835 end to end (claims stored, every lifecycle at its
 * review task or closed by the rules) and, on the same Temporal server, the
 * rate of empty workflows started and completed: the ceiling, measured before
 * and after the pipeline so a change in the machine's load shows.
 *   node dist/bench/pipeline/run.js [claims=10000] [empty=2000]
 */
const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const round = (n: number) => Number(n.toFixed(1));

/**
 * CPU seconds so far of this process (client and worker), of the Temporal
 * server, and of the whole machine (PostgreSQL, and whatever else runs on the
 * shared machine): where a phase's time went.
 */
function cpu(): { bench: number; temporal: number; machine: number } {
  let temporal = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== 'temporal') continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    temporal += Number(fields[11]) + Number(fields[12]);
  }
  // /proc/stat's first line: user nice system idle iowait irq softirq steal, in ticks.
  const all = fs
    .readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = all.reduce((a, b) => a + b, 0) - all[3]! - all[4]!;
  const { user, system } = process.cpuUsage();
  return { bench: (user + system) / 1e6, temporal: temporal / 100, machine: busy / 100 };
}

function spent(from: ReturnType<typeof cpu>, to: ReturnType<typeof cpu>) {
  return {
    bench: round(to.bench - from.bench),
    temporal: round(to.temporal - from.temporal),
    machine: round(to.machine - from.machine),
  };
}

/**
 * Empty workflows started exactly as the lifecycles are (the same starter, in
 * flight at once, reuse policy, search attributes and an encrypted input of
 * the same shape) and run by a worker with the same tuning.
 */
async function ceiling(config: Config, address: string, count: number): Promise<number> {
  const taskQueue = `bench-empty-${randomUUID()}`;
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue,
    workflowsPath: require.resolve('./empty.workflow'),
    dataConverter: createDataConverter(config),
    ...WORKER_TUNING,
  });
  const tenantId = randomUUID();
  const rate = await worker.runUntil(async () => {
    const t0 = performance.now();
    const ids = Array.from({ length: count }, () => randomUUID());
    await startEach(ids, (claimId) =>
      startOnce(worker.client!, 'benchEmpty', {
        ...lifecycleStartOptions(taskQueue, { tenantId, claimId, timers: config.timers }),
        workflowId: `bench-empty-${claimId}`,
      }),
    );
    // Results in bounded batches too: thousands of open long polls would load the server.
    await startEach(ids, (id) => worker.client!.workflow.getHandle(`bench-empty-${id}`).result());
    return count / ((performance.now() - t0) / 1000);
  });
  await connection.close();
  return rate;
}

async function main(): Promise<void> {
  const claims = Number(process.argv[2] ?? 10_000);
  const empties = Number(process.argv[3] ?? 2_000);
  const base = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
  await ensureServices(base, () => undefined);
  const dbName = `claimflow_bench_${Date.now().toString(36)}`;
  const ownerUrl = withDatabaseName(ownerDatabaseUrl(base), dbName);
  await migrateToLatest(ownerUrl, base.database.appPassword);
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: 'warn',
    DATABASE_URL: ownerUrl,
    TEMPORAL_TASK_QUEUE: `bench-${randomUUID()}`,
    REVIEW_TIMEOUT: '30d',
  });
  const address = temporalAddress(config);
  installRuntime(config);
  const loadBefore = loadavg();

  const cpu0 = cpu();
  const ceilingBefore = await ceiling(config, address, empties);
  const cpu1 = cpu();

  // Pipeline: the real worker, the real upload path.
  const runtime = createRuntime(config);
  const owner = createDatabase(ownerUrl, { max: 2 });
  const tenant = await TenantRepository.create(owner, `bench-${Date.now().toString(36)}`, 'Bench');
  const text = renderInterchange(
    [randomTransaction(prng(42), '0001', claims)],
    { element: '*', component: ':', repetition: '^', segment: '~' },
    '1',
    true,
  ).replace(/\*20240201~/, `*${new Date().toISOString().slice(0, 10).replace(/-/g, '')}~`);
  const { worker, connection } = await createWorker(config, runtime);
  const service = new RemittancesService(runtime, worker.client!, config);
  const result = await worker.runUntil(async () => {
    const t0 = performance.now();
    const file = await service.upload(
      { tenantId: tenant.id, actor: 'bench', requestId: '' },
      Buffer.from(text),
      'bench.835',
    );
    let storedAt: number | undefined;
    const trace: string[] = [];
    let startedAt: number | undefined;
    const ingestion = worker
      .client!.workflow.getHandle(file.workflowId)
      .result()
      .then(() => (startedAt = performance.now()));
    for (;;) {
      const r = await sql<{ stored: string; work: string; settled: string; closed: string }>`
        SELECT (SELECT status <> 'received' FROM remittance_files WHERE id = ${file.id})::int AS stored,
               count(*) FILTER (WHERE workflow_id IS NOT NULL) AS work,
               count(*) FILTER (WHERE lifecycle_state IN ('awaiting_review', 'closed')) AS settled,
               count(*) FILTER (WHERE lifecycle_state = 'closed') AS closed
        FROM claims WHERE remittance_file_id = ${file.id}`.execute(owner);
      const row = r.rows[0]!;
      if (Number(row.stored) && storedAt === undefined) storedAt = performance.now();
      if (process.env.BENCH_TRACE && trace.length < (performance.now() - t0) / 2000)
        trace.push(`${((performance.now() - t0) / 1000).toFixed(1)}s ${row.settled}/${row.work}`);
      if (startedAt !== undefined && Number(row.settled) >= Number(row.work)) {
        // The rows say so; the workflows must say so too (their search attributes).
        const query = `WorkflowType = 'claimLifecycle' AND TenantId = '${tenant.id}' AND ClaimState IN ('awaiting_review', 'closed')`;
        while ((await worker.client!.workflow.count(query)).count < Number(row.work))
          await new Promise((res) => setTimeout(res, 250));
        if (trace.length) console.error(`settled/to work: ${trace.join(', ')}`);
        return {
          storeS: ((storedAt ?? startedAt) - t0) / 1000,
          startS: (startedAt - t0) / 1000,
          totalS: (performance.now() - t0) / 1000,
          toWork: Number(row.work),
          closedByRules: Number(row.closed),
        };
      }
      // Polls every 250 ms, and at once when the ingestion workflow finishes.
      const tick = new Promise((res) => setTimeout(res, 250));
      await (startedAt === undefined ? Promise.race([ingestion, tick]) : tick);
    }
  });
  await connection.close();
  await runtime.close();

  const cpu2 = cpu();
  const ceilingAfter = await ceiling(config, address, empties);
  const cpu3 = cpu();
  // The better of the two is the server's capacity; load from elsewhere only lowers it.
  const best = Math.max(ceilingBefore, ceilingAfter);
  const claimsPerS = claims / result.totalS;
  const lifecyclesPerS = result.toWork / result.totalS;
  console.log(
    JSON.stringify(
      {
        claims,
        lifecycles: result.toWork,
        closedByRules: result.closedByRules,
        storedSeconds: round(result.storeS),
        ingestAndStartSeconds: round(result.startS),
        endToEndSeconds: round(result.totalS),
        claimsPerSecond: round(claimsPerS),
        lifecyclesPerSecond: round(lifecyclesPerS),
        emptyWorkflowsPerSecond: { before: round(ceilingBefore), after: round(ceilingAfter) },
        claimsVsCeiling: `${((claimsPerS / best) * 100).toFixed(0)}%`,
        lifecyclesVsCeiling: `${((lifecyclesPerS / best) * 100).toFixed(0)}%`,
        cpuSeconds: {
          pipeline: spent(cpu1, cpu2),
          ceilingBefore: spent(cpu0, cpu1),
          ceilingAfter: spent(cpu2, cpu3),
        },
        loadBefore,
        loadAfter: loadavg(),
      },
      null,
      2,
    ),
  );
  await owner.destroy();
  const admin = createDatabase(withDatabaseName(ownerUrl, 'postgres'), { max: 1 });
  await sql.raw(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).execute(admin);
  await admin.destroy();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
