import { trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from './metrics';

/**
 * Per API request: the request id on its server span (so a log line's
 * requestId finds its trace), and a count by route template (never the path:
 * it holds ids) and status.
 */
export function httpTelemetryMiddleware(metrics: Metrics) {
  return (req: Request & { id?: string }, res: Response, next: NextFunction): void => {
    if (req.id) trace.getActiveSpan()?.setAttribute('claimflow.request_id', req.id);
    res.once('finish', () => {
      const template = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof template === 'string' ? `${req.baseUrl}${template}` : 'unmatched';
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      if (res.statusCode >= 500) metrics.errors.inc({ component: 'api', source: route });
    });
    next();
  };
}
