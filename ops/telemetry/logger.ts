import { trace } from '@opentelemetry/api';
import { asyncLocalStorage as activityContext } from '@temporalio/activity';
import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import pino, { type Logger } from 'pino';
import type { Config } from '../config';
import { redact } from './redact';
import type { Component } from './tracing';

export type { Logger };

/** Who and what a line belongs to, read where it is written: a request's ids, an activity's workflow. */
export type ContextSource = () => Record<string, unknown> | undefined;

function activityBindings(): Record<string, unknown> {
  const info = activityContext.getStore()?.info;
  return info
    ? {
        workflowId: info.workflowExecution?.workflowId,
        runId: info.workflowExecution?.runId,
        activityType: info.activityType,
        attempt: info.attempt,
      }
    : {};
}

function traceBindings(): Record<string, unknown> {
  const span = trace.getActiveSpan()?.spanContext();
  return span && span.traceFlags !== undefined && span.traceId !== '0'.repeat(32)
    ? { traceId: span.traceId, spanId: span.spanId }
    : {};
}

/**
 * One JSON object per line (pino): level, time, component, the request or
 * workflow it belongs to, the trace, and the fields with PHI-bearing keys
 * redacted and errors reduced to type, code and a safe message.
 */
export function createLogger(
  config: Pick<Config, 'logLevel'>,
  component: Component,
  opts: { context?: ContextSource; destination?: NodeJS.WritableStream } = {},
): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { component },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => redact(fields) as Record<string, unknown>,
      },
      mixin: () => ({ ...opts.context?.(), ...activityBindings(), ...traceBindings() }),
    },
    // A stream, not fd 1: whatever captures the process's output sees every line.
    opts.destination ?? process.stdout,
  );
}

const SDK_DROPPED = new Set(['taskToken']);

/** The Temporal SDK's logger (worker, activities, workflow sinks, core) writing through pino. */
export class SdkPinoLogger implements SdkLogger {
  constructor(private readonly logger: Logger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    const fields = Object.fromEntries(
      Object.entries(meta ?? {}).filter(([k]) => !SDK_DROPPED.has(k)),
    );
    const method = level === 'TRACE' ? 'trace' : (level.toLowerCase() as Lowercase<LogLevel>);
    this.logger[method](fields, message);
  }
  trace(message: string, meta?: LogMetadata) {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata) {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata) {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata) {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata) {
    this.log('ERROR', message, meta);
  }
}
