import { Inject, Injectable } from '@nestjs/common';
import { DashboardRepository, type DenialGroup } from '../db/repositories/dashboard.repository';
import { inTenant } from '../db/unit-of-work';
import type { Runtime } from '../ops/runtime';
import type { Clock } from './clock';
import type { Actor } from './principal';
import { CLOCK, RUNTIME } from './tokens';

const DAY_MS = 86_400_000;
/** The payers' answers that count as an appeal won, and as one lost. */
const WON = new Set(['overturned', 'partially_overturned']);
const LOST = new Set(['upheld']);

const n = (v: string | null | undefined) => Number(v ?? 0);
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const group = (g: DenialGroup) => ({
  claims: n(g.claims),
  open: n(g.open),
  atStakeCents: n(g.atStakeCents),
});

/** The dashboard's numbers: aggregates of the tenant's denial work, never a claim's own data. */
@Injectable()
export class DashboardService {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async summary(who: Actor, windowDays: number) {
    const now = this.clock.now();
    const days = Array.from({ length: windowDays }, (_, i) =>
      isoDay(new Date(now.getTime() + i * DAY_MS)),
    );
    const { byCategory, byPayer, outcomes, deadlines } = await inTenant(
      this.runtime.db,
      who,
      async (tx) => {
        const repo = new DashboardRepository(tx);
        return {
          byCategory: await repo.byCategory(),
          byPayer: await repo.byPayer(),
          outcomes: await repo.outcomes(),
          deadlines: await repo.deadlines(days[0]!, days[days.length - 1]!),
        };
      },
    );
    const perDay = new Map(deadlines.days.map((d) => [d.day, d]));
    const deadlineDays = days.map((date) => ({
      date,
      claims: n(perDay.get(date)?.claims),
      atStakeCents: n(perDay.get(date)?.atStakeCents),
    }));
    const appeals = outcomes.map((o) => ({
      result: o.result,
      appeals: n(o.appeals),
      recoveredCents: n(o.recoveredCents),
    }));
    const sum = <T>(rows: T[], f: (r: T) => number) => rows.reduce((a, r) => a + f(r), 0);
    const categories = byCategory.map((g) => ({ category: g.key, ...group(g) }));
    return {
      asOf: now.toISOString(),
      windowDays,
      totals: {
        denials: sum(categories, (c) => c.claims),
        open: sum(categories, (c) => c.open),
        atStakeCents: sum(categories, (c) => c.atStakeCents),
        recoveredCents: sum(appeals, (a) => a.recoveredCents),
        appealsWon: sum(appeals, (a) => (WON.has(a.result) ? a.appeals : 0)),
        appealsLost: sum(appeals, (a) => (LOST.has(a.result) ? a.appeals : 0)),
        deadlinesInWindow: sum(deadlineDays, (d) => d.claims),
        overdue: n(deadlines.overdue),
      },
      byCategory: categories,
      byPayer: byPayer.map((g) => ({ payerKey: g.key, name: g.name, ...group(g) })),
      outcomes: appeals,
      deadlines: deadlineDays,
    };
  }
}
