import type { LoggerService, LogLevel } from '@nestjs/common';
import type { Logger } from './logger';

const PINO_LEVEL = {
  log: 'info',
  error: 'error',
  warn: 'warn',
  debug: 'debug',
  verbose: 'trace',
  fatal: 'fatal',
} as const;

/**
 * Nest's logger writing JSON through pino. Nest's own levels still filter
 * (the API logs warnings and errors, not its route table); a stack Nest hands
 * along is dropped: a log line is one line, and the error filter names the class.
 */
export class PinoNestLogger implements LoggerService {
  constructor(
    private readonly logger: Logger,
    private readonly levels: readonly LogLevel[] = ['error', 'warn'],
  ) {}

  private write(level: keyof typeof PINO_LEVEL, message: unknown, optional: unknown[]): void {
    if (!this.levels.includes(level)) return;
    const last = optional[optional.length - 1];
    const context = typeof last === 'string' ? last : undefined;
    this.logger[PINO_LEVEL[level]]({ ...(context ? { context } : {}) }, String(message));
  }

  log(message: unknown, ...optional: unknown[]) {
    this.write('log', message, optional);
  }
  error(message: unknown, ...optional: unknown[]) {
    this.write('error', message, optional);
  }
  warn(message: unknown, ...optional: unknown[]) {
    this.write('warn', message, optional);
  }
  debug(message: unknown, ...optional: unknown[]) {
    this.write('debug', message, optional);
  }
  verbose(message: unknown, ...optional: unknown[]) {
    this.write('verbose', message, optional);
  }
  fatal(message: unknown, ...optional: unknown[]) {
    this.write('fatal', message, optional);
  }
}
