import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
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
    // The class of the failure only: messages of driver or library errors can carry data.
    if (status >= 500)
      this.log.error(
        `${body.error.code}: ${exception instanceof Error ? exception.name : 'unknown'}`,
      );
    if (status === 401 || status === 403 || status === 429)
      this.log.warn(`${status} ${body.error.code}`);
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
    return [500, { error: { code: 'INTERNAL', message: 'internal error' } }];
  }
}
