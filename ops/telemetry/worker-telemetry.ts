import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/worker';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import type { ActivityInterceptorsFactory, WorkerOptions } from '@temporalio/worker';
import type { Analyzer } from '../../activities/ai/analyzer';
import type { Database } from '../../db/database';
import { ActivityMetricsInterceptor } from './activity-metrics.interceptor';
import { instrumentAnalyzer } from './ai-telemetry';
import type { Metrics } from './metrics';
import type { Tracing } from './tracing';
import { WriteMetricsPlugin } from './write-metrics.plugin';

export interface WorkerTelemetry {
  tracing: Tracing;
  metrics?: Metrics;
}

/**
 * What a worker adds for telemetry: spans for every workflow (through the
 * sandbox's sink) and activity, linked to the caller's trace by Temporal
 * headers; activity failure counts; the AI step's span and counters; and the
 * claim and audit insert counters on the activities' database handle.
 */
export function workerTelemetry(t: WorkerTelemetry | undefined, opts: { prebuiltBundle: boolean }) {
  const tracing = t?.tracing.enabled ? t.tracing : undefined;
  const metrics = t?.metrics;
  const activity: ActivityInterceptorsFactory[] = [];
  if (tracing)
    activity.push((ctx) => ({
      inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer: tracing.tracer }),
      outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
    }));
  if (metrics) activity.push((ctx) => ({ inbound: new ActivityMetricsInterceptor(ctx, metrics) }));
  const options: Pick<WorkerOptions, 'interceptors' | 'sinks'> = {
    interceptors: {
      activity,
      // The client activities start workflows with carries the activity's span into them.
      ...(tracing
        ? {
            client: {
              workflow: [new OpenTelemetryWorkflowClientInterceptor({ tracer: tracing.tracer })],
            },
          }
        : {}),
      // A prebuilt bundle carries whatever interceptors it was built with.
      ...(tracing && !opts.prebuiltBundle
        ? {
            workflowModules: [
              require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
            ],
          }
        : {}),
    },
    ...(tracing
      ? { sinks: { exporter: makeWorkflowExporter(tracing.processor!, tracing.resource) } }
      : {}),
  };
  return {
    options,
    db: (db: Database): Database =>
      metrics
        ? db.withPlugin(
            new WriteMetricsPlugin({
              claims: metrics.claimsIngested,
              audit_events: metrics.auditWrites,
            }),
          )
        : db,
    analyzer: (a: Analyzer): Analyzer =>
      tracing || metrics ? instrumentAnalyzer(a, (tracing ?? t!.tracing).tracer, metrics) : a,
  };
}
