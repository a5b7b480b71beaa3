import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AuditRepository } from '../db/audit/audit.repository';
import { UserRepository } from '../db/repositories/user.repository';
import { inTenant } from '../db/unit-of-work';
import {
  claimWorkflowId,
  getClaimState,
  submitReview,
  type ClaimLifecycleState,
} from '../workflows/contracts';
import { startFakePayer, type FakePayer } from './fakes/payer-server';
import { authHeaders, eventually, startStack, type TestStack } from './harness';
import { replayAndKeep } from './replay';
import { remitFor, uniquePatient, type Patient } from './synthetic-remit';

const FAST_TIMERS = {
  REVIEW_REMINDER_EVERY: '1s',
  REVIEW_ESCALATE_AFTER: '2s',
  FOLLOW_UP_EVERY: '2s',
  FOLLOW_UP_LIMIT: '30',
};

describe('a denied claim is worked to its outcome', () => {
  let stack: TestStack;
  let payer: FakePayer;
  let tenantId: string;
  let reviewerId: string;

  beforeAll(async () => {
    payer = await startFakePayer();
    stack = await startStack({ api: true, env: { ...FAST_TIMERS, PAYER_ENDPOINT: payer.url } });
    tenantId = (await stack.newTenant()).id;
    const user = await inTenant(stack.runtime.db, { tenantId, actor: 'test' }, (tx) =>
      new UserRepository(tx).create(
        tenantId,
        { email: `rev-${Date.now()}@example.test`, displayName: 'Reviewer', role: 'reviewer' },
        'test',
      ),
    );
    reviewerId = user.id;
  });
  afterAll(async () => {
    await stack?.close();
    await payer?.close();
  });

  async function upload(text: string): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([text]), 'remit.835');
    const res = await fetch(`${stack.baseUrl}/remittances`, {
      method: 'POST',
      body: form,
      headers: await authHeaders(stack, tenantId),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  }

  async function claimOf(fileId: string): Promise<string> {
    return eventually('claim stored', async () => {
      const row = await stack.ownerDb
        .selectFrom('claims')
        .select('id')
        .where('remittance_file_id', '=', fileId)
        .executeTakeFirst();
      return row?.id;
    });
  }

  async function stateOf(
    claimId: string,
    wanted: (s: ClaimLifecycleState) => boolean,
    what: string,
  ): Promise<ClaimLifecycleState> {
    return eventually(what, async () => {
      const s = await stack.temporal.workflow
        .getHandle(claimWorkflowId(claimId))
        .query(getClaimState);
      return wanted(s) ? s : undefined;
    });
  }

  async function deniedClaim(p: Patient = uniquePatient()) {
    const fileId = await upload(remitFor(p, 'denied'));
    const claimId = await claimOf(fileId);
    const state = await stateOf(claimId, (s) => s.state === 'awaiting_review', 'review task open');
    return { p, fileId, claimId, state };
  }

  it('triages, analyses with the rules, reviews, submits once, and closes as overturned when the payer pays', async () => {
    const { p, claimId, state } = await deniedClaim();
    expect(state).toMatchObject({ category: 'medical_necessity', recommendedAction: 'appeal' });
    expect(state.analysis?.source).toBe('rules');
    expect(state.appealDeadline).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const after = await stack.temporal.workflow
      .getHandle(claimWorkflowId(claimId))
      .executeUpdate(submitReview, {
        args: [{ decision: 'approve', actor: { userId: reviewerId, roles: ['reviewer'] } }],
      });
    expect(['preparing_packet', 'submitting', 'awaiting_outcome']).toContain(after.state);

    const waiting = await stateOf(claimId, (s) => s.state === 'awaiting_outcome', 'submitted');
    expect(waiting.submission?.payerReference).toMatch(/^PAYER-/);
    expect(
      [...payer.submissions.values()].filter((s) => s.idempotencyKey.startsWith(claimId)),
    ).toHaveLength(1);

    await upload(remitFor(p, 'paid'));
    const closed = await stateOf(claimId, (s) => s.state === 'closed', 'closed');
    expect(closed).toMatchObject({ outcome: 'overturned', recoveredCents: 20_000 });

    const trail = await inTenant(stack.runtime.db, { tenantId, actor: 'test' }, (tx) =>
      new AuditRepository(tx).trace(claimId),
    );
    const actions = trail.map((e) => e.action);
    for (const a of [
      'claim.triage',
      'ai.analyze',
      'appeal.draft',
      'review_task.open',
      'review.approve',
      'appeal.packet',
      'appeal.submit',
      'appeal.submitted',
      'appeal.outcome',
      'claim.close',
    ]) {
      expect(actions).toContain(a);
    }
    const row = await stack.ownerDb
      .selectFrom('claims')
      .select(['lifecycle_state', 'lifecycle_outcome', 'recovered_cents'])
      .where('id', '=', claimId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      lifecycle_state: 'closed',
      lifecycle_outcome: 'overturned',
      recovered_cents: '20000',
    });
    await replayAndKeep(
      stack.temporal,
      stack.config,
      claimWorkflowId(claimId),
      'claim-lifecycle-overturned-one-step',
    );
  });

  it('refuses a review from someone without an appeal role, and a rejection without a reason', async () => {
    const { claimId } = await deniedClaim();
    const handle = stack.temporal.workflow.getHandle(claimWorkflowId(claimId));
    await expect(
      handle.executeUpdate(submitReview, {
        args: [{ decision: 'approve', actor: { userId: reviewerId, roles: ['ops'] } }],
      }),
    ).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/only an appeal specialist or reviewer/) },
    });
    await expect(
      handle.executeUpdate(submitReview, {
        args: [
          { decision: 'reject', reason: ' ', actor: { userId: reviewerId, roles: ['reviewer'] } },
        ],
      }),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/needs a reason/) } });
    expect((await handle.query(getClaimState)).state).toBe('awaiting_review');
  });

  it('closes as rejected by the reviewer with the reason audited, and submits nothing', async () => {
    const { claimId } = await deniedClaim();
    const before = payer.calls();
    const result = await stack.temporal.workflow
      .getHandle(claimWorkflowId(claimId))
      .executeUpdate(submitReview, {
        args: [
          {
            decision: 'reject',
            reason: 'documentation does not support necessity',
            actor: { userId: reviewerId, roles: ['reviewer'] },
          },
        ],
      });
    expect(result).toMatchObject({ state: 'closed', outcome: 'rejected_by_reviewer' });
    expect(payer.calls()).toBe(before);
    await replayAndKeep(
      stack.temporal,
      stack.config,
      claimWorkflowId(claimId),
      'claim-lifecycle-rejected-one-step',
    );
  });

  it('offers the next appeal level when the payer denies again', async () => {
    const { p, claimId } = await deniedClaim();
    const handle = stack.temporal.workflow.getHandle(claimWorkflowId(claimId));
    await handle.executeUpdate(submitReview, {
      args: [
        {
          decision: 'edit',
          letter: 'Edited letter body.',
          actor: { userId: reviewerId, roles: ['appeal_specialist'] },
        },
      ],
    });
    await stateOf(claimId, (s) => s.state === 'awaiting_outcome', 'submitted');
    await upload(remitFor(p, 'denied_again'));
    const next = await stateOf(
      claimId,
      (s) => s.state === 'awaiting_review' && s.history.some((h) => h.note === 'upheld'),
      'next level review',
    );
    expect(next.appealLevel).toBe('second_level');
    const appeals = await stack.ownerDb
      .selectFrom('appeals')
      .select(['level', 'status'])
      .where('claim_id', '=', claimId)
      .orderBy('level')
      .execute();
    expect(appeals).toEqual([
      { level: 1, status: 'closed' },
      { level: 2, status: 'in_review' },
    ]);
  });

  it('retries a failing payer endpoint with the same key and submits exactly once', async () => {
    const { claimId } = await deniedClaim();
    payer.failNext(2, 503);
    await stack.temporal.workflow.getHandle(claimWorkflowId(claimId)).executeUpdate(submitReview, {
      args: [{ decision: 'approve', actor: { userId: reviewerId, roles: ['reviewer'] } }],
    });
    await stateOf(claimId, (s) => s.state === 'awaiting_outcome', 'submitted after retries');
    expect(
      [...payer.submissions.values()].filter((s) => s.idempotencyKey.startsWith(claimId)),
    ).toHaveLength(1);
  }, 90_000);
});

describe('a review nobody answers', () => {
  let stack: TestStack;
  let outbox: string;
  beforeAll(async () => {
    outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'claimflow-outbox-'));
    stack = await startStack({
      api: true,
      env: { ...FAST_TIMERS, REVIEW_TIMEOUT: '6s', PAYER_OUTBOX_DIR: outbox },
    });
  });
  afterAll(async () => {
    await stack?.close();
    fs.rmSync(outbox, { recursive: true, force: true });
  });

  it('sends reminders, escalates, and closes the task as missed when its time runs out', async () => {
    const tenantId = (await stack.newTenant()).id;
    const form = new FormData();
    form.append('file', new Blob([remitFor(uniquePatient(), 'denied')]), 'r.835');
    const res = await fetch(`${stack.baseUrl}/remittances`, {
      method: 'POST',
      body: form,
      headers: await authHeaders(stack, tenantId),
    });
    const fileId = ((await res.json()) as { id: string }).id;
    const claimId = await eventually(
      'claim',
      async () =>
        (
          await stack.ownerDb
            .selectFrom('claims')
            .select('id')
            .where('remittance_file_id', '=', fileId)
            .executeTakeFirst()
        )?.id,
    );
    const closed = await eventually('missed', async () => {
      const s = await stack.temporal.workflow
        .getHandle(claimWorkflowId(claimId))
        .query(getClaimState);
      return s.state === 'closed' ? s : undefined;
    });
    expect(closed.outcome).toBe('review_missed');
    const actions = (
      await stack.ownerDb
        .selectFrom('audit_events')
        .select('action')
        .where('claim_id', '=', claimId)
        .execute()
    ).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'review_task.remind',
        'review_task.escalate',
        'review_task.expire',
        'claim.close',
      ]),
    );
    const task = await stack.ownerDb
      .selectFrom('review_tasks')
      .select('status')
      .where('claim_id', '=', claimId)
      .executeTakeFirstOrThrow();
    expect(task.status).toBe('expired');
    await replayAndKeep(
      stack.temporal,
      stack.config,
      claimWorkflowId(claimId),
      'claim-lifecycle-review-missed-one-step',
    );
    await replayAndKeep(
      stack.temporal,
      stack.config,
      `remittance-${fileId}`,
      'ingest-remittance-started-by-activity',
    );
  });
});
