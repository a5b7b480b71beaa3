import { getJson } from '../http/api-client';
import type { Dashboard } from '../http/api-types';
import { BarChart } from '../components/bar-chart.component';
import { ColumnChart } from '../components/column-chart.component';
import { DonutChart } from '../components/donut-chart.component';
import { ErrorNotice, Loading } from '../components/notice.component';
import { PageHead } from '../components/page-head.component';
import { Stats } from '../components/stats.component';
import { humanize, moment, money, moneyShort } from '../lib/format';
import { useResource } from '../lib/use-resource.hook';

const WEEKDAY = new Intl.DateTimeFormat('en-US', {
  weekday: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});
const n = (v: number) => v.toLocaleString('en-US');

/** The denial work in aggregate: where denials come from, what is at stake, how appeals fare, what is due. */
export function DashboardPage() {
  const dash = useResource(() => getJson<Dashboard>('/dashboard?days=7'), 'dashboard');
  if (dash.error)
    return (
      <>
        <PageHead title="Dashboard" />
        <ErrorNotice error={dash.error} />
      </>
    );
  if (!dash.data) return <Loading what="the dashboard" />;
  const d = dash.data;
  const t = d.totals;
  const decided = t.appealsWon + t.appealsLost;
  const pending = d.outcomes.filter(
    (o) => !['overturned', 'partially_overturned', 'upheld'].includes(o.result),
  );
  return (
    <>
      <PageHead
        title="Dashboard"
        subtitle={`Counts and dollars for your organization, as of ${moment(d.asOf)}. No patient data.`}
      />
      <Stats
        label="Headline numbers"
        items={[
          { label: 'Open denials', value: n(t.open), sub: `${n(t.denials)} in all` },
          { label: 'Dollars at stake', value: money(t.atStakeCents), sub: 'on open denials' },
          { label: 'Recovered', value: money(t.recoveredCents), sub: 'paid on appeal' },
          {
            label: 'Appeals won / lost',
            value: `${n(t.appealsWon)} / ${n(t.appealsLost)}`,
            sub: decided
              ? `${Math.round((t.appealsWon / decided) * 100)}% won`
              : 'none decided yet',
          },
          {
            label: 'Deadlines this week',
            value: n(t.deadlinesInWindow),
            sub: t.overdue ? `${n(t.overdue)} overdue` : 'none overdue',
            attention: t.deadlinesInWindow > 0 || t.overdue > 0,
          },
        ]}
      />
      <div className="grid-2">
        <section className="panel">
          <BarChart
            title="Denials by category"
            what="Denials by category"
            labelHeading="Category"
            valueHeading="Denials"
            rows={d.byCategory.map((c) => ({ label: humanize(c.category), value: c.claims }))}
            format={n}
          />
        </section>
        <section className="panel">
          <BarChart
            title="Dollars at stake by category"
            what="Dollars at stake by category"
            labelHeading="Category"
            valueHeading="At stake"
            rows={d.byCategory.map((c) => ({ label: humanize(c.category), value: c.atStakeCents }))}
            format={moneyShort}
            tone={3}
          />
        </section>
        <section className="panel">
          <BarChart
            title="Denials by payer"
            what="Denials by payer"
            labelHeading="Payer"
            valueHeading="Denials"
            rows={d.byPayer.map((p) => ({ label: p.name ?? p.payerKey, value: p.claims }))}
            format={n}
            tone={2}
          />
        </section>
        <section className="panel">
          <DonutChart
            title="Appeal outcomes"
            what="Appeals decided by payers"
            labelHeading="Outcome"
            valueHeading="Appeals"
            centerLabel="decided"
            rows={[
              { label: 'Won', value: t.appealsWon },
              { label: 'Lost', value: t.appealsLost },
              { label: 'Other outcome', value: pending.reduce((a, o) => a + o.appeals, 0) },
            ]}
            format={n}
          />
        </section>
      </div>
      <section className="panel spaced">
        <ColumnChart
          title="Appeal deadlines in the next 7 days"
          what="Open denials whose appeal deadline falls on each day"
          labelHeading="Day"
          valueHeading="Deadlines"
          rows={d.deadlines.map((x) => ({
            label: WEEKDAY.format(new Date(`${x.date}T00:00:00Z`)),
            value: x.claims,
          }))}
          format={n}
        />
      </section>
    </>
  );
}
