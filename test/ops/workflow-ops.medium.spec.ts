/**
 * "A workflow made to fail (a payer endpoint returning 500, then fixed) is
 * listed, retried and completes once": through the ops API and the CLI, on the
 * real Temporal server, with capped external retries so the outage fails the
 * claim's workflow within seconds.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Tenant } from '../../db/schema';
import type { ProblemWorkflow } from '../../ops/temporal/workflow-problems';
import { CLAIM_STATES, claimWorkflowId, submitReview } from '../../workflows/contracts';
import { startFakePayer, type FakePayer } from '../fakes/payer-server';
import { claimAwaitingReview } from '../api/world';
import { eventually, signIn, startStack, type SignedIn, type TestStack } from '../harness';
import { ensureDist } from '../resilience/support';
import { createWorker } from '../../ops/worker/worker';
import { cli, freePort, leaks, phiOf } from './support';

type Problem = Omit<ProblemWorkflow, 'tenantId'>;

describe('ops find, retry and reset failed workflows without seeing PHI', () => {
  let stack: TestStack;
  let payer: FakePayer;
  let tenant: Tenant;
  let other: Tenant;
  let ops: SignedIn;
  let otherOps: SignedIn;
  let specialist: SignedIn;
  let claim: Awaited<ReturnType<typeof claimAwaitingReview>>;
  let workflowId: string;
  let failedRunId: string;

  const post = (who: SignedIn, path: string, body: unknown) =>
    who.fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const failedOf = async (who: SignedIn, q = '') => {
    const res = await who.fetch(`/workflows/failed${q}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    return { text, workflows: (JSON.parse(text) as { workflows: Problem[] }).workflows };
  };
  const auditOf = (action: string) =>
    stack.ownerDb
      .selectFrom('audit_events')
      .selectAll()
      .where('tenant_id', '=', tenant.id)
      .where('action', '=', action)
      .where('claim_id', '=', claim.claimId)
      .execute();

  beforeAll(async () => {
    // Before the stack: a rebuild of dist/ blocks the event loop, which a connecting client would not survive.
    await ensureDist();
    payer = await startFakePayer();
    stack = await startStack({
      api: true,
      env: {
        PAYER_ENDPOINT: payer.url,
        // Three attempts 2 s then 4 s apart: stuck for a few seconds, then failed.
        EXTERNAL_RETRY_MAX_ATTEMPTS: '3',
        EXTERNAL_RETRY_INITIAL: '2s',
        WORKFLOW_STUCK_AFTER: '1s',
        FOLLOW_UP_EVERY: '1s',
        FOLLOW_UP_LIMIT: '1',
        WORKFLOW_BUNDLE: process.env.CLAIMFLOW_TEST_WORKFLOW_BUNDLE!,
      },
    });
    [tenant, other] = await Promise.all([stack.newTenant(), stack.newTenant()]);
    [ops, otherOps, specialist] = await Promise.all([
      signIn(stack, tenant, ['ops']),
      signIn(stack, other, ['ops']),
      signIn(stack, tenant, ['appeal_specialist']),
    ]);
    claim = await claimAwaitingReview(stack, specialist);
    workflowId = claimWorkflowId(claim.claimId);
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await payer?.close();
  });

  it('lists a claim whose payer keeps answering 500 as stuck, then as failed, with why and no PHI', async () => {
    payer.failNext(1000);
    await stack.temporal.workflow.getHandle(workflowId).executeUpdate(submitReview, {
      args: [
        { decision: 'approve', actor: { userId: specialist.userId, roles: ['appeal_specialist'] } },
      ],
    });
    const stuck = await eventually(
      'listed as stuck',
      async () =>
        (await failedOf(ops)).workflows.find(
          (w) => w.workflowId === workflowId && w.status === 'STUCK',
        ),
      20_000,
    );
    expect(stuck.reason).toMatch(
      /^activity submitAppeal has been retrying for \d+ s \(attempt [23]\): SubmissionUnavailable: payer endpoint answered 500$/,
    );
    // Retrying a running workflow starts its backing-off activity again now, with fresh attempts.
    const callsBefore = payer.calls();
    const now = await post(ops, `/workflows/${workflowId}/retry`, { reason: 'try the payer now' });
    expect(now.status).toBe(200);
    expect(await now.json()).toEqual({ workflowId, runId: stuck.runId });
    await eventually(
      'the activity retried at once',
      async () => (payer.calls() > callsBefore ? true : undefined),
      3_000,
    );
    const failed = await eventually(
      'listed as failed',
      async () =>
        (await failedOf(ops)).workflows.find(
          (w) => w.workflowId === workflowId && w.status === 'FAILED',
        ),
      30_000,
    );
    failedRunId = failed.runId;
    expect(failed).toMatchObject({
      type: 'claimLifecycle',
      claimId: claim.claimId,
      claimState: 'submitting',
      category: 'medical_necessity',
      payerId: expect.any(String),
      reason:
        'activity submitAppeal failed after its last allowed attempt: SubmissionUnavailable: payer endpoint answered 500',
    });
    expect(Date.parse(failed.since)).toBeGreaterThan(Date.now() - 120_000);
    // Three attempts, then the retry's fresh three: one or two of the first had run.
    expect([4, 5]).toContain(payer.calls());
    const { text } = await failedOf(ops, '?type=claimLifecycle');
    expect(leaks(text, phiOf(claim.patient))).toEqual([]);
    expect((await failedOf(ops, '?type=ingestRemittance')).workflows).toEqual([]);
  });

  it('says in one line that Temporal cannot be reached, without a stack trace', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const unreachable = { ...stack.config.temporal, address, connectTimeout: '1s' };
    const down = await cli({ ...stack.config, temporal: unreachable }, [
      'workflows',
      'reset',
      workflowId,
      '--to',
      'last-good',
      '--reason',
      'payer fixed',
    ]);
    expect(down.code).toBe(1);
    expect(down.stderr.trim().split('\n')).toEqual([
      expect.stringContaining(`the workflow service (Temporal) at ${address} cannot be reached`),
    ]);
    expect(down.stderr).toMatch(/bin\/claimflow services up/);
    expect(down.stderr).not.toMatch(/unexpected error|\n\s+at /);
    expect(down.stdout).toBe('');
    // The worker's own connection says the same.
    await expect(
      createWorker({ ...stack.config, temporal: unreachable }, stack.runtime),
    ).rejects.toThrow(`the workflow service (Temporal) at ${address} cannot be reached`);
  });

  it('lists the failure through the CLI for the tenant, and nothing for another tenant', async () => {
    const mine = await cli(stack.config, [
      'workflows',
      'failed',
      '--tenant',
      tenant.slug,
      '--json',
    ]);
    expect(mine.code).toBe(0);
    const rows = JSON.parse(mine.stdout) as Problem[];
    expect(rows.map((r) => [r.workflowId, r.status])).toContainEqual([workflowId, 'FAILED']);
    expect(leaks(mine.stdout + mine.stderr, phiOf(claim.patient))).toEqual([]);
    const theirs = await cli(stack.config, [
      'workflows',
      'failed',
      '--tenant',
      other.slug,
      '--json',
    ]);
    expect(JSON.parse(theirs.stdout)).toEqual([]);
    const bad = await cli(stack.config, ['workflows', 'failed', '--since', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--since: "yesterday" is neither an ISO time nor a duration/);
  });

  it('refuses the failed list to other roles and other tenants, and bad filters with the field', async () => {
    expect((await specialist.fetch('/workflows/failed')).status).toBe(403);
    expect((await failedOf(otherOps)).workflows).toEqual([]);
    const bad = await ops.fetch('/workflows/failed?since=last-week');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'BAD_REQUEST', field: 'since' } });
    const badType = await ops.fetch('/workflows/failed?type=backup');
    expect(await badType.json()).toMatchObject({ error: { field: 'type' } });
  });

  it('refuses a retry without a reason, by another tenant, or by a role without workflow.operate', async () => {
    const noReason = await post(ops, `/workflows/${workflowId}/retry`, {});
    expect(noReason.status).toBe(400);
    expect(await noReason.json()).toMatchObject({ error: { field: 'reason' } });
    expect(
      (await post(otherOps, `/workflows/${workflowId}/retry`, { reason: 'not mine' })).status,
    ).toBe(404);
    expect(
      (await post(specialist, `/workflows/${workflowId}/retry`, { reason: 'not ops' })).status,
    ).toBe(403);
    const badId = await post(ops, '/workflows/backup-2026/retry', { reason: 'not a claim' });
    expect(await badId.json()).toMatchObject({
      error: { code: 'BAD_REQUEST', field: 'workflowId' },
    });
    // Only the retry that went through (of the backing-off activity) is on the trail.
    expect((await auditOf('workflow.retry')).map((e) => e.actor)).toEqual([ops.userId]);
  });

  it('shows a batch retry as a dry run and does nothing without a confirmation', async () => {
    const dry = await cli(stack.config, [
      'workflows',
      'retry',
      '--all-failed',
      '--tenant',
      tenant.slug,
      '--dry-run',
    ]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`PLAN  ${workflowId}`);
    expect(dry.stdout).toMatch(/"action":"reset","eventId":\d+/);
    const unconfirmed = await cli(
      stack.config,
      ['workflows', 'retry', '--all-failed', '--tenant', tenant.slug, '--reason', 'payer fixed'],
      { stdin: 'no\n' },
    );
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr).toContain('not confirmed; nothing done');
    const d = await stack.temporal.workflow.getHandle(workflowId).describe();
    expect([d.runId, d.status.name]).toEqual([failedRunId, 'FAILED']);
  });

  it('retries the failed workflow once the payer is fixed: it completes with one submission, audited', async () => {
    payer.failNext(0);
    const res = await post(ops, `/workflows/${workflowId}/retry`, {
      reason: 'payer endpoint fixed',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { workflowId: string; runId: string };
    expect(body.workflowId).toBe(workflowId);
    expect(body.runId).not.toBe(failedRunId);
    const result = (await stack.temporal.workflow.getHandle(workflowId, body.runId).result()) as {
      outcome: string;
    };
    expect(result.outcome).toBe('written_off');
    const submitted = [...payer.submissions.values()].filter((s) =>
      s.idempotencyKey.startsWith(claim.claimId),
    );
    expect(submitted).toHaveLength(1);
    const submits = await auditOf('appeal.submit');
    expect(submits.map((e) => e.outcome)).toEqual(['success']);
    expect(await auditOf('claim.close')).toHaveLength(1);
    const retries = await auditOf('workflow.retry');
    expect(retries.map((e) => (e.details as { how: string }).how)).toEqual(['activities', 'reset']);
    const retry = retries[1]!;
    expect(retry).toMatchObject({
      actor: ops.userId,
      actor_role: 'ops',
      resource_type: 'workflow',
      resource_id: workflowId,
      workflow_id: workflowId,
      purpose: 'operations',
      details: {
        reason: 'payer endpoint fixed',
        how: 'reset',
        fromRunId: failedRunId,
        runId: body.runId,
      },
    });
    expect((await failedOf(ops)).workflows.filter((w) => w.runId === body.runId)).toEqual([]);
  });

  it('refuses to retry a completed workflow, naming why', async () => {
    const res = await post(ops, `/workflows/${workflowId}/retry`, { reason: 'again' });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error: { code: 'NOTHING_TO_RETRY', message: 'the workflow is completed: nothing to retry' },
    });
  });

  it('resets to the last good point or a named task, and refuses an event that is not one', async () => {
    const d = await stack.temporal.workflow.getHandle(workflowId).describe();
    const notATask = await post(ops, `/workflows/${workflowId}/reset`, {
      to: 1,
      reason: 'first event',
    });
    expect(notATask.status).toBe(400);
    expect(await notATask.json()).toMatchObject({
      error: {
        field: 'to',
        message: expect.stringMatching(/^to: event 1 is not a completed workflow task/),
      },
    });
    const bogus = await post(ops, `/workflows/${workflowId}/reset`, {
      to: 'first',
      reason: 'bogus',
    });
    expect(await bogus.json()).toMatchObject({ error: { code: 'BAD_REQUEST', field: 'to' } });
    expect(
      (
        await post(otherOps, `/workflows/${workflowId}/reset`, {
          to: 'last-good',
          reason: 'theirs',
        })
      ).status,
    ).toBe(404);
    const res = await post(ops, `/workflows/${workflowId}/reset`, {
      to: 'last-good',
      reason: 'verify the close',
    });
    expect(res.status).toBe(200);
    const { runId } = (await res.json()) as { runId: string };
    expect(runId).not.toBe(d.runId);
    await stack.temporal.workflow.getHandle(workflowId, runId).result();
    const [reset] = await auditOf('workflow.reset');
    expect(reset).toMatchObject({
      actor: ops.userId,
      details: { reason: 'verify the close', to: 'last-good', fromRunId: d.runId, runId },
    });
    // Still one submission and one appeal.submit: the reset re-ran no external step.
    expect(
      [...payer.submissions.values()].filter((s) => s.idempotencyKey.startsWith(claim.claimId)),
    ).toHaveLength(1);
  });

  it('counts the tenant’s workflows by claim state and status, and another tenant sees none of them', async () => {
    const mine = (await (await ops.fetch('/workflows/counts')).json()) as {
      byState: Record<string, number>;
      byStatus: Record<string, number>;
    };
    expect(Object.keys(mine.byState)).toEqual(CLAIM_STATES);
    // One claim closed (its latest run and the earlier completed one), the failed run left in submitting.
    expect(mine.byState).toMatchObject({ closed: 2, submitting: 1, awaiting_review: 0 });
    expect(mine.byStatus).toMatchObject({ COMPLETED: 3, FAILED: 1, RUNNING: 0 });
    const theirs = (await (await otherOps.fetch('/workflows/counts')).json()) as typeof mine;
    expect(Object.values(theirs.byState).every((n) => n === 0)).toBe(true);
    expect(Object.values(theirs.byStatus).every((n) => n === 0)).toBe(true);
  });

  it('lists a workflow whose task waits for a worker as stuck, and refuses to retry it', async () => {
    const stranded = `claim-${randomUUID()}`;
    await stack.temporal.workflow.start('claimLifecycle', {
      workflowId: stranded,
      taskQueue: `nobody-polls-${randomUUID()}`,
      args: [{ tenantId: tenant.id, claimId: stranded.slice(6), timers: stack.config.timers }],
      searchAttributes: { TenantId: [tenant.id], ClaimState: ['triage'] },
    });
    try {
      const found = await eventually(
        'stranded workflow listed',
        async () => (await failedOf(ops)).workflows.find((w) => w.workflowId === stranded),
        15_000,
      );
      expect(found).toMatchObject({ status: 'STUCK', claimState: 'triage' });
      expect(found.reason).toMatch(
        /^its workflow task has waited \d+ s for a worker on task queue nobody-polls-/,
      );
      const retry = await post(ops, `/workflows/${stranded}/retry`, { reason: 'try' });
      expect(retry.status).toBe(409);
      expect(await retry.json()).toMatchObject({ error: { code: 'NOTHING_TO_RETRY' } });
    } finally {
      await stack.temporal.workflow
        .getHandle(stranded)
        .terminate('spec cleanup')
        .catch((err: unknown) => {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        });
    }
    const terminated = await eventually('terminated listed', async () =>
      (await failedOf(ops)).workflows.find(
        (w) => w.workflowId === stranded && w.status === 'TERMINATED',
      ),
    );
    expect(terminated.reason).toMatch(/^the workflow was terminated by .+: spec cleanup$/);
  });

  type ResetRequest = Parameters<
    TestStack['temporal']['workflowService']['resetWorkflowExecution']
  >[0];
  /** A reset through the API whose request to Temporal is altered on the way, so Temporal itself refuses it. */
  async function refusedReset(reason: string, alter: (r: ResetRequest) => ResetRequest) {
    const service = stack.temporal.workflowService;
    const real = service.resetWorkflowExecution.bind(service);
    service.resetWorkflowExecution = ((request: ResetRequest) =>
      real(alter(request))) as typeof service.resetWorkflowExecution;
    try {
      return await post(ops, `/workflows/${workflowId}/reset`, { to: 'last-good', reason });
    } finally {
      service.resetWorkflowExecution = real;
    }
  }
  const failedResets = async (reason: string) =>
    (await auditOf('workflow.reset')).filter(
      (e) => e.outcome === 'failure' && (e.details as { reason?: string }).reason === reason,
    );

  it('audits a reset Temporal refuses, with the error’s kind only, and answers without its text', async () => {
    const d = await stack.temporal.workflow.getHandle(workflowId).describe();
    // The plan's point was checked against the history; Temporal is asked for the run's
    // first event instead, which is no workflow task.
    const res = await refusedReset('refused', (r) => ({
      ...r,
      workflowTaskFinishEventId: 1 as unknown as ResetRequest['workflowTaskFinishEventId'],
    }));
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error: {
        code: 'REFUSED_BY_TEMPORAL',
        message: 'Temporal refused the reset: it is not valid for this run',
      },
    });
    const refused = await failedResets('refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      actor: ops.userId,
      resource_id: workflowId,
      details: { reason: 'refused', to: 'last-good', fromRunId: d.runId, error: 'grpc_3' },
    });
    // Nothing was reset: the run that was current still is.
    expect((await stack.temporal.workflow.getHandle(workflowId).describe()).runId).toBe(d.runId);
  });

  it('answers 404 for a run Temporal no longer has, audited as refused', async () => {
    // As if the run were deleted between the plan and the reset.
    const res = await refusedReset('gone', (r) => ({
      ...r,
      workflowExecution: { workflowId, runId: randomUUID() },
    }));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'workflow not found' },
    });
    expect(await failedResets('gone')).toEqual([
      expect.objectContaining({ details: expect.objectContaining({ error: 'grpc_5' }) }),
    ]);
  });
});
