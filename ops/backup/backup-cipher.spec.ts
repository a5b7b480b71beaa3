import * as crypto from 'node:crypto';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DecryptStream, EncryptStream } from './backup-cipher';
import { backupKeyFrom } from './backup-key';

const key = backupKeyFrom(crypto.randomBytes(32).toString('base64'));
const CHUNK = 1000;

async function run(input: Buffer, transform: Transform, pieces = 7): Promise<Buffer> {
  const out: Buffer[] = [];
  // Uneven pieces, so frames straddle the writes.
  const parts = Array.from({ length: pieces }, (_, i) =>
    input.subarray(
      Math.floor((i * input.length) / pieces),
      Math.floor(((i + 1) * input.length) / pieces),
    ),
  );
  await pipeline(
    Readable.from(parts),
    transform,
    async (source: AsyncIterable<string | Buffer>) => {
      for await (const c of source) out.push(Buffer.from(c));
    },
  );
  return Buffer.concat(out);
}

const seal = (plain: Buffer) => run(plain, new EncryptStream(key, CHUNK));
const open = (sealed: Buffer, k = key) => run(sealed, new DecryptStream(k), 3);
const HEADER = 4 + 1 + 1 + key.id.length + 8 + 4;
const FRAME = 5 + CHUNK + 16;

describe('backup file encryption', () => {
  it.each([0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3.5 * CHUNK])(
    'gives back exactly the %d bytes it sealed',
    async (n) => {
      const plain = crypto.randomBytes(n);
      const sealed = await seal(plain);
      expect((await open(sealed)).equals(plain)).toBe(true);
    },
  );

  it('holds none of the plaintext', async () => {
    const sealed = await seal(Buffer.from('ZQLASTPATIENT MEM12345 '.repeat(200)));
    expect(sealed.includes(Buffer.from('ZQLASTPATIENT'))).toBe(false);
  });

  it('names its key in the header but never the key itself', async () => {
    const sealed = await seal(Buffer.from('x'));
    expect(sealed.subarray(6, 6 + key.id.length).toString()).toBe(key.id);
    expect(sealed.includes(key.key)).toBe(false);
  });

  it('refuses a file with one byte changed, naming the chunk', async () => {
    const sealed = await seal(crypto.randomBytes(3 * CHUNK));
    sealed[HEADER + FRAME + 40]! ^= 1;
    await expect(open(sealed)).rejects.toThrow('backup chunk 1 failed authentication');
  });

  it('refuses a file cut short at a chunk boundary', async () => {
    const sealed = await seal(crypto.randomBytes(3 * CHUNK));
    await expect(open(sealed.subarray(0, HEADER + 2 * FRAME))).rejects.toThrow('ends early');
  });

  it('refuses chunks put back in another order', async () => {
    const sealed = await seal(crypto.randomBytes(3 * CHUNK));
    const frames = [0, 1].map((i) => sealed.subarray(HEADER + i * FRAME, HEADER + (i + 1) * FRAME));
    const swapped = Buffer.concat([
      sealed.subarray(0, HEADER),
      frames[1]!,
      frames[0]!,
      sealed.subarray(HEADER + 2 * FRAME),
    ]);
    await expect(open(swapped)).rejects.toThrow('backup chunk 0 failed authentication');
  });

  it('refuses bytes after the last chunk', async () => {
    const sealed = await seal(crypto.randomBytes(10));
    await expect(open(Buffer.concat([sealed, Buffer.from('tail')]))).rejects.toThrow(
      'data after its last chunk',
    );
  });

  it('names both keys when the configured one is not the backup’s', async () => {
    const sealed = await seal(Buffer.from('secret rows'));
    const other = backupKeyFrom(crypto.randomBytes(32).toString('base64'));
    await expect(open(sealed, other)).rejects.toThrow(
      `the backup was encrypted with backup key ${key.id}; the configured key is ${other.id}`,
    );
  });

  it('refuses a file that is not a backup at all', async () => {
    await expect(open(Buffer.from('PGDMP custom archive in clear'))).rejects.toThrow(
      'not a claimflow backup file',
    );
  });
});
