/**
 * "A deliberately non-deterministic code change is caught by replay": real
 * histories from the Temporal server, replayed by `workflows replay` and
 * POST /workflows/replay against the current code (passes) and against a
 * bundle built from a modified copy of the workflows (fails, exit code 1).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { Tenant } from '../../db/schema';
import { claimWorkflowId, ingestWorkflowId } from '../../workflows/contracts';
import { claimAwaitingReview } from '../api/world';
import { signIn, startStack, type SignedIn, type TestStack } from '../harness';
import { ensureDist } from '../resilience/support';
import { cli, ROOT } from './support';

const LIFECYCLE_START =
  'export async function claimLifecycle(input: ClaimLifecycleInput): Promise<ClaimLifecycleState> {';

/** The workflows as they are, but a claim's life now starts with a timer: a change that breaks running histories. */
async function nondeterministicBundle(dir: string): Promise<string> {
  const copy = path.join(dir, 'workflows');
  fs.cpSync(path.join(ROOT, 'workflows'), copy, { recursive: true });
  const file = path.join(copy, 'claim-lifecycle.workflow.ts');
  const source = fs.readFileSync(file, 'utf8');
  if (!source.includes(LIFECYCLE_START))
    throw new Error('claimLifecycle changed shape: update the spec');
  fs.writeFileSync(
    file,
    `import { sleep as nondeterministicSleep } from '@temporalio/workflow';\n${source.replace(
      LIFECYCLE_START,
      `${LIFECYCLE_START}\n  await nondeterministicSleep('1 second');`,
    )}`,
  );
  const { code } = await bundleWorkflowCode({
    workflowsPath: copy,
    failureConverterPath: require.resolve('../../workflows/failure-converter'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
  });
  const out = path.join(dir, 'nondeterministic-bundle.js');
  fs.writeFileSync(out, code);
  return out;
}

describe('replay tells before a deploy which workflows the new code would break', () => {
  let stack: TestStack;
  let tenant: Tenant;
  let other: Tenant;
  let ops: SignedIn;
  let otherOps: SignedIn;
  let specialist: SignedIn;
  let claimWf: string;
  let ingestWf: string;
  let badBundle: string;

  /** `workflows replay` in the tenant's scope. */
  const replayCli = (...args: string[]) =>
    cli(stack.config, ['workflows', 'replay', ...args, '--tenant', tenant.slug]);
  const replay = (who: SignedIn, body: unknown) =>
    who.fetch('/workflows/replay', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    const dir = path.join(runDir(), 'replay');
    fs.mkdirSync(dir, { recursive: true });
    // Before the stack: a rebuild of dist/ blocks the event loop, which a connecting client would not survive.
    await ensureDist();
    [stack, badBundle] = await Promise.all([
      startStack({
        api: true,
        env: { WORKFLOW_BUNDLE: process.env.CLAIMFLOW_TEST_WORKFLOW_BUNDLE! },
      }),
      nondeterministicBundle(dir),
    ]);
    [tenant, other] = await Promise.all([stack.newTenant(), stack.newTenant()]);
    [ops, otherOps, specialist] = await Promise.all([
      signIn(stack, tenant, ['ops']),
      signIn(stack, other, ['ops']),
      signIn(stack, tenant, ['appeal_specialist']),
    ]);
    const claim = await claimAwaitingReview(stack, specialist);
    claimWf = claimWorkflowId(claim.claimId);
    const fileId = (
      await stack.ownerDb
        .selectFrom('claims')
        .select('remittance_file_id')
        .where('id', '=', claim.claimId)
        .executeTakeFirstOrThrow()
    ).remittance_file_id;
    ingestWf = ingestWorkflowId(fileId);
  }, 180_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('replays the tenant’s histories against the current code with exit code 0', async () => {
    const r = await replayCli(claimWf, ingestWf);
    expect(r.stderr).toContain('2 histories replayed, 0 failed');
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/).slice(0, 2)),
    ).toEqual([
      ['ok', claimWf],
      ['ok', ingestWf],
    ]);
  });

  it('catches the non-deterministic change with exit code 1 and names the workflow', async () => {
    const r = await replayCli(claimWf, ingestWf, '--bundle', badBundle, '--json');
    expect(r.code).toBe(1);
    const results = jsonLines(r.stdout);
    expect(results).toEqual([
      expect.objectContaining({
        workflowId: claimWf,
        ok: false,
        nondeterministic: true,
        error: expect.stringMatching(/nondeterminism/i),
      }),
      expect.objectContaining({ workflowId: ingestWf, ok: true }),
    ]);
    expect(r.stderr).toContain('non-determinism: do not deploy this code as is');
  });

  it('samples the tenant’s recent workflows and catches the change among them', async () => {
    const r = await replayCli('--sample', '5', '--bundle', badBundle, '--json');
    expect(r.code).toBe(1);
    const results = jsonLines(r.stdout) as { workflowId: string; ok: boolean }[];
    expect(results.map((x) => [x.workflowId, x.ok]).sort()).toEqual(
      [
        [claimWf, false],
        [ingestWf, true],
      ].sort(),
    );
  });

  it('refuses a replay that names nothing, a bad sample, or a workflow id it does not know', async () => {
    const none = await cli(stack.config, ['workflows', 'replay']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('name workflow ids, --all-failed or --sample N');
    const bad = await cli(stack.config, ['workflows', 'replay', '--sample', 'many']);
    expect(bad.code).toBe(2);
    const unknown = await cli(stack.config, [
      'workflows',
      'replay',
      'claim-00000000-0000-4000-8000-000000000000',
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('workflow not found');
  });

  it('replays through the API for ops, audited, and another tenant’s workflow is not found', async () => {
    const res = await replay(ops, { workflowIds: [claimWf] });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as {
      results: { workflowId: string; runId: string; ok: boolean }[];
    };
    expect(results).toEqual([{ workflowId: claimWf, runId: expect.any(String), ok: true }]);
    const events = await stack.ownerDb
      .selectFrom('audit_events')
      .selectAll()
      .where('tenant_id', '=', tenant.id)
      .where('action', '=', 'workflow.replay')
      .where('actor', '=', ops.userId)
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]!.details).toEqual({ workflows: 1, failed: 0 });
    expect((await replay(otherOps, { workflowIds: [claimWf] })).status).toBe(404);
    const failed = (await (await replay(ops, { allFailed: true })).json()) as {
      results: unknown[];
    };
    expect(failed.results).toEqual([]);
  });

  it('refuses API replays without a target, with too large a sample, or from other roles', async () => {
    const empty = await replay(ops, {});
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({
      error: { message: expect.stringContaining('name workflowIds, allFailed or sample') },
    });
    const big = await replay(ops, { sample: 101 });
    expect(await big.json()).toMatchObject({ error: { field: 'sample' } });
    expect((await replay(specialist, { sample: 1 })).status).toBe(403);
  });
});

/** One JSON object per line, as `--json` prints replay results. */
function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The run's own folder under .data/test (removed by the global teardown). */
function runDir(): string {
  return path.join(ROOT, '.data', 'test', process.env.CLAIMFLOW_TEST_RUN_ID!);
}
