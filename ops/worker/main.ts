import { loadConfig } from '../config';
import { createRuntime } from '../runtime';
import { reportFatal } from '../cli/report';
import { createWorker } from './worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const runtime = createRuntime(config);
  const { worker, connection } = await createWorker(config, runtime);
  // worker.run() resolves after shutdown() drains in-flight tasks (SIGINT/SIGTERM are handled by the SDK).
  await worker.run();
  await connection.close();
  await runtime.close();
}

main().catch(reportFatal('worker'));
