import { routeTable } from '../../api/routes';
import { MATRIX, ROLES, type Permission } from '../../api/permissions';
import type { RoleName, Tenant } from '../../db/schema';
import { createApiKey, signIn, startStack, type SignedIn, type TestStack } from '../harness';

const routes = routeTable();
const guarded = routes.filter((r) => r.rule?.kind === 'permission');

/** A concrete URL for a route: random ids (nothing found) and a valid role name. */
function urlOf(path: string): string {
  return path.replace(/:role\b/, 'ops').replace(/:\w+/g, () => crypto.randomUUID());
}

function call(
  who: { fetch(p: string, i?: RequestInit): Promise<Response> },
  method: string,
  path: string,
) {
  return who.fetch(urlOf(path), {
    method,
    ...(method === 'GET' || method === 'DELETE'
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: '{}' }),
  });
}

describe('every route declares its access, and the permission matrix holds for every role', () => {
  let stack: TestStack;
  let tenant: Tenant;
  const users = new Map<RoleName, SignedIn>();

  beforeAll(async () => {
    stack = await startStack({ api: true });
    tenant = await stack.newTenant();
    for (const role of ROLES) users.set(role, await signIn(stack, tenant, [role]));
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('finds the routes and refuses a route without a declared permission (deny by default)', () => {
    expect(routes.length).toBeGreaterThan(30);
    const undeclared = routes.filter((r) => !r.rule).map((r) => `${r.method} ${r.path}`);
    expect(undeclared).toEqual([]);
    // Only health, login, activation, the web pages' static files (with their session
    // limits) and the metrics scrape (behind its own token) are reachable without a session.
    expect(
      routes
        .filter((r) => r.rule?.kind === 'public')
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    ).toEqual([
      'GET /',
      'GET /app/config.json',
      'GET /app{/*path}',
      'GET /health',
      'GET /metrics',
      'POST /auth/activate',
      'POST /auth/login',
    ]);
  });

  it.each(guarded.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s: allowed roles pass the guard, the others get 403, no token gets 401',
    async (_name, route) => {
      const permission = (route.rule as { permission: Permission }).permission;
      const allowed = MATRIX[permission].roles as readonly RoleName[];
      const anonymous = await fetch(`${stack.baseUrl}${urlOf(route.path)}`, {
        method: route.method,
      });
      expect(anonymous.status).toBe(401);
      for (const role of ROLES) {
        const res = await call(users.get(role)!, route.method, route.path);
        const body = res.status === 204 ? '' : await res.text();
        if (allowed.includes(role)) {
          // Past the guard: validation, not found, or success; never 401/403 or a server error.
          expect([role, res.status < 500 && ![401, 403].includes(res.status)]).toEqual([
            role,
            true,
          ]);
        } else {
          expect([role, res.status, body]).toEqual([
            role,
            403,
            expect.stringContaining('FORBIDDEN'),
          ]);
        }
      }
    },
  );

  it('lets API keys reach only non-PHI permissions of their role, within their scopes', async () => {
    for (const route of guarded) {
      const permission = (route.rule as { permission: Permission }).permission;
      const { roles, phi } = MATRIX[permission];
      if (!phi) continue;
      for (const role of roles) {
        const key = await createApiKey(stack, tenant.id, role as RoleName);
        expect([route.path, (await call(key, route.method, route.path)).status]).toEqual([
          route.path,
          403,
        ]);
      }
    }
    const scoped = await createApiKey(stack, tenant.id, 'ops', ['claim.search']);
    expect((await scoped.fetch('/claims')).status).toBe(200);
    expect((await scoped.fetch('/workflows')).status).toBe(403);
  });

  it('refuses every guarded route to a session that has not passed MFA', async () => {
    const pending = await signIn(stack, tenant, ['reviewer', 'ops', 'auditor', 'admin'], {
      mfa: false,
    });
    for (const route of guarded) {
      const res = await call(pending, route.method, route.path);
      expect([
        route.path,
        res.status,
        ((await res.json()) as { error: { code: string } }).error.code,
      ]).toEqual([route.path, 401, 'MFA_REQUIRED']);
    }
  });
});
