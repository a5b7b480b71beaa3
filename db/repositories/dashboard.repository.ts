import { sql, type ExpressionBuilder } from 'kysely';
import type { ClaimsTable, DB } from '../schema';
import type { Tx } from '../unit-of-work';

export interface DenialGroup {
  key: string;
  claims: string;
  open: string;
  atStakeCents: string | null;
}

export interface DeadlineDay {
  day: string;
  claims: string;
  atStakeCents: string | null;
}

/** Per group: denials, those still open, and the money still at stake on the open ones. */
const tally = (eb: ExpressionBuilder<DB & { c: ClaimsTable }, 'c'>) => [
  eb.fn.countAll<string>().as('claims'),
  eb.fn.count<string>('c.id').filterWhere('c.lifecycle_state', '<>', 'closed').as('open'),
  eb.fn
    .sum<string | null>('c.amount_at_stake_cents')
    .filterWhere('c.lifecycle_state', '<>', 'closed')
    .as('atStakeCents'),
];

/**
 * The tenant's denial work in aggregate: counts and cents by category and
 * payer, outcomes of appeals, deadlines ahead. No row-level data leaves here,
 * so the dashboard holds no PHI. A claim is a denial once triage categorised it.
 */
export class DashboardRepository {
  constructor(private readonly tx: Tx) {}

  private denials() {
    return this.tx.selectFrom('claims as c').where('c.category', 'is not', null);
  }

  async byCategory(): Promise<DenialGroup[]> {
    return this.denials()
      .select((eb) => [eb.ref('c.category').$castTo<string>().as('key')])
      .select(tally)
      .groupBy('c.category')
      .orderBy('claims', 'desc')
      .orderBy('key')
      .execute();
  }

  /** By payer, with the payer's name from its 835s (an organisation, not a person). */
  async byPayer(): Promise<(DenialGroup & { name: string | null })[]> {
    return this.denials()
      .leftJoin('payers as p', (j) =>
        j.onRef('p.payer_key', '=', 'c.payer_key').onRef('p.tenant_id', '=', 'c.tenant_id'),
      )
      .select((eb) => ['c.payer_key as key', eb.fn.max('p.name').as('name')])
      .select(tally)
      .groupBy('c.payer_key')
      .orderBy('claims', 'desc')
      .orderBy('key')
      .execute();
  }

  /** Appeal results as the payers answered them, with the money they paid back. */
  async outcomes(): Promise<{ result: string; appeals: string; recoveredCents: string | null }[]> {
    return this.tx
      .selectFrom('appeal_outcomes')
      .select((eb) => [
        'result',
        eb.fn.countAll<string>().as('appeals'),
        eb.fn.sum<string | null>('recovered_cents').as('recoveredCents'),
      ])
      .groupBy('result')
      .orderBy('result')
      .execute();
  }

  /** Open denials whose appeal deadline falls on each day from `from` to `to` (inclusive), and those already past. */
  async deadlines(from: string, to: string): Promise<{ days: DeadlineDay[]; overdue: string }> {
    const open = this.denials().where('c.lifecycle_state', '<>', 'closed');
    const date = (d: string) => sql<string>`cast(${d} as date)`;
    const days = await open
      .select((eb) => [
        sql<string>`to_char(c.appeal_deadline, 'YYYY-MM-DD')`.as('day'),
        eb.fn.countAll<string>().as('claims'),
        eb.fn.sum<string | null>('c.amount_at_stake_cents').as('atStakeCents'),
      ])
      .where('c.appeal_deadline', '>=', date(from))
      .where('c.appeal_deadline', '<=', date(to))
      .groupBy('c.appeal_deadline')
      .orderBy('c.appeal_deadline')
      .execute();
    const overdue = await open
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('c.appeal_deadline', '<', date(from))
      .executeTakeFirstOrThrow();
    return { days, overdue: overdue.n };
  }
}
