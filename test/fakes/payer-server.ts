import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSubmission {
  idempotencyKey: string;
  reference: string;
  bytes: number;
  withdrawn: boolean;
}

/**
 * A payer's appeal endpoint on 127.0.0.1: deduplicates by Idempotency-Key as a
 * well-behaved receiver does, and can be told to fail the next N calls.
 */
export async function startFakePayer() {
  const submissions = new Map<string, FakeSubmission>();
  let calls = 0;
  let failNext = 0;
  let failStatus = 500;
  let delayMs = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls++;
      const answer = () => {
        const key = String(req.headers['idempotency-key'] ?? '');
        if (failNext > 0) {
          failNext--;
          res.writeHead(failStatus).end(JSON.stringify({ error: 'unavailable' }));
          return;
        }
        const withdraw = /^\/appeals\/([^/]+)\/withdraw$/.exec(req.url ?? '');
        if (req.method === 'POST' && withdraw) {
          for (const s of submissions.values())
            if (s.reference === decodeURIComponent(withdraw[1]!)) s.withdrawn = true;
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
          return;
        }
        if (req.method !== 'POST' || req.url !== '/appeals' || !key) {
          res.writeHead(400).end('{}');
          return;
        }
        const existing = submissions.get(key) ?? {
          idempotencyKey: key,
          reference: `PAYER-${randomUUID().slice(0, 8)}`,
          bytes: Buffer.concat(chunks).length,
          withdrawn: false,
        };
        submissions.set(key, existing);
        res
          .writeHead(201, { 'content-type': 'application/json' })
          .end(JSON.stringify({ reference: existing.reference }));
      };
      if (delayMs) setTimeout(answer, delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    submissions,
    calls: () => calls,
    failNext(n: number, status = 500) {
      failNext = n;
      failStatus = status;
    },
    delay(ms: number) {
      delayMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type FakePayer = Awaited<ReturnType<typeof startFakePayer>>;
