/**
 * The bench's API: the real app over the bench database, listening on
 * 127.0.0.1 with SO_REUSEPORT so that further API processes (this file run on
 * its own, BENCH_API_PROCESSES) can share the port; the kernel spreads
 * connections over them.
 *   node dist/bench/api/server.js '{"databaseUrl":…,"port":…,"poolSize":20}'
 */
import { connectTemporal, createApp } from '../../api/app';
import { loadConfig } from '../../ops/config';
import { createRuntime } from '../../ops/runtime';

export async function startBenchApi(databaseUrl: string, port: number, poolSize: number) {
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
  });
  const runtime = createRuntime(config, { poolSize });
  const { client, connection } = await connectTemporal(config);
  const app = await createApp(config, runtime, client, false);
  await app.init();
  await new Promise<void>((resolve) =>
    app.getHttpServer().listen({ port, host: '127.0.0.1', reusePort: true }, resolve),
  );
  return {
    runtime,
    port: (app.getHttpServer().address() as { port: number }).port,
    async close() {
      await app.close();
      await connection.close();
      await runtime.close();
    },
  };
}

if (require.main === module) {
  const input = JSON.parse(process.argv[2] ?? '{}') as {
    databaseUrl: string;
    port: number;
    poolSize: number;
  };
  startBenchApi(input.databaseUrl, input.port, input.poolSize).then(
    () => process.stdout.write('ready\n'),
    (err: unknown) => {
      process.stderr.write(`bench server failed: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
