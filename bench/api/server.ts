/**
 * One more API process for the bench, on the port the bench's own API listens
 * on (SO_REUSEPORT: the kernel spreads connections over the processes).
 *   node dist/bench/api/server.js '{"databaseUrl":…,"port":…,"poolSize":20}'
 */
import { connectTemporal, createApp } from '../../api/app';
import { loadConfig } from '../../ops/config';
import { createRuntime } from '../../ops/runtime';

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as {
    databaseUrl: string;
    port: number;
    poolSize: number;
  };
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: 'warn',
    DATABASE_URL: input.databaseUrl,
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
  });
  const runtime = createRuntime(config, { poolSize: input.poolSize });
  const { client } = await connectTemporal(config);
  const app = await createApp(config, runtime, client, false);
  await app.init();
  await new Promise<void>((resolve) =>
    app.getHttpServer().listen({ port: input.port, host: '127.0.0.1', reusePort: true }, resolve),
  );
  process.stdout.write('ready\n');
}

main().catch((err) => {
  process.stderr.write(`bench server failed: ${(err as Error).message}\n`);
  process.exit(1);
});
