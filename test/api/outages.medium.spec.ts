import * as net from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import type { Tenant } from '../../db/schema';
import { signIn, startStack, type SignedIn, type TestStack } from '../harness';
import { freePort } from '../ops/support';

/**
 * The API on a real database whose Temporal cannot be reached: what needs the
 * workflow service answers 503 with Retry-After and says what is down; the
 * rest keeps working.
 */
describe('the API while Temporal is out of reach', () => {
  let stack: TestStack;
  let app: INestApplication;
  let connection: Connection;
  let tenant: Tenant;
  let ops: SignedIn;

  beforeAll(async () => {
    stack = await startStack();
    const port = await freePort();
    // No retry interceptor, so the refusal comes at once instead of after the client's backoff.
    connection = await Connection.lazy({ address: `127.0.0.1:${port}`, interceptors: [] });
    const unreachable = new Client({ connection, namespace: stack.config.temporal.namespace });
    app = await createApp(stack.config, stack.runtime, unreachable, false, { clock: stack.clock });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as net.AddressInfo;
    const here = { ...stack, baseUrl: `http://127.0.0.1:${address.port}` };
    tenant = await stack.newTenant();
    ops = await signIn(here, tenant, ['ops']);
  });
  afterAll(async () => {
    await app?.close();
    await connection?.close();
    await stack?.close();
  });

  it('answers 503 with Retry-After and names the workflow service, nothing of the error', async () => {
    const res = await ops.fetch('/workflows/failed');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toEqual({
      error: {
        code: 'SERVICE_UNAVAILABLE',
        message: 'the workflow service is unavailable; try again shortly',
      },
    });
  });

  it('still serves what needs only the database', async () => {
    expect((await ops.fetch('/auth/me')).status).toBe(200);
  });
});
