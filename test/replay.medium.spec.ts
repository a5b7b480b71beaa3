import * as fs from 'node:fs';
import * as path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { createDataConverter } from '../ops/temporal/data-converter';
import { testConfig } from './harness';
import { HISTORIES } from './replay';

const files = fs.existsSync(HISTORIES)
  ? fs.readdirSync(HISTORIES).filter((f) => f.endsWith('.json'))
  : [];

describe('recorded workflow histories replay against the current code', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files)('replays %s without a non-determinism error', async (file) => {
    const history = historyFromJSON(
      JSON.parse(fs.readFileSync(path.join(HISTORIES, file), 'utf8')),
    );
    await expect(
      Worker.runReplayHistory(
        {
          workflowBundle: { codePath: process.env.CLAIMFLOW_TEST_WORKFLOW_BUNDLE! },
          dataConverter: createDataConverter(testConfig()),
        },
        history,
        file.replace(/\.json$/, ''),
      ),
    ).resolves.toBeUndefined();
  });
});
