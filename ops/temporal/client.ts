import { Client, Connection } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import type { Config } from '../config';
import type { Tracing } from '../telemetry/tracing';
import { createDataConverter } from './data-converter';

/**
 * The Temporal client of the API and the CLI: the payload codec always, and,
 * with tracing on, the interceptor that carries the caller's span into the
 * workflows it starts, signals and updates.
 */
export async function connectTemporal(
  config: Config,
  tracing?: Tracing,
): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({
    address: config.temporal.address ?? `127.0.0.1:${config.temporal.port}`,
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
