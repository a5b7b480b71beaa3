import * as crypto from 'node:crypto';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { Component } from './tracing';

export const METRICS = Symbol('METRICS');

/** What the workflow gauges read, at scrape time: WorkflowOps.counts across every tenant. */
export interface WorkflowCounts {
  byState: Record<string, number>;
  byStatus: Record<string, number>;
  reviewQueue: number;
}

/**
 * One registry per process (never prom-client's global one, so a test's
 * stacks do not share counters). Every label value is from a fixed set: a
 * route template, an activity type, a state, a reason code; never an id or
 * anything a patient could be found by.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly claimsIngested: Counter;
  readonly auditWrites: Counter;
  readonly aiCalls: Counter<'kind' | 'source'>;
  readonly aiFallbacks: Counter<'kind' | 'reason'>;
  readonly errors: Counter<'component' | 'source'>;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;

  constructor(
    readonly component: Component,
    opts: { workflowCounts?: () => Promise<WorkflowCounts>; cacheMs?: number } = {},
  ) {
    this.registry.setDefaultLabels({ component });
    collectDefaultMetrics({ register: this.registry, prefix: 'claimflow_' });
    const r = [this.registry];
    this.claimsIngested = new Counter({
      name: 'claimflow_claims_ingested_total',
      help: 'Claims stored from remittances (each claim once, however often its file is retried).',
      registers: r,
    });
    this.auditWrites = new Counter({
      name: 'claimflow_audit_events_written_total',
      help: 'Audit events appended by this process.',
      registers: r,
    });
    this.aiCalls = new Counter({
      name: 'claimflow_ai_calls_total',
      help: 'Analyses and letters by who produced them: the model, or the rules or template instead.',
      labelNames: ['kind', 'source'],
      registers: r,
    });
    this.aiFallbacks = new Counter({
      name: 'claimflow_ai_fallbacks_total',
      help: 'Times the rules or template stood in for the model, by reason.',
      labelNames: ['kind', 'reason'],
      registers: r,
    });
    this.errors = new Counter({
      name: 'claimflow_errors_total',
      help: 'Failed requests (5xx, by route template) and failed activity attempts (by activity type).',
      labelNames: ['component', 'source'],
      registers: r,
    });
    this.httpRequests = new Counter({
      name: 'claimflow_http_requests_total',
      help: 'API requests by route template and status.',
      labelNames: ['method', 'route', 'status'],
      registers: r,
    });
    if (opts.workflowCounts) this.workflowGauges(opts.workflowCounts, opts.cacheMs ?? 15_000);
  }

  /** Temporal is asked at most once per cacheMs however often Prometheus scrapes. */
  private workflowGauges(read: () => Promise<WorkflowCounts>, cacheMs: number): void {
    let cached: { at: number; value: Promise<WorkflowCounts> } | undefined;
    const counts = () => {
      if (!cached || Date.now() - cached.at > cacheMs) {
        const value = read();
        cached = { at: Date.now(), value };
        value.catch(() => (cached = undefined));
      }
      return cached.value;
    };
    const r = [this.registry];
    new Gauge({
      name: 'claimflow_workflows',
      help: 'Workflow runs of every tenant by Temporal status.',
      labelNames: ['status'],
      registers: r,
      async collect() {
        for (const [status, n] of Object.entries((await counts()).byStatus))
          this.set({ status }, n);
      },
    });
    new Gauge({
      name: 'claimflow_claim_workflows',
      help: 'Claim lifecycles of every tenant by claim state (a continued run counted once).',
      labelNames: ['state'],
      registers: r,
      async collect() {
        for (const [state, n] of Object.entries((await counts()).byState)) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'claimflow_review_queue_depth',
      help: 'Running claim lifecycles waiting for a person’s review.',
      registers: r,
      async collect() {
        this.set((await counts()).reviewQueue);
      },
    });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/**
 * Who may read /metrics: with METRICS_TOKEN set, only `Authorization: Bearer
 * <token>`; without it, anyone outside production and no one in production.
 */
export function scrapeAllowed(
  authorization: string | undefined,
  settings: { token: string | undefined; production: boolean },
): boolean {
  if (!settings.token) return !settings.production;
  const given = Buffer.from(/^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '');
  const want = Buffer.from(settings.token);
  return given.length === want.length && crypto.timingSafeEqual(given, want);
}
