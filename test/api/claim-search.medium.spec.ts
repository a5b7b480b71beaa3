import { sql } from 'kysely';
import type { Tenant } from '../../db/schema';
import { signIn, startStack, type SignedIn, type TestStack } from '../harness';

interface Seeded {
  id: string;
  category: string;
  payerKey: string;
  amountAtStakeCents: string;
  appealDeadline: string;
  state: string;
}

const CATEGORIES = ['coding', 'eligibility', 'timely_filing'];

/** n claims of one tenant with every filtered column varied, written as the bench seeds them. */
async function seed(stack: TestStack, tenant: Tenant, n: number): Promise<Seeded[]> {
  const fileId = crypto.randomUUID();
  await sql`INSERT INTO remittance_files (id, tenant_id, sha256, size_bytes, status)
    VALUES (${fileId}, ${tenant.id}, encode(sha256(${fileId}::bytea), 'hex'), 1, 'processed')`.execute(
    stack.ownerDb,
  );
  const { rows } = await sql<Seeded>`
    INSERT INTO claims (tenant_id, remittance_file_id, transaction_control_number, payer_key,
      payer_claim_control_number, patient_control_number_enc, patient_control_number_bidx,
      status_code, outcome, charge_cents, paid_cents, category, lifecycle_state, lifecycle_outcome,
      amount_at_stake_cents, appeal_deadline, priority_score)
    SELECT ${tenant.id}, ${fileId}, 'T1', 'payer-' || (g % 5), 'PCN' || g, '\\x00'::bytea,
      encode(sha256((${tenant.id}::text || g)::bytea), 'hex'), '4', 'denied', 20000, 0,
      (${CATEGORIES}::text[])[1 + g % 3],
      CASE WHEN g % 4 = 0 THEN 'awaiting_review' ELSE 'closed' END,
      CASE WHEN g % 4 = 0 THEN NULL ELSE 'written_off' END,
      g * 100, DATE '2027-01-01' + (g % 10), g
    FROM generate_series(1, ${n}) g
    RETURNING id, category, payer_key AS "payerKey", amount_at_stake_cents::text AS "amountAtStakeCents",
      to_char(appeal_deadline, 'YYYY-MM-DD') AS "appealDeadline", lifecycle_state AS state`.execute(
    stack.ownerDb,
  );
  return rows;
}

/**
 * Claim search through the API: each filter alone and together, compared with
 * the seeded rows filtered here, and keyset pages that add up to the whole.
 */
describe('claim search: filters and pages', () => {
  let stack: TestStack;
  let ops: SignedIn;
  let claims: Seeded[];

  beforeAll(async () => {
    stack = await startStack({ api: true });
    const tenant = await stack.newTenant();
    const other = await stack.newTenant();
    claims = await seed(stack, tenant, 60);
    await seed(stack, other, 60);
    ops = await signIn(stack, tenant, ['ops']);
  });
  afterAll(() => stack?.close());

  const search = async (params: Record<string, string>) => {
    const res = await ops.fetch(`/claims?${new URLSearchParams(params)}`);
    expect(res.status).toBe(200);
    return (await res.json()) as { items: Seeded[]; next: string | null };
  };
  const all = async (params: Record<string, string>) => {
    const ids: string[] = [];
    let after: string | null = null;
    do {
      const page = await search({ ...params, limit: '7', ...(after ? { after } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(7);
      ids.push(...page.items.map((c) => c.id));
      after = page.next;
    } while (after);
    return ids;
  };
  const expected = (keep: (c: Seeded) => boolean) =>
    claims
      .filter(keep)
      .map((c) => c.id)
      .sort();

  const cases: [string, Record<string, string>, (c: Seeded) => boolean][] = [
    ['no filter', {}, () => true],
    ['status', { status: 'awaiting_review' }, (c) => c.state === 'awaiting_review'],
    ['category', { category: 'coding' }, (c) => c.category === 'coding'],
    ['payer', { payer: 'payer-1' }, (c) => c.payerKey === 'payer-1'],
    [
      'deadline range',
      { deadlineFrom: '2027-01-03', deadlineTo: '2027-01-05' },
      (c) => c.appealDeadline >= '2027-01-03' && c.appealDeadline <= '2027-01-05',
    ],
    [
      'amount range',
      { minAmountCents: '1500', maxAmountCents: '4000' },
      (c) => Number(c.amountAtStakeCents) >= 1500 && Number(c.amountAtStakeCents) <= 4000,
    ],
    ['amount from zero', { minAmountCents: '0' }, () => true],
    [
      'everything at once',
      {
        status: 'closed',
        category: 'eligibility',
        payer: 'payer-2',
        deadlineFrom: '2027-01-02',
        minAmountCents: '1000',
      },
      (c) =>
        c.state === 'closed' &&
        c.category === 'eligibility' &&
        c.payerKey === 'payer-2' &&
        c.appealDeadline >= '2027-01-02' &&
        Number(c.amountAtStakeCents) >= 1000,
    ],
  ];

  it.each(cases)(
    '%s: the matching claims of the caller’s tenant, in pages',
    async (_, params, keep) => {
      const want = expected(keep);
      expect(want.length).toBeGreaterThan(0);
      expect(await all(params)).toEqual(want);
    },
  );

  it('gives the same answer to the same filters with other values, one after the other', async () => {
    for (const payer of ['payer-0', 'payer-1', 'payer-2', 'payer-0'])
      expect(await all({ payer, category: 'coding' })).toEqual(
        expected((c) => c.payerKey === payer && c.category === 'coding'),
      );
  });

  it('returns the columns of the page with their types', async () => {
    const page = await search({ limit: '1' });
    const c = claims.find((s) => s.id === page.items[0]!.id)!;
    expect(page.items[0]).toMatchObject({
      id: c.id,
      category: c.category,
      payerKey: c.payerKey,
      amountAtStakeCents: c.amountAtStakeCents,
      appealDeadline: c.appealDeadline,
      state: c.state,
      statusCode: '4',
      chargeCents: '20000',
    });
    expect(Object.keys(page.items[0]!).sort()).toEqual(
      [
        'id',
        'statusCode',
        'outcome',
        'category',
        'payerKey',
        'chargeCents',
        'paidCents',
        'amountAtStakeCents',
        'appealDeadline',
        'appealLevel',
        'recommendedAction',
        'state',
        'lifecycleOutcome',
        'priorityScore',
        'createdAt',
      ].sort(),
    );
    expect((page.items[0] as unknown as { createdAt: string }).createdAt).toMatch(
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
    );
    expect(page.next).toBe(c.id);
  });
});
