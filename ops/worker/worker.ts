import {
  DefaultLogger,
  NativeConnection,
  Runtime as SdkRuntime,
  Worker,
  type WorkerOptions,
} from '@temporalio/worker';
import { createAnalyzer } from '../../activities/ai/analyzer';
import { createIngestActivities } from '../../activities/ingest.activities';
import { createLifecycleActivities } from '../../activities/lifecycle.activities';
import { HttpPayerAdapter } from '../../activities/payer/http.adapter';
import { OutboxAdapter } from '../../activities/payer/outbox.adapter';
import { durationMs } from '../../workflows/durations';
import type { Config } from '../config';
import type { Runtime } from '../runtime';
import { createDataConverter } from '../temporal/data-converter';

export interface WorkerHandle {
  worker: Worker;
  connection: NativeConnection;
}

const SDK_LEVELS = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  silent: 'ERROR',
} as const;
let runtimeInstalled = false;

/** The SDK's runtime is process-wide and can be configured once, before the first worker. */
export function installRuntime(config: Config): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const level =
    config.env === 'test' && config.logLevel === 'info' ? 'WARN' : SDK_LEVELS[config.logLevel];
  SdkRuntime.install({ logger: new DefaultLogger(level) });
}

/** One worker process runs every workflow and activity type on the task queue. */
export async function createWorker(
  config: Config,
  runtime: Runtime,
  opts: { taskQueue?: string; workflowBundlePath?: string } = {},
): Promise<WorkerHandle> {
  installRuntime(config);
  const connection = await NativeConnection.connect({
    address: config.temporal.address ?? `127.0.0.1:${config.temporal.port}`,
  });
  const workflowSource: Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle'> =
    opts.workflowBundlePath
      ? { workflowBundle: { codePath: opts.workflowBundlePath } }
      : { workflowsPath: require.resolve('../../workflows') };
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: opts.taskQueue ?? config.temporal.taskQueue,
    ...workflowSource,
    // With a prebuilt bundle the workflow side's converter is inside it; activities load it here.
    dataConverter: createDataConverter(config),
    activities: {
      ...createIngestActivities({ db: runtime.db, cipher: runtime.cipher, timers: config.timers }),
      ...createLifecycleActivities({
        db: runtime.db,
        cipher: runtime.cipher,
        analyzer: createAnalyzer({
          apiKey: config.anthropic.apiKey,
          baseUrl: config.anthropic.baseUrl,
          model: config.anthropic.model,
          timeoutMs: durationMs(config.anthropic.timeout),
        }),
        payer: config.payer.endpoint
          ? new HttpPayerAdapter(config.payer.endpoint)
          : new OutboxAdapter(config.payer.outboxDir),
      }),
    },
  });
  return { worker, connection };
}
