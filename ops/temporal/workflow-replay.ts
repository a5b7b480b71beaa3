import * as fs from 'node:fs';
import type { DataConverter } from '@temporalio/common';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';

export interface ReplayOutcome {
  workflowId: string;
  runId: string;
  ok: boolean;
  /** The determinism violation (or replay failure) in the SDK's words: event types and ids, never payloads. */
  error?: string;
  nondeterministic?: boolean;
}

export interface HistoryToReplay {
  workflowId: string;
  history: temporal.api.history.v1.IHistory;
}

/** The SDK's message on one line, from its most telling part, bounded. */
function summary(message: string): string {
  const line = message.replace(/\s+/g, ' ').trim();
  const at = line.search(/\[TMPRL\d+\]|Nondeterminism/i);
  return (at > 0 ? line.slice(at) : line).slice(0, 500);
}

const quiet = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  log: () => undefined,
};

/**
 * Replays recorded histories against workflow code: by default the code this
 * process runs (bundled once, on first use), or a bundle built elsewhere, such
 * as the next release's before it is deployed.
 */
export class WorkflowReplayer {
  private bundle: Promise<WorkflowBundle> | undefined;

  constructor(
    private readonly dataConverter: DataConverter,
    private readonly bundlePath?: string,
  ) {}

  private code(): Promise<WorkflowBundle> {
    this.bundle ??= this.bundlePath
      ? Promise.resolve({ code: fs.readFileSync(this.bundlePath, 'utf8') })
      : bundleWorkflowCode({
          workflowsPath: require.resolve('../../workflows'),
          failureConverterPath: require.resolve('../../workflows/failure-converter'),
          logger: quiet,
        }).then(({ code }) => ({ code }));
    // A failed build is not cached: the next call tries again.
    this.bundle.catch(() => (this.bundle = undefined));
    return this.bundle;
  }

  async replay(histories: HistoryToReplay[]): Promise<ReplayOutcome[]> {
    if (histories.length === 0) return [];
    const workflowBundle = await this.code();
    const out: ReplayOutcome[] = [];
    for await (const r of Worker.runReplayHistories(
      { workflowBundle, dataConverter: this.dataConverter, replayName: 'claimflow-replay' },
      histories,
    )) {
      out.push({
        workflowId: r.workflowId,
        runId: r.runId,
        ok: !r.error,
        ...(r.error
          ? {
              error: summary(r.error.message),
              nondeterministic: r.error.name === 'DeterminismViolationError',
            }
          : {}),
      });
    }
    return out;
  }
}
