import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import { isGrpcServiceError } from '@temporalio/client';
import type { Response } from 'express';
import { AppError } from './errors';

const HTTP_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

/** gRPC codes that mean Temporal could not be reached or did not answer in time. */
const GRPC_UNREACHABLE = new Set([4, 14]);
/** Node's socket errors, and pg's pool giving up on a connection. */
const NET_UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE']);
/** pg's texts when no connection came within connectionTimeoutMillis: to the server, or from a full pool. */
const PG_TIMEOUTS = new Set([
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
]);
const RETRY_AFTER_S = 5;

/**
 * Which dependency a failure says is out of reach (the caller may retry), or
 * undefined. Temporal's errors carry a gRPC status, on themselves or their
 * cause; PostgreSQL's an SQLSTATE (class 08 connection, 57P0x shutting down)
 * or a socket error.
 */
export function outageOf(exception: unknown): 'workflow service' | 'database' | undefined {
  const cause = (exception as { cause?: unknown } | null)?.cause;
  for (const e of [exception, cause])
    if (isGrpcServiceError(e) && GRPC_UNREACHABLE.has(e.code)) return 'workflow service';
  const e = exception as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code.startsWith('08') || /^57P0[123]$/.test(code) || NET_UNREACHABLE.has(code))
    return 'database';
  if (e instanceof Error && PG_TIMEOUTS.has(e.message)) return 'database';
  return undefined;
}

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** One error shape for every failure; never a stack trace or PHI. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const [status, body] = toErrorBody(exception);
    if (status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_S));
    // The class of the failure only: messages of driver or library errors can carry data.
    if (status >= 500)
      this.log.error(
        `${body.error.code}: ${exception instanceof Error ? exception.name : 'unknown'}`,
      );
    if (status === 401 || status === 403 || status === 429)
      this.log.warn(`${status} ${body.error.code}`);
    res.status(status).json(body);
  }
}

/** The status and body a failure is answered with. */
export function toErrorBody(exception: unknown): [number, ErrorBody] {
  if (exception instanceof AppError) {
    return [
      exception.status,
      {
        error: {
          code: exception.code,
          message: exception.message,
          ...(exception.field ? { field: exception.field } : {}),
        },
      },
    ];
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = HTTP_CODES[status] ?? `HTTP_${status}`;
    const raw = exception.getResponse();
    const message =
      typeof raw === 'string'
        ? raw
        : String((raw as { message?: unknown }).message ?? exception.message);
    // Nest turns body-parser's JSON SyntaxError into a 400 with the parser's message, which
    // quotes the input: answer with a fixed text instead.
    if (status === 400 && /JSON/.test(message))
      return [status, { error: { code, message: 'malformed JSON body', field: 'body' } }];
    // Multer names the upload field in its errors; the only multipart field is `file`.
    const field = status === 413 || /field/i.test(message) ? 'file' : undefined;
    return [status, { error: { code, message, ...(field ? { field } : {}) } }];
  }
  // Body-parser errors (malformed JSON, too large) carry a status and type.
  const e = exception as { status?: number; type?: string };
  if (e && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    const code = e.type === 'entity.too.large' ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
    return [
      e.status,
      {
        error: {
          code,
          message: code === 'BAD_REQUEST' ? 'malformed request body' : 'request body too large',
          field: 'body',
        },
      },
    ];
  }
  const outage = outageOf(exception);
  if (outage)
    return [
      503,
      {
        error: {
          code: 'SERVICE_UNAVAILABLE',
          message: `the ${outage} is unavailable; try again shortly`,
        },
      },
    ];
  return [500, { error: { code: 'INTERNAL', message: 'internal error' } }];
}
