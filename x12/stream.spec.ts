import { createReadStream, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { parse835, stream835, type Stream835Event } from './index';

const FIXTURES = path.resolve(__dirname, '../../shared/fixtures/x12-835/public');

async function collect(
  source: AsyncIterable<Uint8Array | string> | NodeJS.ReadableStream,
): Promise<Stream835Event[]> {
  const out: Stream835Event[] = [];
  for await (const ev of stream835(source)) out.push(ev);
  return out;
}

function split(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

describe('stream835', () => {
  const file = path.join(FIXTURES, 'tastypackets-x12-parser/profee-multiple.edi');
  const bytes = readFileSync(file);
  const whole = parse835(bytes);

  it('yields the same transactions and issues as parse835 from a file Readable', async () => {
    const events = await collect(createReadStream(file, { highWaterMark: 4096 }));
    expect(
      events
        .filter((e) => e.kind === 'transaction')
        .map((e) => (e.kind === 'transaction' ? e.transaction : null)),
    ).toEqual(whole.transactions);
    expect(
      events.filter((e) => e.kind === 'issue').map((e) => (e.kind === 'issue' ? e.issue : null)),
    ).toEqual(whole.issues);
  });

  it.each([1, 7, 105, 106, 107, 1000])(
    'gives the same result whatever the chunk size (%i bytes)',
    async (size) => {
      const events = await collect(Readable.from(split(bytes.subarray(0, 20000), size)));
      const expected = parse835(bytes.subarray(0, 20000));
      expect(events.filter((e) => e.kind === 'transaction')).toHaveLength(
        expected.transactions.length,
      );
      expect(events.flatMap((e) => (e.kind === 'issue' ? [e.issue] : []))).toEqual(expected.issues);
    },
  );

  it('accepts string chunks, including UTF-8 text split inside a character', async () => {
    const text = readFileSync(
      path.join(FIXTURES, 'linuxforhealth-x12/managed-care.835'),
      'latin1',
    ).replace('RUSHMORE LIFE', 'RÜSHMÖRE LIFE');
    const utf8 = Buffer.from(text, 'utf8');
    const cut = utf8.indexOf(Buffer.from('Ü')) + 1;
    const events = await collect(Readable.from([utf8.subarray(0, cut), utf8.subarray(cut)]));
    const tx = events.find((e) => e.kind === 'transaction');
    expect(tx?.kind === 'transaction' && tx.transaction.payer.name).toBe('RÜSHMÖRE LIFE');
    const fromString = parse835(text);
    expect(fromString.transactions[0].payer.name).toBe('RÜSHMÖRE LIFE');
    expect(fromString.issues).toEqual(parse835(utf8).issues);
  });

  it('yields each transaction before reading the rest of the input', async () => {
    let pulled = 0;
    async function* chunks() {
      for (const c of split(bytes, 2048)) {
        pulled++;
        yield c;
      }
    }
    const it = stream835(chunks())[Symbol.asyncIterator]();
    let ev = await it.next();
    while (!ev.done && ev.value.kind !== 'transaction') ev = await it.next();
    expect(ev.done).toBe(false);
    expect(pulled).toBeLessThan(5);
    await it.return?.(undefined);
  });

  it('reports a truncated stream with the byte offset where it ended', async () => {
    const cut = bytes.subarray(0, 5000);
    const events = await collect(Readable.from(split(cut, 999)));
    const issue = events.find((e) => e.kind === 'issue' && e.issue.code === 'X12_MISSING_TRAILER');
    expect(issue?.kind === 'issue' && issue.issue.position.byteOffset).toBe(5000);
  });
});
