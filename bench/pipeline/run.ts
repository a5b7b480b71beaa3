import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { sql } from 'kysely';
import { RemittancesService } from '../../api/remittances.service';
import { createDatabase, withDatabaseName } from '../../db/database';
import { migrateToLatest } from '../../db/migrator';
import { TenantRepository } from '../../db/repositories/tenant.repository';
import { loadConfig } from '../../ops/config';
import { ensureServices } from '../../ops/dev/stack';
import { createRuntime, ownerDatabaseUrl } from '../../ops/runtime';
import { createDataConverter } from '../../ops/temporal/data-converter';
import { createWorker, installRuntime } from '../../ops/worker/worker';
import { prng, randomTransaction, renderInterchange } from '../../x12/testing/synthetic-835';

/**
 * Ingest an N-claim 835 end to end (claims stored, every lifecycle at its
 * review task or closed by the rules) and, on the same Temporal server, the
 * rate of empty workflows started and completed: the ceiling.
 *   node dist/bench/pipeline/run.js [claims=10000] [empty=2000]
 */
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
  const address = config.temporal.address ?? `127.0.0.1:${config.temporal.port}`;
  installRuntime(config);

  // Ceiling: empty workflows, started as fast as the client can and run by one worker.
  const emptyQueue = `bench-empty-${randomUUID()}`;
  const nconn = await NativeConnection.connect({ address });
  const emptyWorker = await Worker.create({
    connection: nconn,
    namespace: config.temporal.namespace,
    taskQueue: emptyQueue,
    workflowsPath: require.resolve('./empty.workflow'),
  });
  const conn = await Connection.connect({ address });
  const client = new Client({
    connection: conn,
    namespace: config.temporal.namespace,
    dataConverter: createDataConverter(config),
  });
  const ceiling = await emptyWorker.runUntil(async () => {
    const t0 = performance.now();
    const handles = [];
    for (let i = 0; i < empties; i += 100) {
      handles.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(100, empties - i) }, () =>
            client.workflow.start('benchEmpty', {
              taskQueue: emptyQueue,
              workflowId: `empty-${randomUUID()}`,
            }),
          ),
        )),
      );
    }
    await Promise.all(handles.map((h) => h.result()));
    return empties / ((performance.now() - t0) / 1000);
  });

  // Pipeline: the real worker, the real upload path.
  const runtime = createRuntime(config, { poolSize: 10 });
  const owner = createDatabase(ownerUrl, { max: 2 });
  const tenant = await TenantRepository.create(owner, `bench-${Date.now().toString(36)}`, 'Bench');
  const text = renderInterchange(
    [randomTransaction(prng(42), '0001', claims)],
    { element: '*', component: ':', repetition: '^', segment: '~' },
    '1',
    true,
  ).replace(/\*20240201~/, `*${new Date().toISOString().slice(0, 10).replace(/-/g, '')}~`);
  const { worker, connection } = await createWorker(config, runtime);
  const service = new RemittancesService(runtime, client, config);
  const result = await worker.runUntil(async () => {
    const t0 = performance.now();
    const file = await service.upload(
      { tenantId: tenant.id, actor: 'bench', requestId: '' },
      Buffer.from(text),
      'bench.835',
    );
    await client.workflow.getHandle(file.workflowId).result();
    const stored = performance.now();
    let settled = 0;
    let toWork = 0;
    for (;;) {
      const r = await sql<{ work: string; settled: string }>`
        SELECT count(*) FILTER (WHERE workflow_id IS NOT NULL) AS work,
               count(*) FILTER (WHERE lifecycle_state IN ('awaiting_review', 'closed')) AS settled
        FROM claims WHERE remittance_file_id = ${file.id}`.execute(owner);
      toWork = Number(r.rows[0]!.work);
      settled = Number(r.rows[0]!.settled);
      if (settled >= toWork) break;
      await new Promise((res) => setTimeout(res, 250));
    }
    const done = performance.now();
    return { storeS: (stored - t0) / 1000, totalS: (done - t0) / 1000, toWork, settled };
  });
  const claimsPerS = claims / result.totalS;
  console.log(
    JSON.stringify(
      {
        claims,
        lifecycles: result.toWork,
        ingestAndStartSeconds: Number(result.storeS.toFixed(1)),
        endToEndSeconds: Number(result.totalS.toFixed(1)),
        claimsPerSecond: Number(claimsPerS.toFixed(1)),
        lifecyclesPerSecond: Number((result.toWork / result.totalS).toFixed(1)),
        emptyWorkflowsPerSecond: Number(ceiling.toFixed(1)),
        claimsVsCeiling: `${((claimsPerS / ceiling) * 100).toFixed(0)}%`,
        lifecyclesVsCeiling: `${((result.toWork / result.totalS / ceiling) * 100).toFixed(0)}%`,
      },
      null,
      2,
    ),
  );
  await connection.close();
  await nconn.close();
  await conn.close();
  await runtime.close();
  await owner.destroy();
  const admin = createDatabase(withDatabaseName(ownerUrl, 'postgres'), { max: 1 });
  await sql.raw(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).execute(admin);
  await admin.destroy();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
