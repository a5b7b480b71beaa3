import { Connection } from '@temporalio/client';
import * as net from 'node:net';
import { Client, Pool } from 'pg';
import { freePort } from '../test/ops/support';
import { AppError } from './errors';
import { outageOf, toErrorBody } from './error.filter';

async function failure(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describe('answers for a dependency out of reach: 503, what is down, nothing of the error', () => {
  it('a Temporal that does not answer is "the workflow service", 503', async () => {
    // No retry interceptor: the client's own backoff would retry UNAVAILABLE for seconds.
    const connection = await Connection.lazy({
      address: `127.0.0.1:${await freePort()}`,
      interceptors: [],
    });
    try {
      const err = await failure(() => connection.workflowService.getSystemInfo({}));
      expect(outageOf(err)).toBe('workflow service');
      expect(toErrorBody(err)).toEqual([
        503,
        {
          error: {
            code: 'SERVICE_UNAVAILABLE',
            message: 'the workflow service is unavailable; try again shortly',
          },
        },
      ]);
    } finally {
      await connection.close();
    }
  });

  it('a PostgreSQL that refuses the connection is "the database", 503', async () => {
    const client = new Client({ host: '127.0.0.1', port: await freePort(), user: 'x' });
    const err = await failure(() => client.connect());
    expect(outageOf(err)).toBe('database');
    expect(toErrorBody(err)[0]).toBe(503);
    expect(JSON.stringify(toErrorBody(err))).not.toContain('ECONNREFUSED');
  });

  it('a pool that gets no connection in time is "the database", 503', async () => {
    // Accepts the connection and never answers, as a PostgreSQL that hangs would.
    const held: net.Socket[] = [];
    const server = net.createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const pool = new Pool({ host: '127.0.0.1', port, user: 'x', connectionTimeoutMillis: 200 });
    try {
      const err = await failure(() => pool.query('SELECT 1'));
      expect(outageOf(err)).toBe('database');
    } finally {
      await pool.end();
      for (const s of held) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it.each([
    [
      'a server shutting down',
      Object.assign(new Error('terminating connection'), { code: '57P01' }),
    ],
    ['a lost connection', Object.assign(new Error('connection failure'), { code: '08006' })],
  ])('reads SQLSTATE: %s is the database', (_what, err) => {
    expect(outageOf(err)).toBe('database');
  });

  it.each([
    ['a query error', Object.assign(new Error('syntax error at or near "x"'), { code: '42601' })],
    ['a plain bug', new TypeError('x is undefined')],
    ['an application error', new AppError('CONFLICT', 'taken', 409)],
  ])('leaves %s alone', (_what, err) => {
    expect(outageOf(err)).toBeUndefined();
    expect(toErrorBody(err)[0]).not.toBe(503);
  });
});
