// First: instrumentation must be in place before pg and http load.
import { tracing } from '../ops/telemetry/preload';
import { loadConfig } from '../ops/config';
import { reportFatal } from '../ops/cli/report';
import { createRuntime } from '../ops/runtime';
import { connectTemporal, createApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  const runtime = createRuntime(config);
  const { client, connection } = await connectTemporal(config, tracing);
  const app = await createApp(config, runtime, client);
  try {
    await app.listen(config.port, config.host);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw Object.assign(new Error(`port ${config.port} is taken: free it or set PORT`), {
        code: 'ENVIRONMENT',
      });
    }
    throw err;
  }
  const stop = async () => {
    await app.close();
    await connection.close();
    await runtime.close();
    await tracing.shutdown();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch(reportFatal('api'));
