import { createHash, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Client, Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import * as OTPAuth from 'otpauth';
import { createDatabase, type Database } from '../db/database';
import { ApiKeyRepository } from '../db/repositories/api-key.repository';
import { TenantRepository } from '../db/repositories/tenant.repository';
import { UserRepository } from '../db/repositories/user.repository';
import type { RoleName, Tenant } from '../db/schema';
import { inTenant } from '../db/unit-of-work';
import { connectTemporal, createApp } from '../api/app';
import type { Clock } from '../api/clock';
import { hashPassword, secret, sha256 } from '../api/passwords';
import { loadConfig, type Config } from '../ops/config';
import { createRuntime, type Runtime } from '../ops/runtime';
import { createWorker } from '../ops/worker/worker';

export const FIXTURES = path.resolve(__dirname, '../../shared/fixtures/x12-835/public');

function required(name: string): string {
  const v = process.env[name];
  if (!v)
    throw new Error(`${name} is unset: run medium specs through jest (global setup provides it)`);
  return v;
}

/**
 * A fixed key for tests only (derived, never used outside tests) so recorded
 * workflow histories stay decodable on any machine that replays them.
 */
export const TEST_MASTER_KEY = createHash('sha256')
  .update('claimflow synthetic test key')
  .digest('base64');

/** The run's config: its own database, and a task queue of its own per stack. */
export function testConfig(env: NodeJS.ProcessEnv = {}): Config {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: required('CLAIMFLOW_TEST_DATABASE_URL'),
    TEMPORAL_ADDRESS: required('CLAIMFLOW_TEST_TEMPORAL_ADDRESS'),
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    REVIEW_TIMEOUT: '10m',
    CLAIMFLOW_MASTER_KEY: TEST_MASTER_KEY,
    // Many sign-ins from 127.0.0.1 per spec; the rate-limit spec sets its own.
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    ...env,
  });
}

/** The API's clock in tests: real time plus an offset the test moves forward. */
export class TestClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface TestStack {
  config: Config;
  clock: TestClock;
  runtime: Runtime;
  ownerDb: Database;
  temporal: Client;
  worker: Worker;
  app?: INestApplication;
  baseUrl: string;
  newTenant(slug?: string): Promise<Tenant>;
  close(): Promise<void>;
}

/** Real PostgreSQL, real Temporal, a real worker and (optionally) the real API on a free port. */
export async function startStack(
  opts: { api?: boolean; env?: NodeJS.ProcessEnv; logger?: 'quiet' | 'default' } = {},
): Promise<TestStack> {
  const config = testConfig(opts.env);
  const clock = new TestClock();
  const runtime = createRuntime(config, { poolSize: 5 });
  const ownerDb = createDatabase(config.database.url!, { max: 2 });
  const { client: temporal, connection }: { client: Client; connection: Connection } =
    await connectTemporal(config);
  const { worker, connection: workerConnection } = await createWorker(config, runtime, {
    workflowBundlePath: required('CLAIMFLOW_TEST_WORKFLOW_BUNDLE'),
  });
  const running = worker.run();
  let app: INestApplication | undefined;
  let baseUrl = '';
  if (opts.api) {
    app = await createApp(
      config,
      runtime,
      temporal,
      opts.logger === 'default' ? undefined : false,
      {
        clock,
      },
    );
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    baseUrl = `http://127.0.0.1:${address.port}`;
  }
  return {
    config,
    clock,
    runtime,
    ownerDb,
    temporal,
    worker,
    app,
    baseUrl,
    newTenant: (slug = `t-${randomUUID().slice(0, 8)}`) =>
      TenantRepository.create(ownerDb, slug, `Tenant ${slug}`),
    async close() {
      await app?.close();
      worker.shutdown();
      await running;
      await workerConnection.close();
      await connection.close();
      await runtime.close();
      await ownerDb.destroy();
    },
  };
}

export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(
    `${what} did not happen within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`,
  );
}

export const TEST_PASSWORD = 'violet-harbour-lantern-42';

export interface SignedIn {
  userId: string;
  email: string;
  token: string;
  /** The TOTP secret, for specs that need another code. */
  totpSecret: string;
  /** fetch with the session's bearer token. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

export function totpCode(totpSecret: string, at: Date): string {
  return OTPAuth.TOTP.generate({
    secret: OTPAuth.Secret.fromBase32(totpSecret),
    timestamp: at.getTime(),
  });
}

/** Creates an active user with the roles and a password (straight through the repositories). */
export async function createUser(
  stack: TestStack,
  tenantId: string,
  roles: RoleName[],
  email = `u-${randomUUID().slice(0, 8)}@example.test`,
): Promise<{ userId: string; email: string }> {
  const passwordHash = await hashPassword(TEST_PASSWORD);
  const userId = await inTenant(
    stack.runtime.db,
    { tenantId, actor: 'system:test' },
    async (tx) => {
      const users = new UserRepository(tx);
      const user = await users.create(
        tenantId,
        { email, displayName: 'Test User', role: roles[0]! },
        'system:test',
      );
      for (const role of roles.slice(1)) await users.grant(tenantId, user.id, role, 'system:test');
      await users.activate(user.id, passwordHash, new Date());
      return user.id;
    },
  );
  return { userId, email };
}

function authedFetch(stack: TestStack, token: string) {
  return (p: string, init: RequestInit = {}) =>
    fetch(`${stack.baseUrl}${p}`, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
    });
}

/**
 * A user with the roles, a password, and TOTP enrolled and verified through
 * the real API (login, enrol, verify): the session can reach what its roles may.
 */
export async function signIn(
  stack: TestStack,
  tenant: Tenant,
  roles: RoleName[],
  opts: { mfa?: boolean } = {},
): Promise<SignedIn> {
  const { userId, email } = await createUser(stack, tenant.id, roles);
  const post = async (p: string, body: unknown, token?: string) => {
    const res = await fetch(`${stack.baseUrl}${p}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${p} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const { token } = (await post('/auth/login', {
    tenant: tenant.slug,
    email,
    password: TEST_PASSWORD,
  })) as { token: string };
  const { secret: totpSecret } = (await post('/auth/mfa/enrol', {}, token)) as { secret: string };
  if (opts.mfa !== false)
    await post('/auth/mfa/verify', { code: totpCode(totpSecret, stack.clock.now()) }, token);
  return { userId, email, token, totpSecret, fetch: authedFetch(stack, token) };
}

/** A live API key for service-to-service calls, stored hashed as the API stores it. */
export async function createApiKey(
  stack: TestStack,
  tenantId: string,
  role: RoleName,
  scopes: string[] = [],
): Promise<{
  id: string;
  key: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
}> {
  const prefix = secret(6);
  const raw = secret();
  const row = await inTenant(stack.runtime.db, { tenantId, actor: 'system:test' }, (tx) =>
    new ApiKeyRepository(tx).create(
      tenantId,
      { name: `key-${prefix}`, prefix, secretHash: sha256(raw), role, scopes },
      'system:test',
    ),
  );
  const key = `cfk_${tenantId}_${prefix}_${raw}`;
  return { id: row.id, key, fetch: authedFetch(stack, key) };
}

const sessions = new WeakMap<TestStack, Map<string, Promise<SignedIn>>>();

/**
 * Authorization headers of a reviewer of the tenant (one session per stack and
 * tenant): what the older specs send where they once sent X-Tenant-Id.
 */
export async function authHeaders(
  stack: TestStack,
  tenantId: string,
): Promise<Record<string, string>> {
  let byTenant = sessions.get(stack);
  if (!byTenant) sessions.set(stack, (byTenant = new Map()));
  let session = byTenant.get(tenantId);
  if (!session) {
    session = (async () => {
      const tenant = await stack.ownerDb
        .selectFrom('tenants')
        .selectAll()
        .where('id', '=', tenantId)
        .executeTakeFirstOrThrow();
      return signIn(stack, tenant, ['reviewer']);
    })();
    byTenant.set(tenantId, session);
  }
  return { authorization: `Bearer ${(await session).token}` };
}
