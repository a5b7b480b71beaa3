import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { AppealSubmissionRequest, PayerAdapter, SubmissionReceipt } from './payer-adapter';

const SAFE = /^[A-Za-z0-9._:-]{1,200}$/;

/**
 * Drops the packet into an outbox folder that a mail room, fax gateway or
 * clearinghouse job picks up. The key names the file, so a retry finds the
 * first write instead of making a second.
 */
export class OutboxAdapter implements PayerAdapter {
  readonly name = 'outbox';
  constructor(private readonly dir: string) {}

  private fileFor(tenantId: string, key: string): string {
    if (!SAFE.test(key) || !SAFE.test(tenantId))
      throw new Error('unsafe idempotency key or tenant for a file name');
    return path.join(this.dir, tenantId, `${key.replace(/:/g, '_')}.pdf`);
  }

  async submit(req: AppealSubmissionRequest): Promise<SubmissionReceipt> {
    const file = this.fileFor(req.tenantId, req.idempotencyKey);
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, req.packet, { mode: 0o600 });
    try {
      // link() fails if the file exists: exactly one write wins, even across workers.
      await fs.link(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      await fs.rm(tmp, { force: true });
    }
    return { channel: 'mail', payerReference: `outbox:${path.basename(file)}` };
  }

  async withdraw(req: { idempotencyKey: string; tenantId: string }): Promise<void> {
    const file = this.fileFor(req.tenantId, req.idempotencyKey);
    await fs.rename(file, `${file}.withdrawn`).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }
}
