import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { doctor } from '../../ops/cli/doctor';
import { testConfig } from '../harness';

describe('doctor: what a newcomer lacks, named with the fix', () => {
  const line = async (what: string, env: NodeJS.ProcessEnv = {}) =>
    (await doctor(testConfig(env))).lines.find((l) => l.what === what);

  it('finds the backup tools this machine has, with their versions', async () => {
    expect(await line('backup tools')).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/^pg_dump \d+(\.\d+)?, pg_restore \d+(\.\d+)?$/),
    });
  });

  it('warns, with the install step, when PG_BIN_DIR holds no pg_dump; the rest still reports', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'claimflow-no-pg-'));
    try {
      const { lines } = await doctor(testConfig({ PG_BIN_DIR: empty }));
      expect(lines.find((l) => l.what === 'backup tools')).toEqual({
        status: 'warn',
        what: 'backup tools',
        detail: expect.stringContaining(`pg_dump not found in PG_BIN_DIR (${empty}): install`),
      });
      expect(lines.find((l) => l.what === 'migrations')).toBeDefined();
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
