import { isAscii } from 'node:buffer';
import { X12Error, type X12Issue } from './errors';
import { Parser835 } from './parser-835';
import type { SegmentScanner } from './segment-scanner';
import type { ParseOptions, Parse835Result, Stream835Event, Transaction835 } from './types';

const NON_ASCII = /[\u0080-\uffff]/;
/** Bytes decoded at a time by stream835. */
const PIECE = 64 * 1024;

/**
 * Hands input to the scanner as text whose character indexes are byte offsets (see
 * segment-scanner.ts), saying whether it is all ASCII so the scanner need not look again.
 */
function pushInput(scanner: SegmentScanner, input: string | Uint8Array): void {
  if (typeof input === 'string') {
    if (NON_ASCII.test(input)) {
      const utf8 = Buffer.from(input, 'utf8');
      scanner.push(utf8.toString('latin1'), utf8, false);
    } else {
      scanner.push(input, Buffer.from(input, 'latin1'), true);
    }
    return;
  }
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  scanner.push(bytes.toString('latin1'), bytes, isAscii(bytes));
}

function withFile(e: unknown, options: ParseOptions): unknown {
  if (
    e instanceof X12Error &&
    options.fileName !== undefined &&
    e.position.fileName === undefined
  ) {
    return new X12Error(e.code, e.reason, { ...e.position, fileName: options.fileName });
  }
  return e;
}

/**
 * Parses a whole 835 held in memory. Never throws on bad content: problems come back as
 * positioned issues and every readable transaction is returned. Throws X12Error only when the
 * input is not X12 text at all (empty, binary, UTF-16, no ISA/GS/ST at the start).
 */
export function parse835(input: string | Uint8Array, options: ParseOptions = {}): Parse835Result {
  const transactions: Transaction835[] = [];
  const issues: X12Issue[] = [];
  const parser = new Parser835(
    (t) => transactions.push(t),
    (i) => issues.push(i),
    options,
  );
  try {
    pushInput(parser.scanner, input);
    parser.scanner.end();
  } catch (e) {
    throw withFile(e, options);
  }
  parser.finish();
  return { transactions, issues };
}

/**
 * Streams an 835 from a Readable or any async iterable of chunks, yielding each issue as it is
 * found and each transaction when its SE is read. Memory is bounded by the largest transaction
 * plus one segment: chunks are pulled only as the consumer asks for events.
 */
export async function* stream835(
  source: AsyncIterable<Uint8Array | string> | NodeJS.ReadableStream,
  options: ParseOptions = {},
): AsyncGenerator<Stream835Event, void, undefined> {
  const queue: Stream835Event[] = [];
  const parser = new Parser835(
    (transaction) => queue.push({ kind: 'transaction', transaction }),
    (issue) => queue.push({ kind: 'issue', issue }),
    options,
  );
  const iterable = source as AsyncIterable<Uint8Array | string>;
  for await (const chunk of iterable) {
    try {
      if (typeof chunk !== 'string' && chunk.byteLength > PIECE) {
        // Decoded whole, a chunk of about 1 MB or more becomes an external (malloc'd) string
        // that outlives the young generation; pieces stay ordinary, quickly collected strings.
        for (let at = 0; at < chunk.byteLength && !parser.stopped; at += PIECE) {
          pushInput(parser.scanner, chunk.subarray(at, at + PIECE));
        }
      } else {
        pushInput(parser.scanner, chunk);
      }
    } catch (e) {
      throw withFile(e, options);
    }
    for (let i = 0; i < queue.length; i++) yield queue[i];
    queue.length = 0;
    if (parser.stopped) break;
  }
  try {
    parser.scanner.end();
  } catch (e) {
    throw withFile(e, options);
  }
  parser.finish();
  for (let i = 0; i < queue.length; i++) yield queue[i];
}
