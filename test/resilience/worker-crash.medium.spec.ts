/**
 * "Worker killed mid-activity and restarted: every claim still ends once; no
 * duplicate rows, submissions or audit events."
 *
 * The worker is a real child process (dist/ops/worker/main.js) killed with
 * SIGKILL. It reaches Temporal through a proxy the spec can cut, so a kill can
 * land in the two places that matter:
 *  - mid-activity, before its transaction commits (the payer call is in flight):
 *    the retry must not submit twice;
 *  - after the transaction commits but before the server hears of it (proxy cut,
 *    then kill): the retry runs the same activity again over committed work, and
 *    must not write it twice.
 */
import { sql } from 'kysely';
import type { Client } from '@temporalio/client';
import { createDatabase, type Database } from '../../db/database';
import { TenantRepository } from '../../db/repositories/tenant.repository';
import { UserRepository } from '../../db/repositories/user.repository';
import { inTenant } from '../../db/unit-of-work';
import type { Config } from '../../ops/config';
import { createRuntime, type Runtime } from '../../ops/runtime';
import {
  claimWorkflowId,
  getClaimState,
  ingestWorkflowId,
  submitReview,
  type ClaimLifecycleState,
} from '../../workflows/contracts';
import { startFakePayer, type FakePayer } from '../fakes/payer-server';
import { uniquePatient } from '../synthetic-remit';
import {
  codecClient,
  ensureDist,
  eventually,
  expediteLostActivities,
  FAST_TIMERS,
  remitForAll,
  startPayerGate,
  startProxy,
  testConfig,
  upload,
  WorkerProcess,
  workerEnv,
  type PayerGate,
  type TemporalProxy,
} from './support';

const CLAIMS = 5;

/**
 * Audit actions that happen once per claim per appeal level (this spec works
 * one level), keyed by the resource they are about. A second row would tell an
 * auditor that something happened twice which happened once:
 *  - claim.triage, ai.analyze: one triage and one analysis per level;
 *  - appeal.draft, review_task.open, review.approve: one draft, one review task,
 *    one decision (the reviewer decided once);
 *  - appeal.packet, appeal.submit, appeal.submitted: one packet, one submission
 *    to the payer and one hand-off to awaiting_outcome;
 *  - appeal.outcome, claim.close: the payer answered once and the claim closed once.
 * Not once-only: appeal.follow_up (one per attempt; the timers here leave no
 * time for one) and review reminders (periodic).
 */
const ONCE_PER_CLAIM = [
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
];

describe('the worker is killed mid-activity and restarted', () => {
  let config: Config;
  let runtime: Runtime;
  let ownerDb: Database;
  let client: Client;
  let payer: FakePayer;
  let proxy: TemporalProxy;
  let gate: PayerGate;
  let worker: WorkerProcess;
  let tenantId: string;
  let reviewerId: string;
  const log: string[] = [];
  const note = (line: string) => log.push(`${new Date().toISOString()} ${line}`);

  beforeAll(async () => {
    await ensureDist();
    payer = await startFakePayer();
    config = testConfig({ ...FAST_TIMERS, PAYER_ENDPOINT: payer.url });
    runtime = createRuntime(config, { poolSize: 3 });
    ownerDb = createDatabase(config.database.url!, { max: 2 });
    client = await codecClient(config);
    gate = await startPayerGate(payer.url);
    proxy = await startProxy(config.temporal.address!);
    worker = new WorkerProcess(
      workerEnv(config, { PAYER_ENDPOINT: gate.url, TEMPORAL_ADDRESS: proxy.address }),
      client,
    );
    tenantId = (await TenantRepository.create(ownerDb, `crash-${Date.now()}`, 'Crash tenant')).id;
    reviewerId = (
      await inTenant(runtime.db, { tenantId, actor: 'test' }, (tx) =>
        new UserRepository(tx).create(
          tenantId,
          { email: `rev-${Date.now()}@example.test`, displayName: 'Reviewer', role: 'reviewer' },
          'test',
        ),
      )
    ).id;
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await proxy?.close();
    await gate?.close();
    await client?.connection.close();
    await payer?.close();
    await runtime?.close();
    await ownerDb?.destroy();
  });

  async function claimIdsOf(fileId: string): Promise<string[]> {
    const rows = await ownerDb
      .selectFrom('claims')
      .select('id')
      .where('remittance_file_id', '=', fileId)
      .orderBy('id')
      .execute();
    return rows.map((r) => r.id);
  }

  async function auditCount(action: string, claimIds: string[]): Promise<number> {
    const row = await ownerDb
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('action', '=', action)
      .where('claim_id', 'in', claimIds)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function states(claimIds: string[]): Promise<ClaimLifecycleState[]> {
    return Promise.all(
      claimIds.map((id) => client.workflow.getHandle(claimWorkflowId(id)).query(getClaimState)),
    );
  }

  async function allIn(claimIds: string[], state: string, timeoutMs = 45_000) {
    return eventually(
      `all ${claimIds.length} claims ${state}`,
      async () => {
        const s = await states(claimIds);
        return s.every((x) => x.state === state) ? s : undefined;
      },
      timeoutMs,
    );
  }

  /**
   * Cuts the worker off from Temporal, lets what it is running commit for
   * `settleMs`, SIGKILLs it, restarts it directly and has the server give up
   * on the dead worker's attempts in seconds rather than a minute.
   */
  async function crash(what: string, workflowIds: string[], settleMs: number) {
    proxy.cut();
    note(`${what}: proxy cut`);
    if (settleMs) await new Promise((r) => setTimeout(r, settleMs));
    const pid = worker.pid;
    await worker.kill();
    note(`${what}: worker ${pid} SIGKILLed`);
    proxy.restore();
    await worker.start();
    note(`worker ${worker.pid} started`);
    const expedited = await expediteLostActivities(client, workflowIds);
    note(`${what}: lost attempts ${expedited.join(', ') || 'none'}`);
    return expedited;
  }

  it('ends every claim once, with one submission and no duplicate rows or audit events', async () => {
    const patients = Array.from({ length: CLAIMS }, () => uniquePatient());
    await worker.start();
    note(`worker ${worker.pid} started`);

    // 1. Crash while the file is ingested and the lifecycles triage, analyse and draft.
    const file = await upload(runtime, client, config, tenantId, remitForAll(patients, 'denied'));
    const claimIds = await eventually(
      'claims stored',
      async () => {
        const ids = await claimIdsOf(file.id);
        return ids.length === CLAIMS ? ids : undefined;
      },
      30_000,
    );
    await eventually('a first triage', async () =>
      (await auditCount('claim.triage', claimIds)) > 0 ? true : undefined,
    );
    await crash('ingestion', [ingestWorkflowId(file.id), ...claimIds.map(claimWorkflowId)], 1_000);
    await allIn(claimIds, 'awaiting_review');

    // 2. Approve all five. Kill while the payer holds their submissions: for three the
    // worker hears the answer and commits 'sent' (the server never hears: proxy cut);
    // for two the payer accepts but its answer never reaches the worker.
    const [first, second] = [claimIds.slice(0, 3), claimIds.slice(3)];
    for (const id of second) gate.swallow.add(id);
    payer.delay(2_000);
    await Promise.all(
      claimIds.map((id) =>
        client.workflow.getHandle(claimWorkflowId(id)).executeUpdate(submitReview, {
          args: [{ decision: 'approve', actor: { userId: reviewerId, roles: ['reviewer'] } }],
        }),
      ),
    );
    await eventually(
      'five submissions at the payer',
      async () => (gate.seen() >= CLAIMS ? true : undefined),
      30_000,
      50,
    );
    proxy.cut();
    note('submissions at the payer: proxy cut');
    await eventually(
      'three submissions committed as sent',
      async () => {
        const sent = await ownerDb
          .selectFrom('appeal_submissions')
          .innerJoin('appeals', 'appeals.id', 'appeal_submissions.appeal_id')
          .select(['appeals.claim_id', 'appeal_submissions.status'])
          .where('appeals.claim_id', 'in', claimIds)
          .execute();
        const byStatus = (st: string) => sent.filter((r) => r.status === st).map((r) => r.claim_id);
        return byStatus('sent').length === first.length &&
          byStatus('pending').length === second.length
          ? true
          : undefined;
      },
      15_000,
      50,
    );
    // The swallowed two may reach the payer's answer after the first three commit.
    await eventually(
      'five submissions recorded by the payer',
      async () => (payer.submissions.size === CLAIMS ? true : undefined),
      15_000,
      50,
    );
    gate.swallow.clear();
    payer.delay(0);
    const lost = await crash('submitting', claimIds.map(claimWorkflowId), 0);
    expect(lost.filter((a) => a.endsWith('/submitAppeal'))).toHaveLength(CLAIMS);
    await allIn(claimIds, 'awaiting_outcome', 45_000);
    note('all awaiting outcome');

    // 4. The payer pays; crash while the answers are judged and the claims close.
    await upload(runtime, client, config, tenantId, remitForAll(patients, 'paid'));
    await eventually('a first outcome', async () =>
      (await auditCount('appeal.outcome', claimIds)) > 0 ? true : undefined,
    );
    await crash('closing', claimIds.map(claimWorkflowId), 500);
    const closed = await allIn(claimIds, 'closed', 60_000);
    note('all closed');
    process.stderr.write(`worker-crash timeline:\n  ${log.join('\n  ')}\n`);

    // Every claim closed once, as overturned.
    for (const s of closed) expect(s).toMatchObject({ outcome: 'overturned' });
    for (const s of closed) expect(s.history.filter((h) => h.state === 'closed')).toHaveLength(1);
    const rows = await ownerDb
      .selectFrom('claims')
      .select(['id', 'lifecycle_state', 'lifecycle_outcome'])
      .where('remittance_file_id', '=', file.id)
      .execute();
    expect(rows).toHaveLength(CLAIMS);
    expect(new Set(rows.map((r) => r.id)).size).toBe(CLAIMS);
    for (const r of rows)
      expect(r).toMatchObject({ lifecycle_state: 'closed', lifecycle_outcome: 'overturned' });

    // One appeal, one outcome, one submission per claim, and one payer-side submission.
    const appeals = await ownerDb
      .selectFrom('appeals')
      .select(['id', 'claim_id', 'status'])
      .where('claim_id', 'in', claimIds)
      .execute();
    expect(appeals).toHaveLength(CLAIMS);
    expect(new Set(appeals.map((a) => a.claim_id)).size).toBe(CLAIMS);
    const appealIds = appeals.map((a) => a.id);
    const outcomes = await ownerDb
      .selectFrom('appeal_outcomes')
      .select(['appeal_id', 'result'])
      .where('appeal_id', 'in', appealIds)
      .execute();
    expect(outcomes).toHaveLength(CLAIMS);
    expect(new Set(outcomes.map((o) => o.appeal_id)).size).toBe(CLAIMS);
    const submissions = await ownerDb
      .selectFrom('appeal_submissions')
      .select(['appeal_id', 'status', 'idempotency_key', 'payer_reference'])
      .where('appeal_id', 'in', appealIds)
      .execute();
    expect(submissions).toHaveLength(CLAIMS);
    for (const s of submissions) expect(s.status).toBe('sent');
    const atPayer = [...payer.submissions.values()].filter((s) =>
      claimIds.some((id) => s.idempotencyKey.startsWith(`${id}:`)),
    );
    expect(atPayer).toHaveLength(CLAIMS);
    expect(new Set(atPayer.map((s) => s.reference))).toEqual(
      new Set(submissions.map((s) => s.payer_reference)),
    );
    // The two swallowed submissions were really sent again, and deduplicated by key.
    expect(payer.calls()).toBe(CLAIMS + second.length);

    // No duplicate (action, resource) for the once-only actions, and each happened.
    const events = await ownerDb
      .selectFrom('audit_events')
      .select(['action', 'resource_id', 'claim_id', 'details'])
      .where('tenant_id', '=', tenantId)
      .execute();
    const mine = events.filter((e) => e.claim_id && claimIds.includes(e.claim_id));
    const counts = new Map<string, number>();
    for (const e of mine.filter((e) => ONCE_PER_CLAIM.includes(e.action))) {
      const key = `${e.action} ${e.claim_id}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const twice = [...counts].filter(([, n]) => n > 1).map(([k, n]) => `${k} x${n}`);
    expect(twice).toEqual([]);
    expect(counts.size).toBe(ONCE_PER_CLAIM.length * CLAIMS);
    // One ingest event per file.
    const ingests = events.filter((e) => e.action === 'remittance.ingest');
    expect(ingests.filter((e) => e.resource_id === file.id)).toHaveLength(1);
    // The run's rules analyses: one per claim (triage writes it).
    const analyses = await ownerDb
      .selectFrom('denial_analyses')
      .select(['claim_id', 'analyzer'])
      .where('claim_id', 'in', claimIds)
      .execute();
    expect(analyses.filter((a) => a.analyzer === 'rules')).toHaveLength(CLAIMS * 2);
    // The audit chain is still whole after the crashes.
    const { rows: gaps } = await sql<{ n: string }>`
      SELECT count(*) AS n FROM (
        SELECT seq, lag(seq) OVER (ORDER BY seq) AS prev FROM audit_events WHERE tenant_id = ${tenantId}
      ) s WHERE prev IS NOT NULL AND seq <> prev + 1`.execute(ownerDb);
    expect(Number(gaps[0]!.n)).toBe(0);
  }, 150_000);
});
