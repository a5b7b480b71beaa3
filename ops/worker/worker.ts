import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createAnalyzer } from '../../activities/ai/analyzer';
import { createIngestActivities } from '../../activities/ingest.activities';
import { createLifecycleActivities } from '../../activities/lifecycle.activities';
import { HttpPayerAdapter } from '../../activities/payer/http.adapter';
import { OutboxAdapter } from '../../activities/payer/outbox.adapter';
import { durationMs } from '../../workflows/durations';
import { temporalAddress, type Config } from '../config';
import type { Runtime } from '../runtime';
import { installTemporalRuntime } from '../telemetry/temporal-runtime';
import { workerTelemetry, type WorkerTelemetry } from '../telemetry/worker-telemetry';
import { backupSettings } from '../backup/backup.service';
import { createBackupActivities } from '../../activities/backup.activities';
import { createDataConverter } from '../temporal/data-converter';
import { TemporalUnreachableError } from '../temporal/client';

export interface WorkerHandle {
  worker: Worker;
  connection: NativeConnection;
}

/** The SDK's runtime is process-wide and can be configured once, before the first worker. */
export function installRuntime(config: Config): void {
  installTemporalRuntime(config, 'worker');
}

/**
 * Concurrency of a worker process, shared with the pipeline benchmark's
 * ceiling so both are measured with the same worker (bench/pipeline/README.md).
 */
export const WORKER_TUNING = {
  // An 835 starts hundreds of workflows at once and each first task comes from the normal
  // queue, which the default ratio leaves 2 of 10 pollers; the rest poll the sticky queue.
  maxConcurrentWorkflowTaskExecutions: 100,
  maxConcurrentWorkflowTaskPolls: 20,
  nonStickyToStickyPollRatio: 0.5,
  // Local activities wait on the database pool; twice its connections keep it busy.
  maxConcurrentLocalActivityExecutions: 20,
} satisfies Partial<WorkerOptions>;

/** One worker process runs every workflow and activity type on the task queue. */
export async function createWorker(
  config: Config,
  runtime: Runtime,
  opts: { taskQueue?: string; workflowBundlePath?: string; telemetry?: WorkerTelemetry } = {},
): Promise<WorkerHandle> {
  installRuntime(config);
  const observe = workerTelemetry(opts.telemetry, { prebuiltBundle: !!opts.workflowBundlePath });
  const db = observe.db(runtime.db);
  const address = temporalAddress(config);
  const connection = await NativeConnection.connect({ address }).catch((err: unknown) => {
    throw new TemporalUnreachableError(address, err);
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
    ...WORKER_TUNING,
    ...observe.options,
    activities: {
      ...createBackupActivities(() => backupSettings(config)),
      ...createIngestActivities({ db, cipher: runtime.cipher, timers: config.timers }),
      ...createLifecycleActivities({
        db,
        cipher: runtime.cipher,
        analyzer: observe.analyzer(
          createAnalyzer({
            apiKey: config.anthropic.apiKey,
            baseUrl: config.anthropic.baseUrl,
            model: config.anthropic.model,
            timeoutMs: durationMs(config.anthropic.timeout),
          }),
        ),
        payer: config.payer.endpoint
          ? new HttpPayerAdapter(config.payer.endpoint)
          : new OutboxAdapter(config.payer.outboxDir),
      }),
    },
  });
  return { worker, connection };
}
