import type { IncomingMessage } from 'node:http';
import { trace, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { scrubSql } from './redact';

export type Component = 'api' | 'worker' | 'cli';

/** What the API, the Temporal client and the worker need of tracing; `enabled: false` is the default. */
export interface Tracing {
  enabled: boolean;
  resource: Resource;
  /** The processor spans leave through; the worker hands it to the workflow span sink. */
  processor: SpanProcessor | undefined;
  tracer: Tracer;
  shutdown(): Promise<void>;
}

function routeOf(req: IncomingMessage): string | undefined {
  const route = (req as IncomingMessage & { route?: { path?: unknown } }).route?.path;
  return typeof route === 'string' ? route : undefined;
}

/**
 * Incoming requests are named by their route template and never carry a
 * query string; outgoing ones only by host. Ids in paths are not PHI, yet the
 * template is what an operator groups by.
 */
function httpInstrumentation() {
  return new HttpInstrumentation({
    ignoreIncomingRequestHook: (req) => req.url === '/metrics' || req.url === '/health',
    applyCustomAttributesOnSpan: (span: Span, req) => {
      if (!('headers' in req) || !('method' in req)) return;
      const incoming = req as IncomingMessage;
      const path = (incoming.url ?? '').split('?')[0]!;
      const route = routeOf(incoming);
      span.setAttribute('http.target', route ?? path);
      span.setAttribute('http.url', route ?? path);
      if (route) {
        span.setAttribute('http.route', route);
        span.updateName(`${incoming.method} ${route}`);
      }
    },
    headersToSpanAttributes: { server: { requestHeaders: [], responseHeaders: [] } },
  });
}

/**
 * Starts tracing for one process when OTEL_EXPORTER_OTLP_ENDPOINT is set (or a
 * test hands an exporter): OTLP over HTTP, W3C context propagation, spans for
 * incoming HTTP and for pg (statements without values). Must run before `pg`
 * and `http` are loaded, so entry points import ops/telemetry/preload first.
 */
export function startTracing(
  otlpEndpoint: string | undefined,
  component: Component,
  opts: { exporter?: SpanExporter; serviceName?: string } = {},
): Tracing {
  const resource = new Resource({
    'service.name': opts.serviceName ?? `claimflow-${component}`,
    'service.namespace': 'claimflow',
  });
  if (!otlpEndpoint && !opts.exporter)
    return {
      enabled: false,
      resource,
      processor: undefined,
      tracer: trace.getTracer('claimflow'),
      shutdown: async () => undefined,
    };
  const exporter =
    opts.exporter ??
    new OTLPTraceExporter({ url: `${otlpEndpoint!.replace(/\/$/, '')}/v1/traces` });
  const processor = opts.exporter
    ? new SimpleSpanProcessor(exporter)
    : new BatchSpanProcessor(exporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      httpInstrumentation(),
      new PgInstrumentation({
        requireParentSpan: true,
        enhancedDatabaseReporting: false,
        requestHook: (span, info) => span.setAttribute('db.statement', scrubSql(info.query.text)),
      }),
    ],
  });
  return {
    enabled: true,
    resource,
    processor,
    tracer: provider.getTracer('claimflow'),
    async shutdown() {
      unregister();
      await provider.shutdown();
    },
  };
}
