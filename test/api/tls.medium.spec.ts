import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import type { INestApplication } from '@nestjs/common';
import { connectTemporal, createApp } from '../../api/app';
import { createRuntime, type Runtime } from '../../ops/runtime';
import { testConfig } from '../harness';

/** A throwaway self-signed certificate for 127.0.0.1 (openssl is part of the dev machines). */
function selfSigned(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

function handshake(port: number, ca: Buffer, opts: tls.ConnectionOptions) {
  return new Promise<string>((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca, ...opts }, () => {
      resolve(socket.getProtocol() ?? '');
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe('TLS when a certificate is configured', () => {
  let dir: string;
  let app: INestApplication;
  let runtime: Runtime;
  let close: () => Promise<void>;
  let port: number;
  let ca: Buffer;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimflow-tls-'));
    const { cert, key } = selfSigned(dir);
    ca = fs.readFileSync(cert);
    const config = testConfig({ TLS_CERT_FILE: cert, TLS_KEY_FILE: key });
    runtime = createRuntime(config, { poolSize: 2 });
    const { client, connection } = await connectTemporal(config);
    app = await createApp(config, runtime, client, false);
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as { port: number }).port;
    close = () => connection.close();
  });
  afterAll(async () => {
    await app?.close();
    await close?.();
    await runtime?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prefers TLS 1.3, still speaks 1.2, refuses 1.1, and sends HSTS', async () => {
    expect(await handshake(port, ca, {})).toBe('TLSv1.3');
    expect(await handshake(port, ca, { maxVersion: 'TLSv1.2' })).toBe('TLSv1.2');
    await expect(
      handshake(port, ca, {
        maxVersion: 'TLSv1.1',
        minVersion: 'TLSv1',
        ciphers: 'DEFAULT@SECLEVEL=0',
      }),
    ).rejects.toThrow();
    const hsts = await new Promise<string | undefined>((resolve, reject) => {
      https
        .get({ host: '127.0.0.1', port, path: '/', ca }, (res) => {
          res.resume();
          resolve(res.headers['strict-transport-security']);
        })
        .on('error', reject);
    });
    expect(hsts).toMatch(/max-age=31536000/);
  });
});
