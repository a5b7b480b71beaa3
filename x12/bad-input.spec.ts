// Bad input ends in a typed, positioned error or issue, in bounded time, never a crash.
import { Readable } from 'node:stream';
import { X12Error, parse835, stream835, type Stream835Event } from './index';
import { prng, randomTransaction, renderInterchange } from './testing/synthetic-835';

const D = { element: '*', component: ':', repetition: '^', segment: '~' };
const VALID = renderInterchange([randomTransaction(prng(1), '0001', 3)], D, '1', true);

function thrown(fn: () => unknown): X12Error {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(X12Error);
    return e as X12Error;
  }
  throw new Error('expected an X12Error');
}

async function collect(
  source: AsyncIterable<Uint8Array | string> | NodeJS.ReadableStream,
): Promise<Stream835Event[]> {
  const out: Stream835Event[] = [];
  for await (const ev of stream835(source)) out.push(ev);
  return out;
}

describe('input that is not X12 at all', () => {
  it('rejects empty input with X12_EMPTY at byte 0', () => {
    const e = thrown(() => parse835(''));
    expect(e.code).toBe('X12_EMPTY');
    expect(e.position).toMatchObject({ segmentIndex: 0, byteOffset: 0 });
  });

  it('rejects whitespace-only input with X12_EMPTY', () => {
    expect(thrown(() => parse835(' \r\n\n ')).code).toBe('X12_EMPTY');
  });

  it('rejects garbage text with X12_NO_INTERCHANGE', () => {
    expect(thrown(() => parse835('hello, this is not an 835 file\n')).code).toBe(
      'X12_NO_INTERCHANGE',
    );
  });

  it('rejects a binary file with X12_BINARY', () => {
    const bytes = Buffer.alloc(4096);
    const rand = prng(7);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rand() * 256);
    bytes[10] = 0;
    expect(thrown(() => parse835(bytes)).code).toBe('X12_BINARY');
  });

  it('rejects binary without NUL bytes with X12_BINARY', () => {
    const bytes = Buffer.from(Array.from({ length: 600 }, (_, i) => 0x80 + (i % 120)));
    expect(thrown(() => parse835(bytes)).code).toBe('X12_BINARY');
  });

  it('rejects UTF-16 with a byte order mark with X12_UTF16', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(VALID, 'utf16le')]);
    expect(thrown(() => parse835(bytes)).code).toBe('X12_UTF16');
  });

  it('rejects UTF-16 without a byte order mark with X12_UTF16', () => {
    expect(thrown(() => parse835(Buffer.from(VALID, 'utf16le'))).code).toBe('X12_UTF16');
  });

  it('rejects an ISA too short to hold delimiters with X12_BAD_ISA', () => {
    expect(thrown(() => parse835('ISA*00*')).code).toBe('X12_BAD_ISA');
  });

  it('puts the file name in the thrown position', () => {
    const e = thrown(() => parse835('', { fileName: 'empty.835' }));
    expect(e.position.fileName).toBe('empty.835');
    expect(e.message).toBe('empty.835: segment 0 (?) byte 0: input is empty');
  });

  it('throws the same typed error from the stream', async () => {
    await expect(collect(Readable.from([Buffer.alloc(0)]))).rejects.toMatchObject({
      code: 'X12_EMPTY',
    });
  });
});

describe('damaged 835s', () => {
  it('reads what is there in a truncated file and reports the missing trailers', () => {
    const cut = VALID.slice(0, Math.floor(VALID.length * 0.6));
    const r = parse835(cut);
    expect(r.transactions).toHaveLength(1);
    expect(r.transactions[0].valid).toBe(false);
    expect(r.transactions[0].claims.length).toBeGreaterThan(0);
    const codes = r.issues.map((i) => i.code);
    expect(codes).toContain('X12_MISSING_TRAILER');
    const missingSe = r.issues.find((i) => i.message.startsWith('input ends inside a transaction'));
    expect(missingSe?.position.byteOffset).toBe(Buffer.byteLength(cut));
  });

  it('reports a wrong SE count with the expected and actual numbers', () => {
    const bad = VALID.replace(/SE\*(\d+)\*/, (_, n) => `SE*${Number(n) + 5}*`);
    const r = parse835(bad);
    const issue = r.issues.find((i) => i.code === 'X12_COUNT_MISMATCH');
    expect(issue?.position).toMatchObject({
      segmentId: 'SE',
      element: 1,
      transactionControlNumber: '0001',
    });
    expect(issue?.message).toMatch(/^SE01 says \d+ segments, the transaction has \d+$/);
    expect(r.transactions).toHaveLength(1);
  });

  it('reports mismatched ISA/IEA, GS/GE and ST/SE control numbers', () => {
    const bad = VALID.replace(/IEA\*1\*\d+/, 'IEA*1*000000999')
      .replace(/GE\*1\*1/, 'GE*1*7')
      .replace(/SE\*(\d+)\*0001/, 'SE*$1*0002');
    const codes = parse835(bad).issues.map((i) => `${i.code}:${i.position.segmentId}`);
    expect(codes).toEqual([
      'X12_CONTROL_NUMBER_MISMATCH:SE',
      'X12_CONTROL_NUMBER_MISMATCH:GE',
      'X12_CONTROL_NUMBER_MISMATCH:IEA',
    ]);
  });

  it('reports a ten-megabyte element with segment number, id, element and byte offset, then goes on', () => {
    const at = VALID.indexOf('N1*PR*') + 'N1*PR*'.length;
    const huge = VALID.slice(0, at) + 'A'.repeat(10 * 1024 * 1024) + VALID.slice(at);
    const started = Date.now();
    const r = parse835(huge);
    expect(Date.now() - started).toBeLessThan(5000);
    const issue = r.issues.find((i) => i.code === 'X12_SEGMENT_TOO_LONG');
    expect(issue?.position).toMatchObject({ segmentId: 'N1', element: 2, byteOffset: at });
    expect(issue?.position.segmentIndex).toBe(VALID.slice(0, at).split('~').length);
    expect(issue?.message).not.toContain('AAAA');
    expect(r.transactions).toHaveLength(1);
  });

  it('reports a ten-megabyte element arriving in small stream chunks without buffering it', async () => {
    const at = VALID.indexOf('N1*PR*') + 'N1*PR*'.length;
    async function* chunks() {
      yield VALID.slice(0, at);
      for (let i = 0; i < 160; i++) yield 'B'.repeat(65536);
      yield VALID.slice(at);
    }
    const events = await collect(chunks());
    const issue = events.find((e) => e.kind === 'issue' && e.issue.code === 'X12_SEGMENT_TOO_LONG');
    expect(issue).toMatchObject({
      issue: { position: { segmentId: 'N1', element: 2, byteOffset: at } },
    });
    expect(events.filter((e) => e.kind === 'transaction')).toHaveLength(1);
  });

  it('stops after maxErrors on a long run of garbage segments', () => {
    const garbage = VALID.replace('N1*PR', `${'zz#~'.repeat(50000)}N1*PR`);
    const r = parse835(garbage, { maxErrors: 100 });
    expect(r.issues.at(-1)?.code).toBe('X12_TOO_MANY_ISSUES');
    expect(r.issues.length).toBeLessThanOrEqual(102);
  });

  it('returns the good transaction when another one in the file is not an 835', () => {
    const second = renderInterchange([randomTransaction(prng(2), '0002', 2)], D, '2').replace(
      'ST*835*0002',
      'ST*837*0002',
    );
    const r = parse835(VALID + second);
    expect(r.transactions.map((t) => t.controlNumber)).toEqual(['0001']);
    expect(r.issues.map((i) => i.code)).toContain('X12_NOT_835');
  });

  it('drops a transaction without BPR and reports it, keeping the good one', () => {
    const second = renderInterchange([randomTransaction(prng(3), '0002', 2)], D, '2').replace(
      /BPR\*[^~]*~/,
      '',
    );
    const r = parse835(VALID + second);
    expect(r.transactions.map((t) => t.controlNumber)).toEqual(['0001']);
    expect(
      r.issues.find((i) => i.code === 'X12_TRANSACTION_UNREADABLE')?.position
        .transactionControlNumber,
    ).toBe('0002');
  });

  it('reports an amount with three decimals or letters as X12_INVALID_AMOUNT at its element', () => {
    const r = parse835(VALID.replace(/CLP\*([^*]*)\*([^*]*)\*[^*]*\*/, 'CLP*$1*$2*12.345*'));
    const issue = r.issues.find((i) => i.code === 'X12_INVALID_AMOUNT');
    expect(issue?.position).toMatchObject({ segmentId: 'CLP', element: 3 });
    const r2 = parse835(VALID.replace(/BPR\*I\*[^*]*/, 'BPR*I*12A'));
    expect(r2.issues.find((i) => i.code === 'X12_INVALID_AMOUNT')?.position).toMatchObject({
      segmentId: 'BPR',
      element: 2,
    });
  });

  it('reports segments out of place and unknown segment ids', () => {
    const r = parse835(
      VALID.replace('LX*1~', 'LX*1~SVC*HC:1*1*1~ZZZ*1~').replace('TRN*', 'lower*1~TRN*'),
    );
    const codes = r.issues.map((i) => `${i.code}:${i.position.segmentId}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        'X12_INVALID_SEGMENT_ID:?',
        'X12_UNEXPECTED_SEGMENT:SVC',
        'X12_UNEXPECTED_SEGMENT:ZZZ',
      ]),
    );
  });

  it('never puts element values into messages', () => {
    const r = parse835(
      VALID.replace(/NM1\*QC\*1\*[A-Z]+/, 'NM1*QX*1*SECRETNAME').replace(
        /CLP\*([^*]*)\*[^*]*\*/,
        'CLP*$1*77*',
      ),
    );
    expect(r.issues.length).toBeGreaterThan(0);
    for (const i of r.issues) expect(i.message).not.toMatch(/SECRETNAME|PCN/);
  });

  it('reports a GS outside any interchange and an SE without ST', () => {
    const r = parse835(VALID + 'GS*HP*A*B*20240101*1200*9*X*005010X221A1~SE*2*9~GE*0*9~');
    const codes = r.issues.map((i) => `${i.code}:${i.position.segmentId}`);
    expect(codes).toEqual(['X12_UNEXPECTED_SEGMENT:GS', 'X12_UNEXPECTED_SEGMENT:SE']);
  });

  it('reports a component separator other than ISA16 once, in SVC06 as in SVC01', () => {
    const bad = VALID.replace(
      /SVC\*HC:(\w+)\*([^*~]*)\*([^*~]*)\*\*1/,
      'SVC*HC:$1*$2*$3**1*HC>99214',
    );
    const r = parse835(bad);
    const mismatches = r.issues.filter((i) => i.code === 'X12_COMPONENT_SEPARATOR_MISMATCH');
    expect(mismatches.map((i) => `${i.position.segmentId}:${i.position.element}`)).toEqual([
      'SVC:6',
    ]);
    const originals = r.transactions[0].claims
      .flatMap((c) => c.services)
      .flatMap((s) => (s.originalProcedure ? [s.originalProcedure] : []));
    expect(originals).toEqual([{ qualifier: 'HC', code: '99214', modifiers: [] }]);
  });

  it('keeps bytes that are not valid UTF-8 one character per byte, never U+FFFD', () => {
    // F0 9F 98 starts a 4-byte sequence that "A" cuts short.
    const at = VALID.indexOf('N1*PR*') + 'N1*PR*'.length;
    const bytes = Buffer.concat([
      Buffer.from(VALID.slice(0, at), 'latin1'),
      Buffer.from([0xf0, 0x9f, 0x98, 0x41]),
      Buffer.from(VALID.slice(at), 'latin1'),
    ]);
    const r = parse835(bytes);
    expect(r.transactions[0].payer.name).toBe('\u00f0\u009f\u0098ASYNTHETIC PAYER');
    const valid = Buffer.concat([
      Buffer.from(VALID.slice(0, at), 'latin1'),
      Buffer.from('Ü', 'utf8'),
      Buffer.from(VALID.slice(at), 'latin1'),
    ]);
    expect(parse835(valid).transactions[0].payer.name).toBe('ÜSYNTHETIC PAYER');
  });

  it('reports ISA only, with no transaction, as X12_NO_TRANSACTION', () => {
    const isaOnly = VALID.slice(0, VALID.indexOf('GS*'));
    const r = parse835(isaOnly);
    expect(r.transactions).toEqual([]);
    expect(r.issues.map((i) => i.code)).toEqual(['X12_MISSING_TRAILER', 'X12_NO_TRANSACTION']);
  });
});
