import { createHash, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Client, Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { createDatabase, type Database } from '../db/database';
import { TenantRepository } from '../db/repositories/tenant.repository';
import type { Tenant } from '../db/schema';
import { connectTemporal, createApp } from '../api/app';
import { loadConfig, type Config } from '../ops/config';
import { createRuntime, type Runtime } from '../ops/runtime';
import { createWorker } from '../ops/worker/worker';

export const FIXTURES = path.resolve(__dirname, '../../shared/fixtures/x12-835/public');

function required(name: string): string {
  const v = process.env[name];
  if (!v)
    throw new Error(`${name} is unset: run medium specs through jest (global setup provides it)`);
  return v;
}

/**
 * A fixed key for tests only (derived, never used outside tests) so recorded
 * workflow histories stay decodable on any machine that replays them.
 */
export const TEST_MASTER_KEY = createHash('sha256')
  .update('claimflow synthetic test key')
  .digest('base64');

/** The run's config: its own database, and a task queue of its own per stack. */
export function testConfig(env: NodeJS.ProcessEnv = {}): Config {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: required('CLAIMFLOW_TEST_DATABASE_URL'),
    TEMPORAL_ADDRESS: required('CLAIMFLOW_TEST_TEMPORAL_ADDRESS'),
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    REVIEW_TIMEOUT: '10m',
    CLAIMFLOW_MASTER_KEY: TEST_MASTER_KEY,
    ...env,
  });
}

export interface TestStack {
  config: Config;
  runtime: Runtime;
  ownerDb: Database;
  temporal: Client;
  worker: Worker;
  app?: INestApplication;
  baseUrl: string;
  newTenant(slug?: string): Promise<Tenant>;
  close(): Promise<void>;
}

/** Real PostgreSQL, real Temporal, a real worker and (optionally) the real API on a free port. */
export async function startStack(
  opts: { api?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<TestStack> {
  const config = testConfig(opts.env);
  const runtime = createRuntime(config, { poolSize: 5 });
  const ownerDb = createDatabase(config.database.url!, { max: 2 });
  const { client: temporal, connection }: { client: Client; connection: Connection } =
    await connectTemporal(config);
  const { worker, connection: workerConnection } = await createWorker(config, runtime, {
    workflowBundlePath: required('CLAIMFLOW_TEST_WORKFLOW_BUNDLE'),
  });
  const running = worker.run();
  let app: INestApplication | undefined;
  let baseUrl = '';
  if (opts.api) {
    app = await createApp(config, runtime, temporal, false);
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    baseUrl = `http://127.0.0.1:${address.port}`;
  }
  return {
    config,
    runtime,
    ownerDb,
    temporal,
    worker,
    app,
    baseUrl,
    newTenant: (slug = `t-${randomUUID().slice(0, 8)}`) =>
      TenantRepository.create(ownerDb, slug, `Tenant ${slug}`),
    async close() {
      await app?.close();
      worker.shutdown();
      await running;
      await workerConnection.close();
      await connection.close();
      await runtime.close();
      await ownerDb.destroy();
    },
  };
}

export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `${what} did not happen within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`,
  );
}
