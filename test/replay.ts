import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import type { Config } from '../ops/config';
import { createDataConverter } from '../ops/temporal/data-converter';

export const HISTORIES = path.join(__dirname, 'fixtures', 'histories');

/**
 * Replays a finished run's history against the current workflow code: a
 * non-determinism error fails the caller. With UPDATE_HISTORIES=1 the history
 * is also kept as a fixture, so later code is replayed against it in CI.
 */
export async function replayAndKeep(
  client: Client,
  config: Config,
  workflowId: string,
  name: string,
): Promise<void> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  await Worker.runReplayHistory(
    {
      workflowBundle: { codePath: process.env.CLAIMFLOW_TEST_WORKFLOW_BUNDLE! },
      dataConverter: createDataConverter(config),
    },
    history,
    workflowId,
  );
  if (process.env.UPDATE_HISTORIES === '1') {
    fs.mkdirSync(HISTORIES, { recursive: true });
    fs.writeFileSync(path.join(HISTORIES, `${name}.json`), historyToJSON(history));
  }
}
