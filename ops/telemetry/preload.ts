/**
 * Imported first by the API's and the worker's entry points: instrumentation
 * patches pg and http only when it is installed before they are loaded.
 */
import { loadConfig } from '../config';
import { startTracing, type Component, type Tracing } from './tracing';

function component(): Component {
  const entry = require.main?.filename ?? '';
  if (/[/\\]worker[/\\]/.test(entry)) return 'worker';
  return /[/\\]api[/\\]/.test(entry) ? 'api' : 'cli';
}

function start(): Tracing {
  try {
    return startTracing(loadConfig().otlpEndpoint, component(), {
      ...(process.env.OTEL_SERVICE_NAME ? { serviceName: process.env.OTEL_SERVICE_NAME } : {}),
    });
  } catch {
    // A bad configuration is reported once, by the entry point's own loadConfig.
    return startTracing(undefined, component());
  }
}

export const tracing: Tracing = start();
