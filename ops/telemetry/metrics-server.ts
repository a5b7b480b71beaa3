import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { scrapeAllowed, type Metrics } from './metrics';

/**
 * The worker's /metrics (it has no API of its own), under the same rule as the
 * API's: the scrape token when configured, else open only outside production.
 */
export async function startMetricsServer(
  metrics: Metrics,
  opts: { host: string; port: number; token: string | undefined; production: boolean },
): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') return void res.writeHead(404).end();
    if (!scrapeAllowed(req.headers.authorization, opts))
      return void res.writeHead(opts.token ? 401 : 404).end();
    metrics.text().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
