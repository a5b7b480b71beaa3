import { sql } from 'kysely';
import { SessionCache } from '../../api/session-cache';
import type { Tenant } from '../../db/schema';
import { inTenant } from '../../db/unit-of-work';
import { eventually, signIn, startStack, type SignedIn, type TestStack } from '../harness';

describe('the session cache: skips the session read, never outlives a change', () => {
  let stack: TestStack;
  let tenant: Tenant;
  let cache: SessionCache;

  beforeAll(async () => {
    stack = await startStack({ api: true });
    tenant = await stack.newTenant();
    cache = stack.app!.get(SessionCache);
    await eventually('the cache listens', async () => (cache.active ? true : undefined), 10_000);
  });
  afterAll(() => stack.close());

  /** As another API process would: straight in the database, no call to this one. */
  const revokeInDatabase = (who: SignedIn) =>
    inTenant(stack.ownerDb, { tenantId: tenant.id, actor: 'system:test' }, (tx) =>
      tx
        .updateTable('sessions')
        .set({ revoked_at: new Date(), revoked_reason: 'revoked' })
        .where('user_id', '=', who.userId)
        .execute(),
    );
  const status = async (who: SignedIn) => (await who.fetch('/auth/me')).status;
  /**
   * Sign-in's own session writes notify too, and may land while the first
   * request reads, which then rightly keeps nothing: ask until one is kept.
   */
  const cachedAfterRequest = (who: SignedIn) =>
    eventually(
      'the session is kept',
      async () => {
        expect(await status(who)).toBe(200);
        return cache.size > 0 ? true : undefined;
      },
      2_000,
      20,
    );

  it('refuses a session revoked elsewhere as soon as the notification arrives', async () => {
    const user = await signIn(stack, tenant, ['reviewer']);
    await cachedAfterRequest(user);
    expect(await status(user)).toBe(200);
    await revokeInDatabase(user);
    // Entries live 15 s; the refusal comes from the notification, within a second or two.
    await eventually(
      'the revoked session is refused',
      async () => ((await status(user)) === 401 ? true : undefined),
      2_000,
      20,
    );
  });

  it('refuses a role taken away elsewhere on the routes it guarded', async () => {
    const user = await signIn(stack, tenant, ['reviewer']);
    expect((await user.fetch('/review-tasks/team')).status).toBe(200);
    await inTenant(stack.ownerDb, { tenantId: tenant.id, actor: 'system:test' }, (tx) =>
      tx
        .updateTable('role_assignments')
        .set({ revoked_at: new Date() })
        .where('user_id', '=', user.userId)
        .execute(),
    );
    await eventually(
      'the team queue is refused',
      async () => ((await user.fetch('/review-tasks/team')).status === 403 ? true : undefined),
      2_000,
      20,
    );
  });

  it('keeps nothing while its listener is cut, and starts again when it is back', async () => {
    const user = await signIn(stack, tenant, ['reviewer']);
    await cachedAfterRequest(user);
    const { rows } = await sql<{ ok: boolean }>`
      SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
      WHERE application_name = ${`claimflow-auth-listener-${process.pid}`}`.execute(stack.ownerDb);
    expect(rows).toEqual([{ ok: true }]);
    await eventually('the cache stops', async () => (cache.active ? undefined : true), 5_000, 10);
    expect(cache.size).toBe(0);
    // A change no notification announced: refused at once, since nothing was kept.
    await revokeInDatabase(user);
    expect(await status(user)).toBe(401);
    await eventually(
      'the cache listens again',
      async () => (cache.active ? true : undefined),
      10_000,
    );
    const next = await signIn(stack, tenant, ['reviewer']);
    await cachedAfterRequest(next);
  });
});
