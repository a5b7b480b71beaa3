import {
  WorkflowExecutionAlreadyStartedError,
  type Client,
  type WorkflowStartOptions,
} from '@temporalio/client';
import { claimWorkflowId, type ClaimLifecycleInput } from '../workflows/contracts';

/**
 * Start requests in flight at once. The server persists each start on its own;
 * a few dozen in flight keep it busy without queueing thousands of requests
 * behind its store (figures in bench/pipeline/README.md).
 */
export const START_CONCURRENCY = 32;

/** How a claim's lifecycle is started; the pipeline benchmark starts its ceiling's workflows the same way. */
export function lifecycleStartOptions(
  taskQueue: string,
  input: ClaimLifecycleInput,
): WorkflowStartOptions<(input: ClaimLifecycleInput) => Promise<unknown>> {
  return {
    taskQueue,
    workflowId: claimWorkflowId(input.claimId),
    args: [input],
    // Ids are deterministic and never reused: a retried page or a re-run ingestion starts
    // nothing twice, not even a lifecycle that has closed meanwhile.
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    // The starter is a worker's own client (its NativeConnection, which eager start needs):
    // the server answers the start with the first task, skipping the task queue.
    requestEagerStart: true,
    searchAttributes: { TenantId: [input.tenantId], ClaimState: ['triage'] },
  };
}

/** Starts a workflow unless its id exists already; false when it did. */
export async function startOnce(
  client: Client,
  workflowType: string,
  options: WorkflowStartOptions,
): Promise<boolean> {
  try {
    await client.workflow.start(workflowType, options);
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}

/**
 * Runs `start` over the items, `concurrency` at a time. `progress(n)` says the
 * first n are all done, so a caller can heartbeat a cursor that a retry may
 * resume from. After a failure nothing new begins; the first error is thrown
 * once the starts in flight have settled.
 */
export async function startEach<T>(
  items: readonly T[],
  start: (item: T) => Promise<unknown>,
  opts: { concurrency?: number; progress?: (through: number) => void } = {},
): Promise<void> {
  const done = new Array<boolean>(items.length).fill(false);
  let next = 0;
  let through = 0;
  let failure: { err: unknown } | undefined;
  const runner = async () => {
    while (!failure && next < items.length) {
      const i = next++;
      try {
        await start(items[i]!);
      } catch (err) {
        failure ??= { err };
        return;
      }
      done[i] = true;
      if (i !== through) continue;
      while (through < items.length && done[through]) through++;
      opts.progress?.(through);
    }
  };
  const width = Math.min(Math.max(1, opts.concurrency ?? START_CONCURRENCY), items.length);
  await Promise.all(Array.from({ length: width }, runner));
  if (failure) throw failure.err;
}
