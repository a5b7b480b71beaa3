import { makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import type { Config } from '../config';
import { createLogger, SdkPinoLogger } from './logger';
import type { Component } from './tracing';

const SDK_LEVELS = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  silent: 'ERROR',
} as const;
let installed = false;

/**
 * The SDK's runtime is process-wide and can be configured once, before the
 * first worker or replay: its logs, and those of the Rust core (forwarded,
 * not printed), go through pino; the CLI's to stderr so stdout stays its output.
 */
export function installTemporalRuntime(config: Config, component: Component): void {
  if (installed) return;
  installed = true;
  const level =
    config.env === 'test' && config.logLevel === 'info' ? 'WARN' : SDK_LEVELS[config.logLevel];
  const logger = createLogger({ logLevel: level.toLowerCase() as Config['logLevel'] }, component, {
    destination: component === 'cli' ? process.stderr : process.stdout,
  });
  Runtime.install({
    logger: new SdkPinoLogger(logger),
    telemetryOptions: {
      // The Rust core's own chatter stays at warnings, whatever the level (as before pino).
      logging: {
        forward: {},
        filter: makeTelemetryFilterString({
          core: level === 'ERROR' ? 'ERROR' : 'WARN',
          other: 'ERROR',
        }),
      },
    },
  });
}
