import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../config';
import { ensurePostgres } from './postgres';
import { EnvironmentError } from './process';
import { checkDataLayout, DATA_LAYOUT_VERSION } from './stack';
import { ensureTemporal } from './temporal';

/** A port held by something that is not the service claimflow expects. */
async function occupiedPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.end('hello\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('a bad environment gives one clear line and deletes nothing', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimflow-env-'));
    fs.chmodSync(dataDir, 0o755); // as a checkout is: the unprivileged PostgreSQL user must reach it
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('names an unreachable DATABASE_URL and how to fix it', async () => {
    const { port, close } = await occupiedPort();
    await close(); // now nothing listens there
    const config = loadConfig({
      DATABASE_URL: `postgres://x@127.0.0.1:${port}/claimflow`,
      CLAIMFLOW_DATA_DIR: dataDir,
    });
    await expect(ensurePostgres(config)).rejects.toThrow(
      new EnvironmentError(
        `PostgreSQL at 127.0.0.1:${port} (DATABASE_URL) is unreachable: start it or fix DATABASE_URL`,
      ),
    );
  });

  it('refuses a Temporal port taken by something else', async () => {
    const { port, close } = await occupiedPort();
    try {
      const config = loadConfig({ TEMPORAL_PORT: String(port), CLAIMFLOW_DATA_DIR: dataDir });
      await expect(ensureTemporal(config, () => undefined)).rejects.toThrow(
        `port ${port} is taken by something that is not a Temporal server with namespace "claimflow": free it or set TEMPORAL_PORT`,
      );
    } finally {
      await close();
    }
  });

  it('names an unreachable TEMPORAL_ADDRESS', async () => {
    const { port, close } = await occupiedPort();
    await close();
    const config = loadConfig({
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      CLAIMFLOW_DATA_DIR: dataDir,
    });
    await expect(ensureTemporal(config, () => undefined)).rejects.toThrow(
      /TEMPORAL_ADDRESS\) is unreachable/,
    );
  });

  it('refuses a .data written by another layout version and leaves it in place', () => {
    const layout = path.join(dataDir, 'layout.json');
    const precious = path.join(dataDir, 'temporal.db');
    fs.writeFileSync(layout, JSON.stringify({ layoutVersion: DATA_LAYOUT_VERSION + 1 }));
    fs.writeFileSync(precious, 'state');
    const config = loadConfig({ CLAIMFLOW_DATA_DIR: dataDir });
    expect(() => checkDataLayout(config)).toThrow(
      /written by another claimflow version .*nothing was deleted/,
    );
    expect(fs.readFileSync(precious, 'utf8')).toBe('state');
  });

  it('accepts a fresh data directory and records its layout', () => {
    const config = loadConfig({ CLAIMFLOW_DATA_DIR: dataDir });
    checkDataLayout(config);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'layout.json'), 'utf8'))).toEqual({
      layoutVersion: DATA_LAYOUT_VERSION,
    });
    expect(() => checkDataLayout(config)).not.toThrow();
  });

  it('refuses an embedded cluster of another PostgreSQL major version', async () => {
    const config = loadConfig({ CLAIMFLOW_DATA_DIR: dataDir, PG_PORT: '1' });
    fs.mkdirSync(path.join(dataDir, 'pg'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'pg', 'PG_VERSION'), '9\n');
    await expect(ensurePostgres(config)).rejects.toThrow(
      /holds a PostgreSQL 9 cluster .*nothing was deleted/,
    );
    expect(fs.existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
  });
});
