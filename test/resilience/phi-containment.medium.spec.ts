/**
 * "PHI stays inside: with a fake Anthropic Messages API on 127.0.0.1 recording
 * every request, an 835 carrying unique patient names, ids and birth dates is
 * worked end to end; none of them appears in any recorded request, in the
 * Temporal history (read raw, without the codec), or in the logs."
 *
 * The 835 carries the patient (NM1*QC with member id), a corrected patient name
 * (NM1*74), the insured (NM1*IL with their own id), the patient account number
 * (CLP01) and the payer's claim number (CLP07), every one unique to this run.
 * An 835 has no date of birth: no segment of its 2100 loop holds one (DMG is a
 * 837/270 segment), so none is invented here; that a birth date never reaches
 * the model is shown where one exists, at the minimizer
 * (activities/ai/minimizer.spec.ts, activities/ai/analyzer.spec.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { createDatabase, type Database } from '../../db/database';
import { TenantRepository } from '../../db/repositories/tenant.repository';
import { UserRepository } from '../../db/repositories/user.repository';
import { inTenant } from '../../db/unit-of-work';
import type { Config } from '../../ops/config';
import { createRuntime, type Runtime } from '../../ops/runtime';
import { ENCODING } from '../../ops/temporal/payload-codec';
import {
  claimWorkflowId,
  getClaimState,
  ingestWorkflowId,
  PATCHES,
  submitReview,
  type ClaimLifecycleState,
} from '../../workflows/contracts';
import { startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic-server';
import { startFakePayer, type FakePayer } from '../fakes/payer-server';
import { uniquePatient, type Patient } from '../synthetic-remit';
import {
  codecClient,
  ensureDist,
  eventually,
  payloadsIn,
  rawHistories,
  type Payload,
  remitForAll,
  testConfig,
  upload,
  WorkerProcess,
  workerEnv,
} from './support';

/**
 * Bookkeeping the SDK's core writes into markers itself, outside the codec:
 * a patch's id (one of ours) and flag, and a local activity's sequence,
 * attempt, id, type and times. Its result stays a sealed payload.
 */
function isCoreMarkerData(x: { path: string; payload: Payload }): boolean {
  const at = /\.markerRecordedEventAttributes\.details\.(patch-data|data)\./.exec(x.path);
  if (!at) return false;
  const data = JSON.parse(Buffer.from(x.payload.data ?? []).toString('utf8')) as Record<
    string,
    unknown
  >;
  if (at[1] === 'patch-data') {
    const known: unknown[] = Object.values(PATCHES);
    return Object.keys(data).join() === 'id,deprecated' && known.includes(data.id);
  }
  const allowed = ['seq', 'attempt', 'activity_id', 'activity_type', 'complete_time'];
  const times = ['backoff', 'original_schedule_time'];
  return (
    Object.keys(data).every((k) => allowed.includes(k) || times.includes(k)) &&
    /^\d+$/.test(String(data.activity_id)) &&
    /^[a-zA-Z]+$/.test(String(data.activity_type))
  );
}

interface People {
  patient: Patient;
  corrected: { last: string; first: string };
  insured: { last: string; first: string; id: string };
}

function people(): People {
  const patient = uniquePatient();
  const tag = () => randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase();
  const [c, i] = [tag(), tag()];
  return {
    patient,
    corrected: { last: `ZQCORRLAST${c}`, first: `ZQCORRFIRST${c}` },
    insured: { last: `ZQINSLAST${i}`, first: `ZQINSFIRST${i}`, id: `INS${i}` },
  };
}

/** The values no request, history or log may hold, with the bare tags (a truncated leak). */
function phiOf(p: People): string[] {
  const values = [
    p.patient.last,
    p.patient.first,
    p.patient.memberId,
    p.patient.account,
    p.patient.icn,
    p.corrected.last,
    p.corrected.first,
    p.insured.last,
    p.insured.first,
    p.insured.id,
  ];
  const tags = new Set(values.map((v) => v.slice(-10)));
  return [...values, ...tags];
}

/** The 835 of support.remitForAll, with the insured and a corrected name in the claim's 2100 loop. */
function remitWithPeople(p: People, kind: 'denied' | 'paid'): string {
  const text = remitForAll([p.patient], kind);
  const qc = `NM1*QC*1*${p.patient.last}*${p.patient.first}****MI*${p.patient.memberId}~`;
  if (!text.includes(qc)) throw new Error('synthetic 835 changed shape: no NM1*QC to extend');
  return (
    text
      .replace(
        qc,
        `${qc}\nNM1*IL*1*${p.insured.last}*${p.insured.first}****MI*${p.insured.id}~` +
          `\nNM1*74*1*${p.corrected.last}*${p.corrected.first}~`,
      )
      // Two segments more in the transaction: its SE count says so.
      .replace(/^SE\*(\d+)\*/m, (_m, n: string) => `SE*${Number(n) + 2}*`)
  );
}

function leaks(haystack: string, phi: string[]): string[] {
  const h = haystack.toLowerCase();
  return phi.filter((v) => h.includes(v.toLowerCase()));
}

/** The model's answers name people only by placeholder, as the prompt tells it to. */
const ANALYSIS = {
  category: 'medical_necessity',
  recommendedAction: 'appeal',
  rationale: [
    'CARC 50: the payer found the visit for {{PATIENT_NAME}} not medically necessary.',
    'RARC N386: the decision cites a national coverage determination.',
  ],
  missingDocuments: ['Progress notes for the date of service'],
  appealArguments: ['The documented findings meet the coverage criteria for a level 4 visit.'],
  confidence: 0.8,
};
const LETTER = {
  subject: 'Appeal of claim {{PAYER_CLAIM_NUMBER}}',
  body: [
    'To the appeals department,',
    'We ask you to reconsider the denial of claim {{PAYER_CLAIM_NUMBER}} (our account ' +
      '{{PATIENT_CONTROL_NUMBER}}) for {{PATIENT_NAME}}, member {{MEMBER_ID}}. The service was ' +
      'denied as not medically necessary (CARC 50). The enclosed progress notes document the ' +
      'findings that made a level 4 visit necessary, and meet the criteria the payer cites.',
    'Please reprocess the claim for payment.',
  ].join('\n\n'),
};

describe('PHI stays inside the system while a claim is worked end to end', () => {
  let config: Config;
  let runtime: Runtime;
  let ownerDb: Database;
  let client: Client;
  let anthropic: FakeAnthropic;
  let payer: FakePayer;
  let worker: WorkerProcess;
  // Everything this (test/API) process writes, from before the first upload to the end.
  const ownLog: string[] = [];
  const restore: (() => void)[] = [];

  beforeAll(async () => {
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        ownLog.push(String(chunk));
        return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write;
      restore.push(() => (stream.write = write));
    }
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const original = console[level];
      console[level] = (...args: unknown[]) => {
        ownLog.push(args.map(String).join(' '));
        original(...args);
      };
      restore.push(() => (console[level] = original));
    }
    await ensureDist();
    anthropic = await startFakeAnthropic();
    payer = await startFakePayer();
    config = testConfig({
      PAYER_ENDPOINT: payer.url,
      ANTHROPIC_API_KEY: 'sk-fake-key-for-tests',
      ANTHROPIC_BASE_URL: anthropic.url,
    });
    runtime = createRuntime(config, { poolSize: 3 });
    ownerDb = createDatabase(config.database.url!, { max: 2 });
    client = await codecClient(config);
    worker = new WorkerProcess(
      workerEnv(config, {
        PAYER_ENDPOINT: payer.url,
        ANTHROPIC_API_KEY: 'sk-fake-key-for-tests',
        ANTHROPIC_BASE_URL: anthropic.url,
        // As chatty as the worker gets: debug is where a leak would hide.
        LOG_LEVEL: 'debug',
      }),
      client,
    );
    await worker.start();
  }, 120_000);

  afterAll(async () => {
    for (const undo of restore.reverse()) undo();
    await worker?.stop();
    await client?.connection.close();
    await anthropic?.close();
    await payer?.close();
    await runtime?.close();
    await ownerDb?.destroy();
  });

  it('sends none to the model, writes none into Temporal history, and logs none', async () => {
    const p = people();
    const phi = phiOf(p);
    const tenantId = (await TenantRepository.create(ownerDb, `phi-${Date.now()}`, 'PHI tenant')).id;
    const reviewerId = (
      await inTenant(runtime.db, { tenantId, actor: 'test' }, (tx) =>
        new UserRepository(tx).create(
          tenantId,
          { email: `rev-${Date.now()}@example.test`, displayName: 'Reviewer', role: 'reviewer' },
          'test',
        ),
      )
    ).id;
    anthropic.enqueue({ kind: 'tool', input: ANALYSIS });
    anthropic.enqueue({ kind: 'tool', input: LETTER });

    const denied = remitWithPeople(p, 'denied');
    // The file really carries every value this spec looks for.
    for (const v of phi) expect(denied).toContain(v);
    const file = await upload(runtime, client, config, tenantId, denied);
    const claimId = await eventually('claim stored', async () => {
      const row = await ownerDb
        .selectFrom('claims')
        .select('id')
        .where('remittance_file_id', '=', file.id)
        .executeTakeFirst();
      return row?.id;
    });
    const handle = client.workflow.getHandle(claimWorkflowId(claimId));
    const until = (what: string, ok: (s: ClaimLifecycleState) => boolean) =>
      eventually(what, async () => {
        const s = await handle.query(getClaimState);
        return ok(s) ? s : undefined;
      });
    const review = await until('review task open', (s) => s.state === 'awaiting_review');
    expect(review.analysis?.source).toBe('anthropic');
    await handle.executeUpdate(submitReview, {
      args: [{ decision: 'approve', actor: { userId: reviewerId, roles: ['reviewer'] } }],
    });
    await until('submitted', (s) => s.state === 'awaiting_outcome');
    const paid = await upload(runtime, client, config, tenantId, remitWithPeople(p, 'paid'));
    const closed = await until('closed', (s) => s.state === 'closed');
    expect(closed.outcome).toBe('overturned');

    // The model's letter was used, with the real values filled in locally, so PHI was
    // really in play downstream of the model (in the packet the payer received).
    const letter = await inTenant(runtime.db, { tenantId, actor: 'test' }, async (tx) => {
      const appeal = await tx
        .selectFrom('appeals')
        .selectAll()
        .where('claim_id', '=', claimId)
        .executeTakeFirstOrThrow();
      return JSON.parse(
        await runtime.cipher.decrypt(appeal.letter_enc!, {
          tenantId,
          column: 'appeals.letter_enc',
          rowId: appeal.id,
        }),
      ) as { body: string; source: string };
    });
    expect(letter.source).toBe('anthropic');
    expect(letter.body).toContain(p.corrected.last);
    expect(letter.body).toContain(p.patient.memberId);

    // (1) Every request the model's API received: URL, headers and body.
    expect(anthropic.requests.length).toBeGreaterThanOrEqual(2);
    expect(anthropic.pending()).toBe(0);
    const sent = anthropic.requests.map((r) => `${r.url}\n${JSON.stringify(r.headers)}\n${r.body}`);
    expect(leaks(sent.join('\n'), phi)).toEqual([]);
    // Nor the ids that would tie a request to a claim, nor the date of service.
    expect(leaks(sent.join('\n'), [claimId, tenantId, '2024-01-15', '20240115'])).toEqual([]);
    // The audit trail proves which bytes left: its hash is of a request the fake received.
    const analyzed = await ownerDb
      .selectFrom('audit_events')
      .select('details')
      .where('claim_id', '=', claimId)
      .where('action', '=', 'ai.analyze')
      .execute();
    expect(analyzed).toHaveLength(1);
    const sentSha256 = (analyzed[0]!.details as { sentSha256?: string }).sentSha256;
    const hashes = anthropic.requests.map((r) =>
      createHash('sha256').update(r.body, 'utf8').digest('hex'),
    );
    expect(sentSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(hashes).toContain(sentSha256);

    // (2) The histories as the server keeps them, read without the codec.
    const workflowIds = [
      ingestWorkflowId(file.id),
      ingestWorkflowId(paid.id),
      claimWorkflowId(claimId),
    ];
    let payloadCount = 0;
    for (const workflowId of workflowIds) {
      const runs = await rawHistories(client, workflowId);
      for (const events of runs) {
        expect(events.length).toBeGreaterThan(0);
        const bytes = Buffer.from(
          temporal.api.history.v1.History.encode({ events }).finish(),
        ).toString('latin1');
        // The scan does see clear text in these bytes: the workflow ids are there.
        expect(leaks(bytes, [workflowId])).toEqual([workflowId]);
        expect({ workflowId, leaks: leaks(bytes, phi) }).toEqual({ workflowId, leaks: [] });
        const asText = JSON.stringify(events, (_k, v: unknown) =>
          v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v,
        );
        expect({ workflowId, leaks: leaks(asText, phi) }).toEqual({ workflowId, leaks: [] });
        // Every payload is sealed by the codec, except search attributes, which the
        // server must read (ids and codes only, and scanned above all the same), and the
        // bookkeeping the SDK's core writes into its markers (patch ids, local activity
        // sequence and type; the activity's result is sealed like any payload).
        const payloads = payloadsIn(events).filter(
          (x) => !/\.searchAttributes\.indexedFields\./.test(x.path) && !isCoreMarkerData(x),
        );
        for (const { path, payload } of payloads) {
          const encoding = Buffer.from(payload.metadata.encoding ?? []).toString();
          expect({ workflowId, path, encoding }).toEqual({ workflowId, path, encoding: ENCODING });
        }
        payloadCount += payloads.length;
      }
    }
    // Inputs, results, the update and the signal: plenty of payloads were looked at.
    expect(payloadCount).toBeGreaterThan(20);

    // (3) The logs: the worker's stdout and stderr at debug level, and this process's own.
    const workerLog = worker.output();
    // The log did follow this claim's work (debug logs every activity with its workflow id).
    expect(workerLog).toContain(claimWorkflowId(claimId));
    expect(leaks(workerLog, phi)).toEqual([]);
    expect(leaks(ownLog.join(''), phi)).toEqual([]);
  }, 90_000);
});
