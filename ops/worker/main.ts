// First: instrumentation must be in place before pg and http load.
import { tracing } from '../telemetry/preload';
import { ensureBackupSchedule } from '../backup/backup-schedule';
import { reportFatal } from '../cli/report';
import { loadConfig } from '../config';
import { createRuntime } from '../runtime';
import { createLogger } from '../telemetry/logger';
import { Metrics } from '../telemetry/metrics';
import { startMetricsServer } from '../telemetry/metrics-server';
import { connectTemporal } from '../temporal/client';
import { createWorker } from './worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config, 'worker');
  const metrics = new Metrics('worker');
  const runtime = createRuntime(config);
  const { worker, connection } = await createWorker(config, runtime, {
    telemetry: { tracing, metrics },
  });
  // A taken port costs the metrics, never the work (several workers may share a host).
  const scrape = config.metrics.workerPort
    ? await startMetricsServer(metrics, {
        host: config.host,
        port: config.metrics.workerPort,
        token: config.metrics.token,
        production: config.env === 'production',
      }).catch((err: unknown) => {
        log.warn({ err, port: config.metrics.workerPort }, 'worker metrics not served');
        return undefined;
      })
    : undefined;
  if (scrape) log.info({ port: scrape.port }, 'worker metrics listening');
  // Every replica makes sure the daily backup schedule matches BACKUP_CRON (tests manage schedules of
  // their own, never the shared one); a failure here must not stop the work.
  if (config.env !== 'test') {
    const { client, connection: clientConnection } = await connectTemporal(config, tracing);
    try {
      log.info(await ensureBackupSchedule(client, config), 'backup schedule');
    } catch (err) {
      log.warn({ err }, 'backup schedule not updated');
    } finally {
      await clientConnection.close();
    }
  }
  // worker.run() resolves after shutdown() drains in-flight tasks (SIGINT/SIGTERM are handled by the SDK).
  await worker.run();
  await scrape?.close();
  await connection.close();
  await runtime.close();
  await tracing.shutdown();
}

main().catch(reportFatal('worker'));
