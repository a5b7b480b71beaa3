import { sql } from 'kysely';
import { addDays } from '../../activities/triage/dates';
import type { Tenant } from '../../db/schema';
import { signIn, startStack, type SignedIn, type TestStack } from '../harness';
import { claimAwaitingReview } from './world';

/**
 * An appeal deadline is a calendar day: the API names the day PostgreSQL holds
 * and filters on that day, whatever the server's zone. jest.config.js runs the
 * suite at UTC+14, where a day read as local midnight turns into the day before.
 */
describe('calendar days through the API: the stored day, in any server zone', () => {
  let stack: TestStack;
  let tenant: Tenant;
  let reviewer: SignedIn;
  let claim: Awaited<ReturnType<typeof claimAwaitingReview>>;
  let stored: string;

  beforeAll(async () => {
    stack = await startStack({ api: true });
    tenant = await stack.newTenant();
    reviewer = await signIn(stack, tenant, ['reviewer']);
    claim = await claimAwaitingReview(stack, reviewer);
    const row = await stack.ownerDb
      .selectFrom('claims')
      .select(sql<string>`to_char(appeal_deadline, 'YYYY-MM-DD')`.as('day'))
      .where('id', '=', claim.claimId)
      .executeTakeFirstOrThrow();
    stored = row.day;
  });
  afterAll(() => stack?.close());

  const json = async <T>(path: string): Promise<T> => {
    const res = await reviewer.fetch(path);
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  it('runs where local midnight is another UTC day', () => {
    expect(new Date(2026, 0, 1).getTimezoneOffset()).not.toBe(0);
    expect(stored).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('names the stored day in the claim, the search, the queue and the workflow', async () => {
    expect(claim.state.appealDeadline).toBe(stored);
    const detail = await json<{ appealDeadline: string }>(`/claims/${claim.claimId}`);
    expect(detail.appealDeadline).toBe(stored);
    const search = await json<{ items: { id: string; appealDeadline: string }[] }>(
      '/claims?limit=50',
    );
    expect(search.items.find((c) => c.id === claim.claimId)?.appealDeadline).toBe(stored);
    const team = await json<{ claimId: string; appealDeadline: string }[]>('/review-tasks/team');
    expect(team.find((t) => t.claimId === claim.claimId)?.appealDeadline).toBe(stored);
  });

  it('filters on the stored day, inclusive at both ends', async () => {
    const ids = async (from: string, to: string) =>
      (
        await json<{ items: { id: string }[] }>(
          `/claims?deadlineFrom=${from}&deadlineTo=${to}&limit=50`,
        )
      ).items.map((c) => c.id);
    expect(await ids(stored, stored)).toEqual([claim.claimId]);
    expect(await ids(addDays(stored, 1), addDays(stored, 2))).toEqual([]);
  });
});
