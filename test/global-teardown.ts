import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../ops/config';
import { stopServices } from '../ops/dev/stack';

/** Drops the run's database and stops only the services this run started. */
export default async function globalTeardown(): Promise<void> {
  const url = process.env.CLAIMFLOW_TEST_DATABASE_URL;
  if (!url) return;
  const config = loadConfig();
  if (process.env.CLAIMFLOW_KEEP_TEST_DB !== '1') {
    const name = new URL(url).pathname.slice(1);
    const maintenance = new URL(url);
    maintenance.pathname = '/postgres';
    const client = new Client({ connectionString: maintenance.toString() });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await client.end();
    }
    fs.rmSync(path.join(config.dataDir, 'test', process.env.CLAIMFLOW_TEST_RUN_ID ?? '-'), {
      recursive: true,
      force: true,
    });
  }
  const started = JSON.parse(process.env.CLAIMFLOW_TEST_STARTED ?? '{}') as {
    postgres?: boolean;
    temporal?: boolean;
  };
  await stopServices(config, { postgres: !!started.postgres, temporal: !!started.temporal });
}
