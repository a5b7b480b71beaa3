import type { Tenant } from '../../db/schema';
import { signIn, startStack, type SignedIn, type TestStack } from '../harness';
import { claimAwaitingReview, eventsOf } from './world';

/** A response must never carry a stack trace or the patient's identifiers where it should not. */
function clean(text: string, ...forbidden: string[]) {
  expect(text).not.toMatch(/\n\s+at [\w.<>]+ \(/);
  for (const f of forbidden) expect(text).not.toContain(f);
}

describe('PHI through the API: only for the claims in a worker’s work, one audit event per read', () => {
  let stack: TestStack;
  let tenant: Tenant;
  let other: Tenant;
  let specialist: SignedIn;
  let reviewer: SignedIn;
  let ops: SignedIn;
  let auditor: SignedIn;
  let admin: SignedIn;
  let outsider: SignedIn;
  let claim: Awaited<ReturnType<typeof claimAwaitingReview>>;

  beforeAll(async () => {
    stack = await startStack({ api: true, env: { UPLOAD_MAX_BYTES: '65536' } });
    tenant = await stack.newTenant();
    other = await stack.newTenant();
    [specialist, reviewer, ops, auditor, admin, outsider] = await Promise.all([
      signIn(stack, tenant, ['appeal_specialist']),
      signIn(stack, tenant, ['reviewer']),
      signIn(stack, tenant, ['ops']),
      signIn(stack, tenant, ['auditor']),
      signIn(stack, tenant, ['admin']),
      signIn(stack, other, ['reviewer']),
    ]);
    claim = await claimAwaitingReview(stack, specialist);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('shows a specialist the claim’s patient and leaves exactly one audit event for the read', async () => {
    const res = await specialist.fetch(`/claims/${claim.claimId}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { patient: { name: { last: string } }; analyses: unknown[] };
    expect(body.patient.name.last).toBe(claim.patient.last);
    expect(body.analyses.length).toBeGreaterThan(0);
    const events = await eventsOf(stack, res);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'claim.read',
      actor: specialist.userId,
      actor_role: 'appeal_specialist',
      claim_id: claim.claimId,
      resource_id: claim.claimId,
      purpose: 'payment',
      tenant_id: tenant.id,
    });
    expect(JSON.stringify(events[0])).not.toContain(claim.patient.last);
  });

  it('leaves one audit event for the review task (claim and letter) and one for the letter', async () => {
    const task = await specialist.fetch(`/review-tasks/${claim.state.reviewTaskId}`);
    expect(task.status).toBe(200);
    const body = (await task.json()) as {
      claim: { patient: unknown };
      appeal: { letter: unknown };
    };
    expect(body.claim.patient).toBeTruthy();
    expect(body.appeal.letter).toBeTruthy();
    expect((await eventsOf(stack, task)).map((e) => e.action)).toEqual(['review_task.read']);

    const letter = await reviewer.fetch(`/appeals/${claim.state.appealId}/letter`);
    expect(letter.status).toBe(200);
    expect(await letter.json()).toMatchObject({
      subject: expect.any(String),
      body: expect.any(String),
    });
    const events = await eventsOf(stack, letter);
    expect(events.map((e) => [e.action, e.actor_role])).toEqual([
      ['appeal.letter_read', 'reviewer'],
    ]);
  });

  it('gives ops the claim’s codes and amounts without PHI, and writes no PHI-read event', async () => {
    const res = await ops.fetch(`/claims/${claim.claimId}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).not.toHaveProperty('patient');
    clean(text, claim.patient.last, claim.patient.first);
    expect(await eventsOf(stack, res)).toHaveLength(0);
    const search = await ops.fetch('/claims?status=awaiting_review&limit=10');
    expect(search.status).toBe(200);
    clean(await search.text(), claim.patient.last);
  });

  it('refuses PHI to admin and auditor without break-glass', async () => {
    expect((await admin.fetch(`/claims/${claim.claimId}`)).status).toBe(403);
    expect((await auditor.fetch(`/claims/${claim.claimId}`)).status).toBe(403);
    expect((await auditor.fetch(`/review-tasks/${claim.state.reviewTaskId}`)).status).toBe(403);
  });

  it('lets an auditor break the glass only with a reason, flagged apart and with an incident', async () => {
    const none = await auditor.fetch(`/claims/${claim.claimId}/break-glass`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({}),
    });
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({ error: { code: 'BAD_REQUEST', field: 'reason' } });
    const res = await auditor.fetch(`/claims/${claim.claimId}/break-glass`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'privacy complaint investigation 4411' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { patient: { memberId: string } }).patient.memberId).toBeTruthy();
    const events = await eventsOf(stack, res);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      purpose: 'break_glass',
      actor_role: 'auditor',
      claim_id: claim.claimId,
      details: { breakGlass: true },
    });
    const incidents = await stack.ownerDb
      .selectFrom('incidents')
      .selectAll()
      .where('tenant_id', '=', tenant.id)
      .where('kind', '=', 'break_glass')
      .execute();
    expect(incidents).toHaveLength(1);
  });

  it("answers 404 to another tenant's user asking for the claim by id, and reads nothing", async () => {
    const before = await stack.ownerDb
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('claim_id', '=', claim.claimId)
      .executeTakeFirstOrThrow();
    for (const path of [
      `/claims/${claim.claimId}`,
      `/claims/${claim.claimId}/state`,
      `/review-tasks/${claim.state.reviewTaskId}`,
      `/appeals/${claim.state.appealId}/letter`,
      `/appeals/${claim.state.appealId}`,
    ]) {
      const res = await outsider.fetch(path, { headers: { 'x-tenant-id': tenant.id } });
      expect([path, res.status]).toEqual([path, 404]);
      clean(await res.text(), claim.patient.last);
      expect(await eventsOf(stack, res)).toHaveLength(0);
    }
    const after = await stack.ownerDb
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('claim_id', '=', claim.claimId)
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('takes the tenant from the session: a tenant id in the body is refused, in a header ignored', async () => {
    const res = await outsider.fetch(`/claims/${claim.claimId}/break-glass`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tenant-id': tenant.id },
      body: JSON.stringify({ reason: 'looking around in there', tenantId: tenant.id }),
    });
    expect(res.status).toBe(403);
    const bodyField = await admin.fetch('/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'x@example.test',
        displayName: 'X',
        role: 'ops',
        tenantId: other.id,
      }),
    });
    expect(bodyField.status).toBe(400);
    expect(await bodyField.json()).toMatchObject({ error: { field: 'tenantId' } });
    const header = await fetch(`${stack.baseUrl}/claims/${claim.claimId}`, {
      headers: { 'x-tenant-id': tenant.id },
    });
    expect(header.status).toBe(401);
  });

  it('hides a claim outside a specialist’s work: a task assigned to someone else is not found', async () => {
    const mine = await signIn(stack, tenant, ['appeal_specialist']);
    const second = await claimAwaitingReview(stack, specialist);
    const reassign = await reviewer.fetch(`/review-tasks/${second.state.reviewTaskId}/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'reassign', assignTo: specialist.userId }),
    });
    expect(reassign.status).toBe(200);
    expect((await mine.fetch(`/claims/${second.claimId}`)).status).toBe(404);
    expect((await mine.fetch(`/review-tasks/${second.state.reviewTaskId}`)).status).toBe(404);
    const team = (await (await reviewer.fetch('/review-tasks/team')).json()) as { id: string }[];
    expect(team.map((t) => t.id)).toContain(second.state.reviewTaskId);
    const queue = (await (await mine.fetch('/review-tasks/mine')).json()) as { id: string }[];
    expect(queue.map((t) => t.id)).not.toContain(second.state.reviewTaskId);
    const theirs = (await (await specialist.fetch('/review-tasks/mine')).json()) as {
      id: string;
      assignedTo: string;
      dueAt: string;
    }[];
    const task = theirs.find((t) => t.id === second.state.reviewTaskId);
    expect(task?.assignedTo).toBe(specialist.userId);
    expect(task?.dueAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    // A specialist may not reassign: the workflow's validator says so, as a 409 with its reason.
    const refused = await specialist.fetch(`/review-tasks/${second.state.reviewTaskId}/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'reassign', assignTo: mine.userId }),
    });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toEqual({
      error: { code: 'REVIEW_REFUSED', message: 'only a reviewer may reassign a task' },
    });
  });

  it('decodes Temporal payloads for a PHI role (audited) and refuses ops', async () => {
    const plain = {
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from('{"a":1}').toString('base64'),
    };
    const post = (who: SignedIn, path: string, body: unknown) =>
      who.fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const enc = await post(ops, '/temporal/codec/encode', { payloads: [plain] });
    expect(enc.status).toBe(200);
    const encoded = (await enc.json()) as { payloads: unknown[] };
    expect((await post(ops, '/temporal/codec/decode', encoded)).status).toBe(403);
    const dec = await post(reviewer, '/temporal/codec/decode', encoded);
    expect(dec.status).toBe(200);
    expect(await dec.json()).toEqual({ payloads: [plain] });
    expect((await eventsOf(stack, dec)).map((e) => e.action)).toEqual(['temporal.payload_decode']);
  });

  it('answers approval through the workflow Update and then serves the packet PDF, audited', async () => {
    const res = await specialist.fetch(`/review-tasks/${claim.state.reviewTaskId}/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        decision: 'approve',
        actor: { userId: 'someone-else', roles: ['reviewer'] },
      }),
    });
    // The actor comes from the session: a body that tries to set it is refused.
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { field: 'actor' } });
    const ok = await specialist.fetch(`/review-tasks/${claim.state.reviewTaskId}/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approve' }),
    });
    expect(ok.status).toBe(200);
    let packet: Response | undefined;
    for (let i = 0; i < 100; i++) {
      packet = await specialist.fetch(`/appeals/${claim.state.appealId}/packet`);
      if (packet.status === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(packet!.status).toBe(200);
    expect(packet!.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await packet!.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect((await eventsOf(stack, packet!)).map((e) => e.action)).toEqual(['appeal.packet_read']);
    const status = await ops.fetch(`/appeals/${claim.state.appealId}`);
    expect(status.status).toBe(200);
  });

  it('answers bad input with 400 or 413 naming the field, never a stack trace', async () => {
    const json = (body: string) =>
      reviewer.fetch(`/review-tasks/${claim.state.reviewTaskId}/decision`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    const malformed = await json('{"decision": ');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'BAD_REQUEST', field: 'body' } });
    const wrongType = await json(JSON.stringify({ decision: 'edit', letter: 42 }));
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toMatchObject({ error: { field: 'letter' } });
    const unknown = await json(JSON.stringify({ decision: 'approve', extra: true }));
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { field: 'extra' } });
    const query = await ops.fetch('/claims?limit=lots');
    expect(query.status).toBe(400);
    expect(await query.json()).toMatchObject({ error: { field: 'limit' } });
    const form = new FormData();
    form.append('file', new Blob([Buffer.alloc(70_000, 'A')]), 'big.835');
    const big = await specialist.fetch('/remittances', { method: 'POST', body: form });
    expect(big.status).toBe(413);
    const bigBody = await big.text();
    expect(JSON.parse(bigBody)).toMatchObject({
      error: { code: 'PAYLOAD_TOO_LARGE', field: 'file' },
    });
    for (const r of [malformed, wrongType, unknown, query]) clean(JSON.stringify(r.headers));
    clean(bigBody);
  });
});
