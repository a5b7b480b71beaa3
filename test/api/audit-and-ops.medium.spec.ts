import type { Tenant } from '../../db/schema';
import { signIn, startStack, type SignedIn, type TestStack } from '../harness';
import { claimAwaitingReview } from './world';

describe('auditors read, verify and export the trail; ops operate workflows without PHI', () => {
  let stack: TestStack;
  let tenant: Tenant;
  let specialist: SignedIn;
  let auditor: SignedIn;
  let ops: SignedIn;
  let claim: Awaited<ReturnType<typeof claimAwaitingReview>>;

  beforeAll(async () => {
    stack = await startStack({ api: true, logger: 'default' });
    tenant = await stack.newTenant();
    [specialist, auditor, ops] = await Promise.all([
      signIn(stack, tenant, ['appeal_specialist']),
      signIn(stack, tenant, ['auditor']),
      signIn(stack, tenant, ['ops']),
    ]);
    claim = await claimAwaitingReview(stack, specialist);
    expect((await specialist.fetch(`/claims/${claim.claimId}`)).status).toBe(200);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('lists a claim’s events, a user’s events and a time window', async () => {
    const byClaim = (await (
      await auditor.fetch(`/audit/events?claimId=${claim.claimId}`)
    ).json()) as {
      action: string;
      actor: string;
    }[];
    expect(byClaim.map((e) => e.action)).toContain('claim.read');
    const byUser = (await (
      await auditor.fetch(`/audit/events?actor=${specialist.userId}&limit=1000`)
    ).json()) as { actor: string; action: string }[];
    expect(byUser.length).toBeGreaterThan(2);
    expect(byUser.every((e) => e.actor === specialist.userId)).toBe(true);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(
      await (await auditor.fetch(`/audit/events?from=${encodeURIComponent(future)}`)).json(),
    ).toEqual([]);
    const bad = await auditor.fetch('/audit/events?from=yesterday');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { field: 'from' } });
  });

  it('verifies the tenant’s chain and exports it as CSV', async () => {
    const verify = await auditor.fetch('/audit/verify');
    expect(verify.status).toBe(200);
    expect(await verify.json()).toMatchObject({ intact: true });
    const csv = await auditor.fetch(`/audit/export?claimId=${claim.claimId}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'seq,occurredAt,actor,actorRole,action,resourceType,resourceId,claimId,purpose,outcome,requestId,workflowId,details,hash',
    );
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.join('\n')).not.toContain(claim.patient.last);
  });

  it('lets ops list, describe and reset a claim’s workflow, and never shows PHI', async () => {
    const list = await ops.fetch('/workflows?status=awaiting_review');
    expect(list.status).toBe(200);
    const text = await list.text();
    expect(text).toContain(claim.claimId);
    expect(text).not.toContain(claim.patient.last);
    const described = await ops.fetch(`/workflows/${claim.claimId}`);
    expect(await described.json()).toMatchObject({ status: 'RUNNING', type: 'claimLifecycle' });
    const reset = await ops.fetch(`/workflows/${claim.claimId}/reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: 'last-good', reason: 'unstick after a deploy' }),
    });
    expect(reset.status).toBe(200);
    expect(await reset.json()).toMatchObject({ runId: expect.any(String) });
  });

  it('writes the request id on every log line and never a stack trace', async () => {
    const lines: string[] = [];
    const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    });
    const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const res = await ops.fetch(`/claims/${claim.claimId}/break-glass`, { method: 'POST' });
      expect(res.status).toBe(403);
      const id = res.headers.get('x-request-id')!;
      const ours = lines.filter((l) => l.includes('403'));
      expect(ours.length).toBeGreaterThan(0);
      expect(ours.every((l) => l.includes(`"requestId":"${id}"`))).toBe(true);
      expect(lines.join('')).not.toMatch(/\n\s+at /);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });
});
