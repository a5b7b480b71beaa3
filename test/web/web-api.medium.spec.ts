import type { Tenant } from '../../db/schema';
import { carcDescription, rarcDescription } from '../../x12/codes/code-lists';
import { claimAwaitingReview } from '../api/world';
import { remitFor } from '../synthetic-remit';
import { getClaimState } from '../../workflows/contracts';
import { eventually, signIn, startStack, type SignedIn, type TestStack } from '../harness';
import { ensureWebBuild } from './browser';

type Claim = Awaited<ReturnType<typeof claimAwaitingReview>>;

/** Every identifier of the claim's synthetic patient, unique to this run. */
const phiOf = (c: Claim) => Object.values(c.patient);

describe('the endpoints and the serving the web pages stand on', () => {
  let stack: TestStack;
  let tenant: Tenant;
  let other: Tenant;
  let specialist: SignedIn;
  let colleague: SignedIn;
  let reviewer: SignedIn;
  let ops: SignedIn;
  let auditor: SignedIn;
  let outsiderAuditor: SignedIn;
  let claim: Claim;

  beforeAll(async () => {
    ensureWebBuild();
    stack = await startStack({ api: true, env: { SESSION_IDLE_TIMEOUT: '7m' } });
    tenant = await stack.newTenant();
    other = await stack.newTenant();
    [specialist, colleague, reviewer, ops, auditor, outsiderAuditor] = await Promise.all([
      signIn(stack, tenant, ['appeal_specialist']),
      signIn(stack, tenant, ['appeal_specialist']),
      signIn(stack, tenant, ['reviewer']),
      signIn(stack, tenant, ['ops']),
      signIn(stack, tenant, ['auditor']),
      signIn(stack, other, ['auditor']),
    ]);
    claim = await claimAwaitingReview(stack, specialist);
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  describe('serving the pages', () => {
    it('serves the built pages under /app/ with a CSP that allows no inline script', async () => {
      const res = await fetch(`${stack.baseUrl}/app/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      const html = await res.text();
      const script = /<script type="module" crossorigin src="(\/app\/assets\/[^"]+\.js)"/.exec(
        html,
      );
      expect(script).not.toBeNull();
      // Every script is a file of the bundle: none is inline.
      expect(html.match(/<script\b[^>]*>/g)!.every((tag) => tag.includes(' src='))).toBe(true);
      const asset = await fetch(`${stack.baseUrl}${script![1]}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(/javascript/);
      expect(asset.headers.get('cache-control')).toContain('immutable');
    });

    it('answers a client-side route with index.html so a reload keeps the page', async () => {
      for (const route of ['/app/queue', `/app/claims/${claim.claimId}`, '/app/audit/x-y']) {
        const res = await fetch(`${stack.baseUrl}${route}`);
        expect([route, res.status, res.headers.get('cache-control')]).toEqual([
          route,
          200,
          'no-store',
        ]);
        expect(await res.text()).toContain('<div id="root"></div>');
      }
      const root = await fetch(`${stack.baseUrl}/`, { redirect: 'manual' });
      expect([root.status, root.headers.get('location')]).toEqual([302, '/app/']);
      const bare = await fetch(`${stack.baseUrl}/app`, { redirect: 'manual' });
      expect([bare.status, bare.headers.get('location')]).toEqual([301, '/app/']);
    });

    it('keeps API routes first: an API path is never answered with a page', async () => {
      const res = await fetch(`${stack.baseUrl}/claims/${claim.claimId}`);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(await res.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
      const unknown = await fetch(`${stack.baseUrl}/no-such-api-route`);
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toMatch(/application\/json/);
    });

    it('refuses a missing asset, a dot file and a path that climbs out of the build', async () => {
      for (const p of [
        '/app/assets/missing-abc123.js',
        '/app/.build-stamp',
        '/app/%2e%2e/package.json',
        '/app/assets/..%2f..%2fpackage.json',
      ]) {
        const res = await fetch(`${stack.baseUrl}${p}`);
        const body = await res.text();
        expect([p, res.status]).toEqual([p, 404]);
        expect(body).toContain('NOT_FOUND');
        expect(body).not.toContain('"dependencies"');
      }
    });

    it('tells the pages the session limits before anyone signs in', async () => {
      const res = await fetch(`${stack.baseUrl}/app/config.json`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        idleTimeoutMs: 7 * 60_000,
        absoluteTimeoutMs: stack.config.auth.absoluteTimeoutMs,
      });
    });
  });

  describe('GET /claims/:id/lines', () => {
    it('gives the service lines, adjustments and remark codes with their published descriptions', async () => {
      const res = await specialist.fetch(`/claims/${claim.claimId}/lines`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        lines: {
          procedure: { code: string; modifiers: string[] };
          chargeCents: string;
          adjustments: {
            group: string;
            reason: string;
            amountCents: string;
            description: string;
          }[];
          remarks: { code: string; description: string }[];
        }[];
      };
      expect(body.lines).toHaveLength(1);
      const [line] = body.lines;
      expect(line!.procedure).toMatchObject({ code: '99214', modifiers: ['25'] });
      expect(line!.adjustments).toEqual([
        expect.objectContaining({
          group: 'CO',
          reason: '50',
          amountCents: '20000',
          description: carcDescription('50')!.description,
        }),
      ]);
      expect(line!.remarks).toEqual([
        expect.objectContaining({
          code: 'N386',
          description: rarcDescription('N386')!.description,
        }),
      ]);
    });

    it('shows ops the same codes and amounts, and no patient identifier', async () => {
      const res = await ops.fetch(`/claims/${claim.claimId}/lines`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('N386');
      for (const v of phiOf(claim)) expect(text).not.toContain(v);
    });

    it('answers "not found" to a specialist whose work does not hold the claim, and to another tenant', async () => {
      const taken = await specialist.fetch(`/review-tasks/${claim.state.reviewTaskId}/take`, {
        method: 'POST',
      });
      expect(taken.status).toBe(204);
      const res = await colleague.fetch(`/claims/${claim.claimId}/lines`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({
        error: { code: 'NOT_FOUND', message: 'claim not found' },
      });
      const otherTenant = await signIn(stack, other, ['ops']);
      expect((await otherTenant.fetch(`/claims/${claim.claimId}/lines`)).status).toBe(404);
      expect((await ops.fetch('/claims/not-a-uuid/lines')).status).toBe(400);
    });
  });

  describe('GET /dashboard', () => {
    it('counts denials and dollars by category and payer, with every day of the deadline window', async () => {
      const res = await ops.fetch('/dashboard');
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        totals: Record<string, number>;
        byCategory: { category: string; claims: number; open: number; atStakeCents: number }[];
        byPayer: { payerKey: string; name: string; claims: number }[];
        deadlines: { date: string; claims: number }[];
      };
      const row = await stack.ownerDb
        .selectFrom('claims')
        .select(['category', 'payer_key', 'amount_at_stake_cents', 'appeal_deadline'])
        .where('id', '=', claim.claimId)
        .executeTakeFirstOrThrow();
      expect(body.byCategory).toEqual([
        {
          category: row.category,
          claims: 1,
          open: 1,
          atStakeCents: Number(row.amount_at_stake_cents),
        },
      ]);
      expect(body.byPayer).toEqual([
        expect.objectContaining({
          payerKey: row.payer_key,
          name: 'SYNTHETIC HEALTH PLAN',
          claims: 1,
        }),
      ]);
      expect(body.totals).toMatchObject({
        denials: 1,
        open: 1,
        atStakeCents: Number(row.amount_at_stake_cents),
        recoveredCents: 0,
        appealsWon: 0,
        appealsLost: 0,
      });
      expect(body.deadlines).toHaveLength(7);
      expect(body.deadlines[0]!.date).toBe(new Date().toISOString().slice(0, 10));
      // The synthetic remit is dated today: its deadline is months ahead, outside this week.
      expect(body.totals.deadlinesInWindow).toBe(0);
      const longer = (await (await ops.fetch('/dashboard?days=31')).json()) as {
        deadlines: unknown[];
      };
      expect(longer.deadlines).toHaveLength(31);
    });

    it('holds no patient identifier and refuses an unknown or out-of-range parameter by name', async () => {
      const text = await (await specialist.fetch('/dashboard')).text();
      for (const v of phiOf(claim)) expect(text).not.toContain(v);
      const unknown = await ops.fetch('/dashboard?payer=x');
      expect(unknown.status).toBe(400);
      expect(await unknown.json()).toMatchObject({ error: { field: 'payer' } });
      const tooLong = await ops.fetch('/dashboard?days=400');
      expect(tooLong.status).toBe(400);
      expect(await tooLong.json()).toMatchObject({ error: { field: 'days' } });
    });

    it('counts nothing of another tenant', async () => {
      const stranger = await signIn(stack, other, ['ops']);
      const body = (await (await stranger.fetch('/dashboard')).json()) as {
        totals: { denials: number };
        byPayer: unknown[];
      };
      expect(body.totals.denials).toBe(0);
      expect(body.byPayer).toEqual([]);
    });
  });

  describe('GET /audit/claims/:claimId/timeline', () => {
    it('joins the claim’s audit events with its workflow’s events and activity names', async () => {
      // A decision makes the workflow run activities of its own after the review.
      const decided = await specialist.fetch(`/review-tasks/${claim.state.reviewTaskId}/decision`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ decision: 'approve' }),
      });
      expect(decided.status).toBe(200);
      const handle = stack.temporal.workflow.getHandle(`claim-${claim.claimId}`);
      await eventually('the appeal submitted', async () =>
        (await handle.query(getClaimState)).state === 'awaiting_outcome' ? true : undefined,
      );
      const res = await auditor.fetch(`/audit/claims/${claim.claimId}/timeline`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        workflowId: string;
        historyAvailable: boolean;
        entries: {
          source: string;
          at: string;
          action?: string;
          actor?: string;
          eventType?: string;
          name?: string;
        }[];
      };
      expect(body.workflowId).toBe(`claim-${claim.claimId}`);
      expect(body.historyAvailable).toBe(true);
      const audit = body.entries.filter((e) => e.source === 'audit');
      expect(audit.map((e) => e.action)).toEqual(
        expect.arrayContaining(['claim.triage', 'review_task.open', 'review.approve']),
      );
      expect(audit.find((e) => e.action === 'review.approve')?.actor).toBe(specialist.userId);
      // The activity names are the ones Temporal recorded, in order, and there are some.
      const recorded = ((await handle.fetchHistory()).events ?? [])
        .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
        .filter(Boolean);
      expect(recorded.length).toBeGreaterThan(0);
      const activities = body.entries
        .filter((e) => e.eventType === 'ActivityTaskScheduled')
        .map((e) => e.name);
      expect(activities).toEqual(recorded);
      // The claim's preparation runs as a local activity, which Temporal records as a marker.
      const locals = ((await handle.fetchHistory()).events ?? []).filter(
        (e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
      );
      expect(locals.length).toBeGreaterThan(0);
      expect(
        body.entries.filter((e) => e.eventType === 'LocalActivityCompleted').map((e) => e.name),
      ).toEqual(locals.map(() => 'prepareClaim'));
      expect(
        body.entries.find((e) => e.eventType === 'WorkflowExecutionUpdateAccepted')?.name,
      ).toBe('submitReview');
      expect(body.entries.find((e) => e.eventType === 'WorkflowExecutionStarted')?.name).toBe(
        'claimLifecycle',
      );
      const times = body.entries.map((e) => e.at);
      expect(times).toEqual([...times].sort());
    });

    it('carries no payload and no patient identifier', async () => {
      const text = await (await auditor.fetch(`/audit/claims/${claim.claimId}/timeline`)).text();
      for (const v of phiOf(claim)) expect(text).not.toContain(v);
      expect(text).not.toMatch(/"(payloads?|data|input|result|metadata)":/);
    });

    it('answers "not found" for another tenant’s claim and 400 for a malformed id', async () => {
      const res = await outsiderAuditor.fetch(`/audit/claims/${claim.claimId}/timeline`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({
        error: { code: 'NOT_FOUND', message: 'claim not found' },
      });
      const bad = await auditor.fetch('/audit/claims/12/timeline');
      expect(bad.status).toBe(400);
      expect((await ops.fetch(`/audit/claims/${claim.claimId}/timeline`)).status).toBe(403);
    });
  });

  describe('GET /team/members', () => {
    it('lists the tenant’s appeal team for a reviewer, marking the caller', async () => {
      const res = await reviewer.fetch('/team/members');
      expect(res.status).toBe(200);
      const members = (await res.json()) as { id: string; roles: string[]; self: boolean }[];
      const ids = members.map((m) => m.id).sort();
      expect(ids).toEqual([specialist.userId, colleague.userId, reviewer.userId].sort());
      expect(members.find((m) => m.self)?.id).toBe(reviewer.userId);
    });

    it('leaves out ops and auditors, and is refused to a specialist', async () => {
      const text = await (await reviewer.fetch('/team/members')).text();
      expect(text).not.toContain(ops.userId);
      expect(text).not.toContain(auditor.userId);
      expect((await specialist.fetch('/team/members')).status).toBe(403);
    });
  });

  describe('GET /dashboard once the payer answers the appeal', () => {
    it('counts the appeal as won with the dollars it recovered, and the claim as no longer at stake', async () => {
      const form = new FormData();
      form.append('file', new Blob([remitFor(claim.patient, 'paid')]), 'paid.835');
      expect((await specialist.fetch('/remittances', { method: 'POST', body: form })).status).toBe(
        202,
      );
      const handle = stack.temporal.workflow.getHandle(`claim-${claim.claimId}`);
      const closed = await eventually('the claim closed', async () => {
        const s = await handle.query(getClaimState);
        return s.state === 'closed' ? s : undefined;
      });
      expect(closed.outcome).toBe('overturned');
      const body = (await (await ops.fetch('/dashboard')).json()) as {
        totals: Record<string, number>;
        outcomes: { result: string; appeals: number; recoveredCents: number }[];
        byCategory: { open: number; atStakeCents: number }[];
      };
      expect(body.totals).toMatchObject({
        denials: 1,
        open: 0,
        atStakeCents: 0,
        appealsWon: 1,
        appealsLost: 0,
        recoveredCents: closed.recoveredCents,
      });
      expect(closed.recoveredCents).toBeGreaterThan(0);
      expect(body.outcomes).toEqual([
        { result: 'overturned', appeals: 1, recoveredCents: closed.recoveredCents },
      ]);
      expect(body.byCategory).toEqual([expect.objectContaining({ open: 0, atStakeCents: 0 })]);
    });
  });
});
