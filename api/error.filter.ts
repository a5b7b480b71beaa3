import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { AppError } from './errors';

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** One error shape for every failure; never a stack trace or PHI. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const [status, body] = this.toBody(exception);
    if (status >= 500)
      this.log.error(
        `${body.error.code}: ${exception instanceof Error ? exception.name : 'unknown'}`,
      );
    res.status(status).json(body);
  }

  private toBody(exception: unknown): [number, ErrorBody] {
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
      const code =
        status === 413
          ? 'PAYLOAD_TOO_LARGE'
          : status === 404
            ? 'NOT_FOUND'
            : status === 400
              ? 'BAD_REQUEST'
              : `HTTP_${status}`;
      const raw = exception.getResponse();
      const message =
        typeof raw === 'string'
          ? raw
          : String((raw as { message?: unknown }).message ?? exception.message);
      return [status, { error: { code, message } }];
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
          },
        },
      ];
    }
    return [500, { error: { code: 'INTERNAL', message: 'internal error' } }];
  }
}
