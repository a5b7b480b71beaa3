import { Client, Connection } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import { durationMs } from '../../workflows/durations';
import { temporalAddress, type Config } from '../config';
import type { Tracing } from '../telemetry/tracing';
import { createDataConverter } from './data-converter';

/** Said to the user as it stands (it has a code): by the CLI, and by the API and the worker at start. */
export class TemporalUnreachableError extends Error {
  readonly code = 'SERVICE_UNAVAILABLE';

  constructor(address: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    super(
      `the workflow service (Temporal) at ${address} cannot be reached (${why}): start it with bin/claimflow services up, or point TEMPORAL_ADDRESS at it`,
      { cause },
    );
  }
}

/**
 * The Temporal client of the API and the CLI: the payload codec always, and,
 * with tracing on, the interceptor that carries the caller's span into the
 * workflows it starts, signals and updates.
 */
export async function connectTemporal(
  config: Config,
  tracing?: Tracing,
): Promise<{ client: Client; connection: Connection }> {
  const address = temporalAddress(config);
  const connection = await Connection.connect({
    address,
    connectTimeout: durationMs(config.temporal.connectTimeout),
  }).catch((err: unknown) => {
    throw new TemporalUnreachableError(address, err);
  });
  return {
    client: new Client({
      connection,
      namespace: config.temporal.namespace,
      dataConverter: createDataConverter(config),
      ...(tracing?.enabled
        ? {
            interceptors: {
              workflow: [new OpenTelemetryWorkflowClientInterceptor({ tracer: tracing.tracer })],
            },
          }
        : {}),
    }),
    connection,
  };
}
