/**
 * `claimflow x12 parse <file|-> [--strict]` and `claimflow x12 validate <file> [--strict]`.
 * Exit codes: 0 valid, 1 the input has errors (positioned, on stderr), 2 usage.
 * parse streams the JSON out transaction by transaction, so a large file never sits in memory.
 */
import { createReadStream } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import { X12Error, formatIssue, type X12Issue } from './errors';
import { stream835 } from './parse';
import type { ParseOptions, Transaction835 } from './types';

export interface X12CommandIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Replaces the file system for `<file>` (tests). */
  readFile?: (path: string) => Promise<Uint8Array>;
}

const USAGE =
  'usage: claimflow x12 parse <file|-> [--strict]\n       claimflow x12 validate <file|-> [--strict]\n';

function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = out.write(text, (err) => (err ? reject(err) : undefined));
    if (ok) resolve();
    else out.once('drain', () => resolve());
  });
}

/** Claims go out in pieces of about this many characters. */
const PIECE = 64 * 1024;
const HOLE = '\u0000claims\u0000';
const CLAIMS_AT = `"claims":${JSON.stringify(HOLE)}`;

/**
 * Writes JSON.stringify(t) claim by claim: one string for a transaction of thousands of claims
 * is megabytes that V8 keeps in large-object space until its next full collection (measured in
 * bench/x12/README.md), so streaming a big file would hold many of them at once.
 */
async function writeTransaction(
  out: NodeJS.WritableStream,
  t: Transaction835,
  lead: string,
): Promise<void> {
  const shell = JSON.stringify({ ...t, claims: HOLE });
  const at = shell.indexOf(CLAIMS_AT);
  let piece = `${lead}${shell.slice(0, at)}"claims":[`;
  for (let i = 0; i < t.claims.length; i++) {
    piece += (i === 0 ? '' : ',') + JSON.stringify(t.claims[i]);
    if (piece.length >= PIECE) {
      await write(out, piece);
      piece = '';
    }
  }
  await write(out, `${piece}]${shell.slice(at + CLAIMS_AT.length)}`);
}

function openSource(
  file: string,
  io: X12CommandIo,
): AsyncIterable<Uint8Array | string> | NodeJS.ReadableStream {
  if (file === '-') return io.stdin;
  if (io.readFile) {
    const read = io.readFile;
    return (async function* () {
      yield await read(file);
    })();
  }
  return createReadStream(file, { highWaterMark: 1 << 20 });
}

export async function x12Command(args: string[], io: X12CommandIo): Promise<number> {
  const [action, ...rest] = args;
  const strict = rest.includes('--strict');
  const positional = rest.filter((a) => a !== '--strict');
  const unknown = positional.filter((a) => a.startsWith('-') && a !== '-');
  if (
    (action !== 'parse' && action !== 'validate') ||
    positional.length !== 1 ||
    unknown.length > 0
  ) {
    await write(io.stderr, USAGE);
    return 2;
  }
  const file = positional[0];
  const options: ParseOptions = { strict, fileName: file === '-' ? '<stdin>' : file };
  const issues: X12Issue[] = [];
  let first = true;
  let transactions = 0;
  let claims = 0;
  if (file !== '-' && !io.readFile) {
    try {
      await access(file, constants.R_OK);
    } catch (e) {
      await write(
        io.stderr,
        `${file}: cannot read file (${(e as NodeJS.ErrnoException).code})\n${USAGE}`,
      );
      return 2;
    }
  }
  if (action === 'parse') await write(io.stdout, '{"transactions":[');
  try {
    for await (const ev of stream835(openSource(file, io), options)) {
      if (ev.kind === 'issue') {
        issues.push(ev.issue);
        continue;
      }
      transactions++;
      claims += ev.transaction.claims.length;
      if (action === 'parse') {
        await writeTransaction(io.stdout, ev.transaction, first ? '\n' : ',\n');
        first = false;
      }
    }
  } catch (e) {
    if (e instanceof X12Error) {
      issues.push(e.toIssue());
    } else if (isMissingFile(e)) {
      await write(
        io.stderr,
        `${file}: cannot read file (${(e as NodeJS.ErrnoException).code})\n${USAGE}`,
      );
      return 2;
    } else {
      throw e;
    }
  }
  const errors = issues.filter((i) => i.severity === 'error').length;
  if (action === 'parse') {
    await write(io.stdout, `\n],"issues":${JSON.stringify(issues)}}\n`);
    for (const i of issues) await write(io.stderr, `${formatIssue(i)}\n`);
  } else {
    for (const i of issues) await write(io.stdout, `${formatIssue(i)}\n`);
    const summary = `${options.fileName}: ${errors === 0 ? 'valid' : 'invalid'} (${transactions} transactions, ${claims} claims, ${errors} errors, ${issues.length - errors} warnings)\n`;
    await write(io.stderr, summary);
  }
  return errors === 0 ? 0 : 1;
}

function isMissingFile(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES';
}
