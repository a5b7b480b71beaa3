/**
 * "Traces of one ingestion link the API request to every activity; no span
 * attribute, metric label or log line contains the fixture's patient names or
 * ids." The API and the worker run as production runs them (dist/, their own
 * processes), exporting OTLP/HTTP to a receiver on 127.0.0.1.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import type { Tenant } from '../../db/schema';
import { claimWorkflowId, ingestWorkflowId } from '../../workflows/contracts';
import { eventually, signIn, startStack, type SignedIn, type TestStack } from '../harness';
import { ensureDist, workerEnv } from '../resilience/support';
import type { Patient } from '../synthetic-remit';
import { claimAwaitingReview } from '../api/world';
import { startOtlpReceiver, type OtlpSpan } from './otlp-receiver';
import { freePort, leaks, phiOf, startProcess } from './support';

const TOKEN = randomBytes(24).toString('hex');
const SCHEDULED = temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED;

describe('telemetry follows an ingestion from the API request to every activity, without PHI', () => {
  let stack: TestStack;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let api: ReturnType<typeof startProcess>;
  let worker: ReturnType<typeof startProcess>;
  let apiUrl: string;
  let workerMetricsUrl: string;
  let tenant: Tenant;
  let specialist: SignedIn;
  let patient: Patient;
  let claimId: string;
  let fileId: string;

  const scrape = (url: string, token?: string) =>
    fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const trace = (traceId: string) => receiver.spans.filter((s) => s.traceId === traceId);

  beforeAll(async () => {
    await ensureDist();
    receiver = await startOtlpReceiver();
    stack = await startStack();
    const [apiPort, metricsPort] = [await freePort(), await freePort()];
    const env = workerEnv(stack.config, {
      // Its own queue: the stack's in-process worker (untraced) must not take these tasks.
      TEMPORAL_TASK_QUEUE: `telemetry-${randomUUID()}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      METRICS_TOKEN: TOKEN,
      WORKER_METRICS_PORT: String(metricsPort),
      HOST: '127.0.0.1',
      PORT: String(apiPort),
      AUTH_RATE_LIMIT_PER_MINUTE: '100000',
      // A claim's whole life in seconds: one follow-up, then written off.
      FOLLOW_UP_EVERY: '1s',
      FOLLOW_UP_LIMIT: '1',
    });
    worker = startProcess('dist/ops/worker/main.js', { ...env, LOG_LEVEL: 'debug' });
    api = startProcess('dist/api/main.js', env);
    apiUrl = `http://127.0.0.1:${apiPort}`;
    workerMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    await eventually(
      'API and worker metrics up',
      async () => {
        if (api.exited() || worker.exited())
          throw new Error(
            `a process exited: ${api.output().slice(-500)} ${worker.output().slice(-500)}`,
          );
        const [a, w] = await Promise.all([
          fetch(`${apiUrl}/health`),
          scrape(workerMetricsUrl, TOKEN),
        ]);
        return a.ok && w.ok ? true : undefined;
      },
      90_000,
      500,
    );
    tenant = await stack.newTenant();
    specialist = await signIn({ ...stack, baseUrl: apiUrl }, tenant, ['appeal_specialist']);
    const claim = await claimAwaitingReview({ ...stack, baseUrl: apiUrl }, specialist);
    ({ claimId, patient } = claim);
    fileId = (
      await stack.ownerDb
        .selectFrom('claims')
        .select('remittance_file_id')
        .where('id', '=', claimId)
        .executeTakeFirstOrThrow()
    ).remittance_file_id;
    // Approved through the API, so the lifecycle runs to its end and its workflow span closes.
    const approved = await specialist.fetch(`/review-tasks/${claim.state.reviewTaskId}/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approve' }),
    });
    expect(approved.status).toBe(200);
    await stack.temporal.workflow.getHandle(claimWorkflowId(claimId)).result();
  }, 240_000);
  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await receiver?.close();
    await stack?.close();
  });

  it('links the upload request to every activity of the ingestion and of the claim’s lifecycle in one trace', async () => {
    const scheduled = new Set<string>();
    for (const id of [ingestWorkflowId(fileId), claimWorkflowId(claimId)]) {
      const { events } = await stack.temporal.workflow.getHandle(id).fetchHistory();
      for (const e of events ?? [])
        if (e.eventType === SCHEDULED)
          scheduled.add(e.activityTaskScheduledEventAttributes!.activityType!.name!);
    }
    expect(scheduled.size).toBeGreaterThan(2);
    const request = await eventually('the request span exported', async () =>
      receiver.spans.find((s) => s.service === 'claimflow-api' && s.name === 'POST /remittances'),
    );
    expect(request).toMatchObject({
      service: 'claimflow-api',
      name: 'POST /remittances',
      attributes: {
        'http.route': '/remittances',
        'http.target': '/remittances',
        'claimflow.request_id': expect.stringMatching(/^[\w-]+$/),
      },
    });
    const spans = await eventually(
      'every activity span exported',
      async () => {
        const ours = trace(request.traceId);
        const ran = new Set(
          ours.filter((s) => s.name.startsWith('RunActivity:')).map((s) => s.name.slice(12)),
        );
        const closed = ours.some((s) => s.name === 'RunWorkflow:claimLifecycle');
        return closed && [...scheduled].every((a) => ran.has(a)) ? ours : undefined;
      },
      30_000,
      500,
    );
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const reaches = (s: OtlpSpan, target: string): boolean => {
      for (
        let at: OtlpSpan | undefined = s;
        at;
        at = at.parentSpanId ? byId.get(at.parentSpanId) : undefined
      )
        if (at.spanId === target) return true;
      return false;
    };
    const activities = spans.filter((s) => s.name.startsWith('RunActivity:'));
    expect(activities.filter((s) => !reaches(s, request.spanId)).map((s) => s.name)).toEqual([]);
    expect(activities.every((s) => s.service === 'claimflow-worker')).toBe(true);
    expect(spans.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        'StartWorkflow:ingestRemittance',
        'RunWorkflow:ingestRemittance',
        'RunWorkflow:claimLifecycle',
      ]),
    );
    const queries = spans.filter((s) => s.attributes['db.system'] === 'postgresql');
    expect(queries.some((q) => activities.some((a) => reaches(q, a.spanId)))).toBe(true);
    const ai = spans.find((s) => s.name === 'ai.analysis');
    expect(ai?.attributes).toMatchObject({
      'ai.source': 'rules',
      'ai.fallback_reason': 'no_api_key',
    });
    expect(reaches(ai!, request.spanId)).toBe(true);
  });

  it('exports no patient name or id in any span, and SQL without its values', () => {
    expect(receiver.bodies.length).toBeGreaterThan(0);
    expect(leaks(receiver.bodies.join('\n'), phiOf(patient))).toEqual([]);
    const statements = receiver.spans.map((s) => String(s.attributes['db.statement'] ?? ''));
    expect(statements.some((q) => /insert into "claims"/i.test(q))).toBe(true);
    expect(statements.filter((q) => q.replace(/'\?'/g, '').includes("'"))).toEqual([]);
  });

  it('serves metrics to the scrape token only, counting the work, with no PHI in a label', async () => {
    for (const url of [`${apiUrl}/metrics`, workerMetricsUrl]) {
      expect((await scrape(url)).status).toBe(401);
      expect((await scrape(url, 'not-the-token-at-all')).status).toBe(401);
    }
    const unauth = await scrape(`${apiUrl}/metrics`);
    expect(await unauth.json()).toMatchObject({ error: { code: 'METRICS_TOKEN_REQUIRED' } });
    const apiText = await (await scrape(`${apiUrl}/metrics`, TOKEN)).text();
    expect(apiText).toMatch(
      /claimflow_http_requests_total\{[^}]*route="\/remittances"[^}]*status="202"[^}]*\} 1\n/,
    );
    expect(
      Number(/claimflow_audit_events_written_total\{[^}]*\} (\d+)/.exec(apiText)?.[1]),
    ).toBeGreaterThan(0);
    // The gauges span every tenant of the namespace: ours adds one closed claim and completed runs.
    expect(apiText).toMatch(/claimflow_review_queue_depth\{[^}]*\} \d+\n/);
    expect(apiText).toMatch(/claimflow_claim_workflows\{[^}]*state="closed"[^}]*\} [1-9]/);
    expect(apiText).toMatch(/claimflow_workflows\{[^}]*status="COMPLETED"[^}]*\} [1-9]/);
    const workerText = await (await scrape(workerMetricsUrl, TOKEN)).text();
    expect(workerText).toMatch(/claimflow_claims_ingested_total\{[^}]*\} 1\n/);
    expect(workerText).toMatch(
      /claimflow_ai_calls_total\{[^}]*kind="analysis"[^}]*source="rules"[^}]*\} 1\n/,
    );
    expect(workerText).toMatch(
      /claimflow_ai_fallbacks_total\{[^}]*kind="analysis"[^}]*reason="no_api_key"[^}]*\} 1\n/,
    );
    expect(
      Number(/claimflow_audit_events_written_total\{[^}]*\} (\d+)/.exec(workerText)?.[1]),
    ).toBeGreaterThan(2);
    expect(leaks(apiText + workerText, [...phiOf(patient), claimId, tenant.id])).toEqual([]);
  });

  it('logs JSON lines with the request id and the workflow id, and no PHI or stack trace', async () => {
    const refused = await specialist.fetch('/workflows/failed');
    expect(refused.status).toBe(403);
    const id = refused.headers.get('x-request-id')!;
    const apiLines = await eventually('the refusal logged', async () => {
      const lines = api
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      return lines.some((l) => l.requestId === id) ? lines : undefined;
    });
    expect(apiLines.find((l) => l.requestId === id)).toMatchObject({
      level: 'warn',
      component: 'api',
      msg: '403 FORBIDDEN',
      actor: specialist.userId,
      tenantId: tenant.id,
    });
    const raw = worker.output().split('\n').filter(Boolean);
    expect(raw.filter((l) => !l.startsWith('{'))).toEqual([]);
    const workerLines = raw.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(
      workerLines.some(
        (l) => l.workflowId === claimWorkflowId(claimId) && typeof l.activityType === 'string',
      ),
    ).toBe(true);
    // The log line's request id finds the request's trace.
    const span = await eventually('the refused request’s span exported', async () =>
      receiver.spans.find((x) => x.attributes['claimflow.request_id'] === id),
    );
    expect(span).toMatchObject({ name: 'GET /workflows/failed', service: 'claimflow-api' });
    const everything = api.output() + worker.output();
    expect(leaks(everything, phiOf(patient))).toEqual([]);
    expect(everything).not.toMatch(/\n\s+at /);
  });
});
