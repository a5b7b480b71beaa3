import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** What every log line and audit event of a request carries; set once, read anywhere below. */
export interface RequestContext {
  requestId: string;
  tenantId?: string;
  actor?: string;
  role?: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

/** First middleware: the request id (a sane incoming one, else new) and the context around the rest. */
export function requestContextMiddleware(
  req: Request & { id?: string },
  res: Response,
  next: NextFunction,
): void {
  const incoming = req.header('x-request-id');
  req.id = incoming && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
  res.setHeader('x-request-id', req.id);
  requestContext.run({ requestId: req.id }, next);
}
