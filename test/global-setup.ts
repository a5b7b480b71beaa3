import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { withDatabaseName } from '../db/database';
import { migrateToLatest } from '../db/migrator';
import { loadConfig } from '../ops/config';
import { ensureServices } from '../ops/dev/stack';
import { ownerDatabaseUrl } from '../ops/runtime';

/**
 * Starts (or reuses) the real PostgreSQL and Temporal once per run, gives the
 * run its own database and a workflow bundle, and passes them on by env.
 * CLAIMFLOW_UNIT_ONLY=1 skips it for a quick unit-only run.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.CLAIMFLOW_UNIT_ONLY === '1') return;
  process.env.NODE_ENV = 'test';
  const config = loadConfig();
  const log = (line: string) => process.stderr.write(`test setup: ${line}\n`);
  const services = await ensureServices(config, log);
  const runId = `${Date.now().toString(36)}_${process.pid}`;
  const dbName = `claimflow_test_${runId}`;
  const ownerUrl = withDatabaseName(ownerDatabaseUrl(config), dbName);
  await migrateToLatest(ownerUrl, config.database.appPassword);
  const runDir = path.join(config.dataDir, 'test', runId);
  fs.mkdirSync(runDir, { recursive: true });
  const bundlePath = path.join(runDir, 'workflow-bundle.js');
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    failureConverterPath: require.resolve('../workflows/failure-converter'),
    logger: {
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: log,
      error: log,
      log: () => undefined,
    },
  });
  fs.writeFileSync(bundlePath, code);
  Object.assign(process.env, {
    CLAIMFLOW_TEST_RUN_ID: runId,
    CLAIMFLOW_TEST_DATABASE_URL: ownerUrl,
    CLAIMFLOW_TEST_WORKFLOW_BUNDLE: bundlePath,
    CLAIMFLOW_TEST_TEMPORAL_ADDRESS: services.temporal.address,
    CLAIMFLOW_TEST_STARTED: JSON.stringify({
      postgres: services.postgres.started,
      temporal: services.temporal.started,
    }),
  });
  log(`run ${runId}: database ${dbName}`);
}
