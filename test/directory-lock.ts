import fs from 'node:fs';
import path from 'node:path';

/**
 * Runs `work` while holding a lock shared by every Jest worker and process on this
 * checkout: creating a directory is atomic. A lock older than `staleMs` is left by a
 * process that died and is taken over. Synchronous, since the work it guards (a
 * build, an install) is a child process run to completion.
 */
export function withDirectoryLock<T>(lock: string, staleMs: number, work: () => T): T {
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + staleMs;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age > staleMs) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return work();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
