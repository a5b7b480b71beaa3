/**
 * Streams one file the way the product does and prints claims, issues, seconds and peak RSS as
 * JSON. Run in its own process (with the node flags under test) so the RSS figure is this
 * parse's alone.
 *
 *   node [flags] dist/bench/x12/stream-rss.js <file> [stream835 | validate | parse]
 *
 * validate and parse run `claimflow x12 validate|parse <file>` (x12Command, what bin/claimflow
 * runs) with output to /dev/null; stream835 iterates the library's stream and drops each event.
 */
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { stream835 } from '../../x12';
import { x12Command } from '../../x12/cli';

/**
 * Peak RSS in kB of this process image. On Linux, getrusage's maxRSS survives execve, so a child
 * spawned by a big parent reports the parent's peak; /proc/self/status VmHWM does not.
 */
function peakRss(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}

async function viaLibrary(file: string): Promise<Record<string, number>> {
  let transactions = 0;
  let claims = 0;
  let issues = 0;
  for await (const ev of stream835(createReadStream(file, { highWaterMark: 1 << 20 }))) {
    if (ev.kind === 'transaction') {
      transactions++;
      claims += ev.transaction.claims.length;
    } else {
      issues++;
    }
  }
  return { transactions, claims, issues };
}

/** Replaces a stream's write to look at each chunk on its way to /dev/null. */
function tap(out: NodeJS.WritableStream, seen: (chunk: string) => void): NodeJS.WritableStream {
  const write = out.write.bind(out) as (chunk: string, cb?: () => void) => boolean;
  out.write = ((chunk: string, cb?: () => void) => {
    seen(String(chunk));
    return write(chunk, cb);
  }) as typeof out.write;
  return out;
}

async function viaCli(file: string, action: string): Promise<Record<string, number>> {
  let summary = '';
  let transactions = 0;
  const stdout = tap(createWriteStream('/dev/null'), (c) => {
    if (c.startsWith('\n{') || c.startsWith(',\n{')) transactions++;
  });
  const stderr = tap(createWriteStream('/dev/null'), (c) => (summary = c));
  const code = await x12Command([action, file], { stdin: Readable.from([]), stdout, stderr });
  if (code === 2) throw new Error(`x12 ${action} exited 2`);
  if (action === 'parse') return { transactions };
  // validate ends with "<file>: valid (T transactions, C claims, E errors, W warnings)".
  const m = /\((\d+) transactions, (\d+) claims, (\d+) errors, (\d+) warnings\)/.exec(summary);
  if (!m) throw new Error('x12 validate printed no summary');
  return { transactions: Number(m[1]), claims: Number(m[2]), issues: Number(m[3]) + Number(m[4]) };
}

async function main(file: string, mode: string): Promise<void> {
  const started = process.hrtime.bigint();
  const r = mode === 'stream835' ? await viaLibrary(file) : await viaCli(file, mode);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakRssMb = peakRss() / 1024;
  console.log(JSON.stringify({ ...r, seconds, peakRssMb }));
}

main(process.argv[2], process.argv[3] ?? 'stream835').catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
