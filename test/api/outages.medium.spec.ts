import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import type { Tenant } from '../../db/schema';
import {
  eventually,
  FIXTURES,
  signIn,
  startStack,
  type SignedIn,
  type TestStack,
} from '../harness';
import { freePort } from '../ops/support';

/**
 * The API on a real database whose Temporal cannot be reached: what needs the
 * workflow service answers 503 with Retry-After and says what is down; the
 * rest keeps working, and an upload it could not start is kept for the next try.
 */
/** What the API answers for anything that needs Temporal: the service named, nothing of the error. */
const UNAVAILABLE = {
  error: {
    code: 'SERVICE_UNAVAILABLE',
    message: 'the workflow service is unavailable; try again shortly',
  },
};

describe('the API while Temporal is out of reach', () => {
  let stack: TestStack;
  let app: INestApplication;
  let connection: Connection;
  let tenant: Tenant;
  let ops: SignedIn;
  let specialist: SignedIn;
  let downUrl: string;

  beforeAll(async () => {
    // The stack's own API reaches Temporal: the upload is tried again there.
    stack = await startStack({ api: true });
    const port = await freePort();
    // No retry interceptor, so the refusal comes at once instead of after the client's backoff.
    connection = await Connection.lazy({ address: `127.0.0.1:${port}`, interceptors: [] });
    const unreachable = new Client({ connection, namespace: stack.config.temporal.namespace });
    app = await createApp(stack.config, stack.runtime, unreachable, false, { clock: stack.clock });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as net.AddressInfo;
    downUrl = `http://127.0.0.1:${address.port}`;
    const here = { ...stack, baseUrl: downUrl };
    tenant = await stack.newTenant();
    ops = await signIn(here, tenant, ['ops']);
    specialist = await signIn(here, tenant, ['appeal_specialist']);
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
    expect(await res.json()).toEqual(UNAVAILABLE);
  });

  it('still serves what needs only the database', async () => {
    expect((await ops.fetch('/auth/me')).status).toBe(200);
  });

  it('keeps an upload whose ingestion it could not start, and starts it when the file comes again', async () => {
    const bytes = fs.readFileSync(path.join(FIXTURES, 'tastypackets-x12-parser/profee.edi'));
    const send = (baseUrl: string) => {
      const form = new FormData();
      form.append('file', new Blob([bytes]), 'profee.edi');
      return fetch(`${baseUrl}/remittances`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${specialist.token}` },
      });
    };
    const down = await send(downUrl);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(await down.json()).toEqual(UNAVAILABLE);
    const stored = await stack.ownerDb
      .selectFrom('remittance_files')
      .select(['id', 'status'])
      .where('tenant_id', '=', tenant.id)
      .execute();
    expect(stored).toEqual([{ id: expect.any(String), status: 'received' }]);

    const again = await send(stack.baseUrl);
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ id: stored[0]!.id, duplicate: true });
    const processed = await eventually('the kept upload processed', async () => {
      const res = await specialist.fetch(`/remittances/${stored[0]!.id}`);
      const body = (await res.json()) as { status: string; claimCount: number };
      return body.status === 'processed' ? body : undefined;
    });
    expect(processed.claimCount).toBe(3);
  });
});
