import type { Tenant } from '../../db/schema';
import {
  createApiKey,
  createUser,
  signIn,
  startStack,
  TEST_PASSWORD,
  totpCode,
  type TestStack,
} from '../harness';

const MINUTE = 60_000;

async function post(stack: TestStack, path: string, body: unknown, token?: string) {
  const res = await fetch(`${stack.baseUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: (text ? JSON.parse(text) : {}) as Record<string, unknown> & {
      token?: string;
      recoveryCodes?: string[];
      error?: { code: string };
    },
  };
}

describe('sessions, MFA, lockout and API keys', () => {
  let stack: TestStack;
  let tenant: Tenant;
  // The clock moves in these specs, so each one signs its admin in afresh.
  const admin = () => signIn(stack, tenant, ['admin']);

  beforeAll(async () => {
    stack = await startStack({ api: true });
    tenant = await stack.newTenant();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('gives a password-only session nothing but the MFA routes', async () => {
    const { email } = await createUser(stack, tenant.id, ['reviewer']);
    const login = await post(stack, '/auth/login', {
      tenant: tenant.slug,
      email,
      password: TEST_PASSWORD,
    });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ mfaRequired: true, mfaEnrolled: false });
    const token = login.body.token as string;
    const authed = (p: string) =>
      fetch(`${stack.baseUrl}${p}`, { headers: { authorization: `Bearer ${token}` } });
    for (const p of ['/claims', '/review-tasks/mine', '/review-tasks/team', '/auth/sessions']) {
      const res = await authed(p);
      expect([
        p,
        res.status,
        ((await res.json()) as { error: { code: string } }).error.code,
      ]).toEqual([p, 401, 'MFA_REQUIRED']);
    }
    const me = await authed('/auth/me');
    expect(await me.json()).toMatchObject({ mfaVerified: false, roles: ['reviewer'] });
    // Enrol, then a wrong code, then the right one: recovery codes come back once.
    const { secret } = (await post(stack, '/auth/mfa/enrol', {}, token)).body as { secret: string };
    expect((await post(stack, '/auth/mfa/verify', { code: '000000' }, token)).status).toBe(401);
    const code = totpCode(secret, stack.clock.now());
    const verified = await post(stack, '/auth/mfa/verify', { code }, token);
    expect(verified.status).toBe(200);
    expect(verified.body.recoveryCodes).toHaveLength(10);
    expect((await authed('/claims')).status).toBe(200);
    // A second enrolment is refused; the same TOTP code is never accepted twice.
    expect((await post(stack, '/auth/mfa/enrol', {}, token)).status).toBe(409);
    const again = await post(stack, '/auth/login', {
      tenant: tenant.slug,
      email,
      password: TEST_PASSWORD,
    });
    expect((await post(stack, '/auth/mfa/verify', { code }, again.body.token)).status).toBe(401);
    // A recovery code works once.
    const recovery = (verified.body.recoveryCodes as string[])[0]!;
    expect(
      (await post(stack, '/auth/mfa/verify', { recoveryCode: recovery }, again.body.token)).status,
    ).toBe(200);
    const third = await post(stack, '/auth/login', {
      tenant: tenant.slug,
      email,
      password: TEST_PASSWORD,
    });
    expect(
      (await post(stack, '/auth/mfa/verify', { recoveryCode: recovery }, third.body.token)).status,
    ).toBe(401);
    // Nothing secret is stored in clear.
    const row = await stack.ownerDb
      .selectFrom('sessions')
      .select('token_hash')
      .where('token_hash', '=', token)
      .executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('refuses a session after 15 minutes idle (injected clock) and keeps a busy one alive', async () => {
    const user = await signIn(stack, tenant, ['ops']);
    stack.clock.advance(14 * MINUTE);
    expect((await user.fetch('/claims')).status).toBe(200);
    stack.clock.advance(14 * MINUTE);
    expect((await user.fetch('/claims')).status).toBe(200);
    stack.clock.advance(15 * MINUTE + 1000);
    const idle = await user.fetch('/claims');
    expect(idle.status).toBe(401);
    expect(await idle.json()).toMatchObject({ error: { code: 'SESSION_EXPIRED' } });
    // Once refused, it stays refused.
    expect((await user.fetch('/auth/me')).status).toBe(401);
  });

  it('ends every session at the absolute limit however busy it is', async () => {
    const user = await signIn(stack, tenant, ['ops']);
    for (let t = 0; t < 12 * 60; t += 10) {
      stack.clock.advance(10 * MINUTE);
      const res = await user.fetch('/auth/me');
      if (t + 10 < 12 * 60) expect([t, res.status]).toEqual([t, 200]);
      else expect(res.status).toBe(401);
    }
  });

  it('logs out, lists and revokes sessions', async () => {
    const user = await signIn(stack, tenant, ['auditor']);
    const sessions = (await (await user.fetch('/auth/sessions')).json()) as {
      id: string;
      current: boolean;
    }[];
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    expect((await post(stack, '/auth/logout', {}, user.token)).status).toBe(204);
    expect((await user.fetch('/auth/me')).status).toBe(401);
    // An admin's revocation ends all of a user's sessions.
    const other = await signIn(stack, tenant, ['ops']);
    const revoke = await (
      await admin()
    ).fetch(`/users/${other.userId}/sessions/revoke`, { method: 'POST' });
    expect(revoke.status).toBe(204);
    expect((await other.fetch('/claims')).status).toBe(401);
  });

  it('locks an account after repeated failures, the right password included, and backs off', async () => {
    const { email } = await createUser(stack, tenant.id, ['reviewer']);
    const attempt = (password: string) =>
      post(stack, '/auth/login', { tenant: tenant.slug, email, password });
    for (let i = 0; i < 5; i++) expect((await attempt('wrong-password-123')).status).toBe(401);
    const locked = await attempt(TEST_PASSWORD);
    expect(locked.status).toBe(401);
    expect(locked.body).toEqual({
      error: { code: 'INVALID_CREDENTIALS', message: 'tenant, email or password is wrong' },
    });
    stack.clock.advance(61_000);
    expect((await attempt(TEST_PASSWORD)).status).toBe(200);
    // An unknown user and an unknown tenant get the very same answer.
    const unknown = await post(stack, '/auth/login', {
      tenant: tenant.slug,
      email: 'nobody@example.test',
      password: TEST_PASSWORD,
    });
    const noTenant = await post(stack, '/auth/login', {
      tenant: 'no-such-tenant',
      email,
      password: TEST_PASSWORD,
    });
    expect(unknown).toEqual(locked);
    expect(noTenant).toEqual(locked);
    const failures = await stack.ownerDb
      .selectFrom('audit_events')
      .select(['action', 'outcome'])
      .where('tenant_id', '=', tenant.id)
      .where('action', '=', 'auth.login')
      .where('outcome', '=', 'failure')
      .execute();
    expect(failures.length).toBeGreaterThanOrEqual(7);
  });

  it('invites a user who sets a password under the rules, then signs in', async () => {
    const invite = await (
      await admin()
    ).fetch('/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `new-${Date.now()}@example.test`,
        displayName: 'New',
        role: 'appeal_specialist',
      }),
    });
    expect(invite.status).toBe(201);
    const { inviteToken, user } = (await invite.json()) as {
      inviteToken: string;
      user: { email: string };
    };
    const activate = (password: string) =>
      post(stack, '/auth/activate', { token: inviteToken, password });
    expect(await activate('short')).toMatchObject({
      status: 400,
      body: { error: { field: 'password' } },
    });
    expect(await activate('Password12345')).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringContaining('common') } },
    });
    expect((await activate('amber-cobalt-teapot-91')).status).toBe(204);
    expect((await activate('amber-cobalt-teapot-91')).status).toBe(400);
    const login = await post(stack, '/auth/login', {
      tenant: tenant.slug,
      email: user.email,
      password: 'amber-cobalt-teapot-91',
    });
    expect(login.status).toBe(200);
    const stored = await stack.ownerDb
      .selectFrom('users')
      .select('password_hash')
      .where('email', '=', user.email)
      .executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('accepts a live API key and refuses it once revoked', async () => {
    const key = await createApiKey(stack, tenant.id, 'ops');
    expect((await key.fetch('/claims')).status).toBe(200);
    const del = await (await admin()).fetch(`/api-keys/${key.id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    const refused = await key.fetch('/claims');
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: 'INVALID_TOKEN' } });
    // Keys made through the API are shown once and stored hashed.
    const made = await (
      await admin()
    ).fetch('/api-keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `svc-${Date.now()}`,
        role: 'appeal_specialist',
        scopes: ['remittance.upload'],
      }),
    });
    expect(made.status).toBe(201);
    const { key: raw } = (await made.json()) as { key: string };
    expect(raw).toMatch(/^cfk_/);
    const rows = await stack.ownerDb
      .selectFrom('api_keys')
      .select('secret_hash')
      .where('tenant_id', '=', tenant.id)
      .execute();
    expect(rows.every((r) => !raw.includes(r.secret_hash))).toBe(true);
  });

  it('sends security headers, keeps CORS closed, and tags responses with a request id', async () => {
    const res = await fetch(`${stack.baseUrl}/health`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('x-request-id')).toMatch(/^[\w-]+$/);
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});

describe('rate limits on the authentication routes', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ api: true, env: { AUTH_RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('answers 429 with Retry-After beyond the limit', async () => {
    const tenant = await stack.newTenant();
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await fetch(`${stack.baseUrl}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenant: tenant.slug, email: 'a@example.test', password: 'x' }),
      });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
