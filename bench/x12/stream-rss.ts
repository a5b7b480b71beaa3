/**
 * Streams one file through stream835 and prints claims, issues, seconds and peak RSS as JSON.
 * Run in its own process so the RSS figure is this parser's alone.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { stream835 } from '../../x12';

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

async function main(file: string): Promise<void> {
  const started = process.hrtime.bigint();
  let claims = 0;
  let transactions = 0;
  let issues = 0;
  for await (const ev of stream835(createReadStream(file, { highWaterMark: 1 << 20 }))) {
    if (ev.kind === 'transaction') {
      transactions++;
      claims += ev.transaction.claims.length;
    } else {
      issues++;
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakRssMb = peakRss() / 1024;
  console.log(JSON.stringify({ transactions, claims, issues, seconds, peakRssMb }));
}

main(process.argv[2]).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
