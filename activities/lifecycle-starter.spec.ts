import { claimWorkflowId } from '../workflows/contracts';
import { lifecycleStartOptions, startEach } from './lifecycle-starter';

/** A start that finishes when the test says so, to order completions by hand. */
function gate() {
  const pending = new Map<number, () => void>();
  let inFlight = 0;
  let peak = 0;
  return {
    start: (i: number) =>
      new Promise<void>((resolve) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        pending.set(i, () => {
          inFlight--;
          resolve();
        });
      }),
    finish: async (i: number) => {
      pending.get(i)!();
      pending.delete(i);
      await new Promise((r) => setImmediate(r));
    },
    started: () => [...pending.keys()],
    peak: () => peak,
  };
}

describe('startEach', () => {
  it('starts every item once and never more than the concurrency at a time', async () => {
    const g = gate();
    const done = startEach([0, 1, 2, 3, 4, 5, 6], g.start, { concurrency: 3 });
    await new Promise((r) => setImmediate(r));
    expect(g.started()).toEqual([0, 1, 2]);
    for (const i of [1, 0, 2, 4, 3, 5, 6]) {
      while (!g.started().includes(i)) await new Promise((r) => setImmediate(r));
      await g.finish(i);
    }
    await done;
    expect(g.peak()).toBe(3);
  });

  it('reports progress only through the first unfinished item, so a resumed retry skips nothing', async () => {
    const g = gate();
    const progress: number[] = [];
    const done = startEach([0, 1, 2], g.start, {
      concurrency: 3,
      progress: (n) => progress.push(n),
    });
    await new Promise((r) => setImmediate(r));
    await g.finish(2);
    await g.finish(1);
    expect(progress).toEqual([]);
    await g.finish(0);
    await done;
    expect(progress).toEqual([3]);
  });

  it('begins nothing new after a failure and throws the first error once the starts in flight settle', async () => {
    const begun: number[] = [];
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const done = startEach(
      [0, 1, 2, 3, 4],
      async (i) => {
        begun.push(i);
        if (i === 0) throw new Error('first failure');
        if (i === 1) await slow;
      },
      { concurrency: 2 },
    );
    let settled = false;
    void done.catch(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    release();
    await expect(done).rejects.toThrow('first failure');
    expect(begun).toEqual([0, 1]);
  });

  it('does nothing for no items', async () => {
    let calls = 0;
    await startEach([], async () => void calls++);
    expect(calls).toBe(0);
  });
});

describe('lifecycleStartOptions', () => {
  it('gives each claim its deterministic id and never reuses it, not even after a close', () => {
    const input = {
      tenantId: '00000000-0000-4000-8000-000000000001',
      claimId: '00000000-0000-4000-8000-000000000002',
      timers: {
        reviewTimeout: '30d',
        reviewReminderEvery: '2d',
        reviewEscalateAfter: '5d',
        followUpEvery: '30d',
        followUpLimit: 3,
      },
    };
    expect(lifecycleStartOptions('q', input)).toEqual({
      taskQueue: 'q',
      workflowId: claimWorkflowId(input.claimId),
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      requestEagerStart: true,
      searchAttributes: { TenantId: [input.tenantId], ClaimState: ['triage'] },
    });
  });
});
