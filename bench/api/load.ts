/**
 * The load generator, in a process of its own so it does not take the API's
 * event loop: autocannon with C keep-alive connections against one route,
 * each request signed with the next tenant's session token.
 *   node dist/bench/api/load.js '{"url":…,"tokens":[…],"connections":50,"seconds":10}'
 */
interface LoadInput {
  url: string;
  tokens: string[];
  connections: number;
  seconds: number;
}

interface Histogram {
  p50: number;
  p90: number;
  p97_5: number;
  p99: number;
  max: number;
}

interface AutocannonResult {
  latency: Histogram;
  requests: { total: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;

// autocannon ships no types; this is the part of its API the bench uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as LoadInput;
  let next = 0;
  const cpu0 = process.cpuUsage();
  const result = await autocannon({
    url: input.url,
    connections: input.connections,
    duration: input.seconds,
    requests: [
      {
        setupRequest: (req: { headers?: Record<string, string> }) => ({
          ...req,
          headers: {
            ...req.headers,
            authorization: `Bearer ${input.tokens[next++ % input.tokens.length]}`,
          },
        }),
      },
    ],
  });
  process.stdout.write(
    `${JSON.stringify({
      requests: result.requests.total,
      rps: Math.round(result.requests.average),
      p50ms: result.latency.p50,
      p90ms: result.latency.p90,
      p97_5ms: result.latency.p97_5,
      p99ms: result.latency.p99,
      maxMs: result.latency.max,
      errors: result.errors + result.timeouts + result.non2xx,
      loadCpuMs: cpuMs(process.cpuUsage(cpu0)),
    })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`load failed: ${(err as Error).message}\n`);
  process.exit(1);
});
