import * as crypto from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { BackupKey } from './backup-key';
import { BackupError } from './backup-manifest';

/**
 * The encrypted backup file: AES-256-GCM over 1 MiB chunks, each sealed on
 * its own (so a restore never reads a byte that has not been authenticated),
 * numbered in its nonce and its additional data, the last one flagged (so a
 * file that was cut short, reordered or spliced fails, not just a changed one).
 *
 *   header  "CFBK" | version 1 | key id length | key id | nonce prefix (8) | chunk size (u32)
 *   chunk   final flag (1) | length (u32) | ciphertext | tag (16)
 *   nonce   nonce prefix | chunk number (u32);  aad: header | chunk number | final flag
 */
const MAGIC = Buffer.from('CFBK');
const VERSION = 1;
export const CHUNK_BYTES = 1024 * 1024;
const TAG_BYTES = 16;
const FRAME_HEAD = 5;

/** A growing list of buffers, concatenated only when enough bytes are there to use. */
class Pending {
  private parts: Buffer[] = [];
  length = 0;
  push(b: Buffer) {
    this.parts.push(b);
    this.length += b.length;
  }
  take(n: number): Buffer {
    const all = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.length);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.parts = rest.length ? [rest] : [];
    this.length = rest.length;
    return out;
  }
  peek(n: number): Buffer {
    const all = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.length);
    this.parts = [all];
    return all.subarray(0, n);
  }
}

function nonceOf(prefix: Buffer, n: number): Buffer {
  const nonce = Buffer.alloc(12);
  prefix.copy(nonce, 0);
  nonce.writeUInt32BE(n, 8);
  return nonce;
}

function aadOf(header: Buffer, n: number, final: boolean): Buffer {
  const tail = Buffer.alloc(5);
  tail.writeUInt32BE(n, 0);
  tail[4] = final ? 1 : 0;
  return Buffer.concat([header, tail]);
}

export class EncryptStream extends Transform {
  private readonly header: Buffer;
  private readonly prefix = crypto.randomBytes(8);
  private readonly pending = new Pending();
  private n = 0;
  private started = false;

  constructor(
    private readonly key: BackupKey,
    private readonly chunkBytes = CHUNK_BYTES,
  ) {
    super();
    const id = Buffer.from(key.id, 'ascii');
    const size = Buffer.alloc(4);
    size.writeUInt32BE(chunkBytes, 0);
    this.header = Buffer.concat([MAGIC, Buffer.from([VERSION, id.length]), id, this.prefix, size]);
  }

  private seal(plain: Buffer, final: boolean): void {
    if (!this.started) {
      this.push(this.header);
      this.started = true;
    }
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key.key, nonceOf(this.prefix, this.n));
    cipher.setAAD(aadOf(this.header, this.n, final));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    const head = Buffer.alloc(FRAME_HEAD);
    head[0] = final ? 1 : 0;
    head.writeUInt32BE(body.length, 1);
    this.push(Buffer.concat([head, body, cipher.getAuthTag()]));
    this.n++;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.pending.push(chunk);
    // Strictly more than a chunk: the last one must wait for the end, which flags it.
    while (this.pending.length > this.chunkBytes)
      this.seal(this.pending.take(this.chunkBytes), false);
    done();
  }

  override _flush(done: TransformCallback): void {
    this.seal(this.pending.take(this.pending.length), true);
    done();
  }
}

export class DecryptStream extends Transform {
  private readonly pending = new Pending();
  private header: Buffer | undefined;
  private prefix: Buffer | undefined;
  private n = 0;
  private finished = false;

  constructor(private readonly key: BackupKey) {
    super();
  }

  private readHeader(): boolean {
    if (this.pending.length < 6) return false;
    const start = this.pending.peek(6);
    if (!start.subarray(0, 4).equals(MAGIC) || start[4] !== VERSION)
      throw new BackupError('BACKUP_CORRUPT', 'not a claimflow backup file (bad header)');
    const total = 6 + start[5]! + 8 + 4;
    if (this.pending.length < total) return false;
    const header = this.pending.take(total);
    const id = header.subarray(6, 6 + start[5]!).toString('ascii');
    if (id !== this.key.id)
      throw new BackupError(
        'BACKUP_WRONG_KEY',
        `the backup was encrypted with backup key ${id}; the configured key is ${this.key.id}`,
      );
    this.header = header;
    this.prefix = header.subarray(6 + start[5]!, 6 + start[5]! + 8);
    return true;
  }

  private open(): boolean {
    if (this.pending.length < FRAME_HEAD) return false;
    const head = this.pending.peek(FRAME_HEAD);
    const final = head[0] === 1;
    const len = head.readUInt32BE(1);
    if (head[0]! > 1 || len > CHUNK_BYTES + 1024)
      throw new BackupError('BACKUP_CORRUPT', `backup chunk ${this.n} has a damaged frame`);
    if (this.pending.length < FRAME_HEAD + len + TAG_BYTES) return false;
    const frame = this.pending.take(FRAME_HEAD + len + TAG_BYTES);
    const decipher = crypto.createDecipheriv(
      'aes-256-gcm',
      this.key.key,
      nonceOf(this.prefix!, this.n),
    );
    decipher.setAAD(aadOf(this.header!, this.n, final));
    decipher.setAuthTag(frame.subarray(FRAME_HEAD + len));
    let plain: Buffer;
    try {
      plain = Buffer.concat([
        decipher.update(frame.subarray(FRAME_HEAD, FRAME_HEAD + len)),
        decipher.final(),
      ]);
    } catch {
      throw new BackupError(
        'BACKUP_CORRUPT',
        `backup chunk ${this.n} failed authentication: the file was changed or damaged`,
      );
    }
    this.push(plain);
    this.n++;
    this.finished = final;
    return true;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.pending.push(chunk);
      if (!this.header && !this.readHeader()) return done();
      while (!this.finished && this.open());
      if (this.finished && this.pending.length)
        throw new BackupError('BACKUP_CORRUPT', 'the backup file has data after its last chunk');
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    if (!this.finished)
      return done(
        new BackupError('BACKUP_CORRUPT', 'the backup file ends early: it was cut short'),
      );
    done();
  }
}
