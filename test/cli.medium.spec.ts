import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { eventually, FIXTURES, startStack, TEST_MASTER_KEY, type TestStack } from './harness';

const ROOT = path.resolve(__dirname, '..');

/** The CLI as a user runs it: compiled, in its own process, over the run's database and Temporal. */
// Asynchronous: the worker runs inside this process and must keep polling while the CLI waits.
function cli(
  stack: TestStack,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/ops/cli/main.js'), ...args], {
    cwd: ROOT,
    timeout: 60_000,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: stack.config.database.url,
      TEMPORAL_ADDRESS: stack.config.temporal.address,
      TEMPORAL_TASK_QUEUE: stack.config.temporal.taskQueue,
      CLAIMFLOW_MASTER_KEY: TEST_MASTER_KEY,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('bin/claimflow claim commands', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // Compile once (incremental): the CLI runs from dist/ like bin/claimflow does.
    const build = spawnSync(
      path.join(ROOT, 'node_modules/.bin/tsc'),
      ['-p', 'tsconfig.build.json'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    if (build.status !== 0) throw new Error(`build failed: ${build.stdout}`);
    stack = await startStack();
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('creates a tenant, ingests a file with --wait, and lists its claims without PHI', async () => {
    const slug = `cli-${Date.now().toString(36)}`;
    const created = await cli(stack, ['tenant', 'create', slug, '--name', 'CLI Clinic']);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ slug, name: 'CLI Clinic' });

    const ingest = await cli(stack, [
      'ingest',
      path.join(FIXTURES, 'tastypackets-x12-parser/profee.edi'),
      '--tenant',
      slug,
      '--wait',
    ]);
    expect(ingest.stderr).toBe('');
    expect(ingest.code).toBe(0);
    // Hand-checked: 3 claims, one paid 0.00 (denied), two not paid in full get a lifecycle.
    expect(JSON.parse(ingest.stdout)).toMatchObject({
      claims: 3,
      denied: 1,
      workflowsStarted: 2,
      quarantined: false,
      duplicate: false,
    });

    const list = await eventually('claims triaged', async () => {
      const r = await cli(stack, ['claims', 'list', '--tenant', slug, '--json']);
      const rows = JSON.parse(r.stdout) as {
        category: string | null;
        workflowState: string | null;
      }[];
      return rows.filter(
        (c) => c.workflowState === 'awaiting_review' || c.workflowState === 'closed',
      ).length === 2
        ? { r, rows }
        : undefined;
    });
    expect(list.rows).toHaveLength(3);
    // The paid claim has no lifecycle, hence no category.
    expect(list.rows.map((c) => c.category ?? 'none').sort()).toEqual([
      'missing_information',
      'none',
      'timely_filing',
    ]);
    for (const phi of [
      'SUBMITTED LAST',
      'SUBMITTED FIRST',
      'CORRECTED LAST',
      'LL99999L',
      'LL88888L',
      'PATIENT ACCOUNT NUMBER',
    ]) {
      expect(list.r.stdout).not.toContain(phi);
    }
  });

  it('exits 2 with a usage line for an unknown tenant flag and 1 with one clear line for an unknown tenant', async () => {
    const usage = await cli(stack, ['claims', 'list']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe('claimflow: --tenant <slug> is required\n');
    const missing = await cli(stack, ['claims', 'list', '--tenant', 'no-such-tenant']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      'claimflow cli: no tenant with slug "no-such-tenant": create it with bin/claimflow tenant create no-such-tenant\n',
    );
  });

  it('refuses an unknown command with exit code 2', async () => {
    const r = await cli(stack, ['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^claimflow: unknown command "frobnicate"/);
  });
});
