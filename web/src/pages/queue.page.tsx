import { useState } from 'react';
import { getJson, postJson } from '../http/api-client';
import type { Me, QueueItem } from '../http/api-types';
import { ErrorNotice, Loading, Notice, problemText } from '../components/notice.component';
import { PageHead } from '../components/page-head.component';
import { SelectField } from '../components/select-field.component';
import { Stats } from '../components/stats.component';
import { Tabs } from '../components/tabs.component';
import { count, day, daysLabel, daysUntil, humanize, money, shortId } from '../lib/format';
import {
  byPriority,
  choices,
  deadlineOf,
  dueThisWeek,
  filterQueue,
  NO_FILTER,
  overdue,
  type DeadlineFilter,
  type QueueFilter,
} from '../lib/queue-view';
import { useResource } from '../lib/use-resource.hook';
import { Link } from '../router/link.component';
import { hasRole } from '../session/session.store';

type Tab = 'mine' | 'team';

const DEADLINES: { value: DeadlineFilter; label: string }[] = [
  { value: 'all', label: 'Any deadline' },
  { value: 'overdue', label: 'Overdue' },
  { value: 'week', label: 'Due this week' },
  { value: 'month', label: 'Due within 30 days' },
];

function DeadlineCell({ task }: { task: QueueItem }) {
  const d = deadlineOf(task);
  const days = daysUntil(d);
  return (
    <>
      {day(d)}{' '}
      <span className={`badge ${days < 0 ? 'bad' : days <= 6 ? 'warn' : ''}`}>
        {daysLabel(days)}
      </span>
    </>
  );
}

/** The appeal team's day: open tasks, highest priority first, with the filters people work by. */
export function QueuePage({ me }: { me: Me }) {
  const reviewer = hasRole(me, 'reviewer');
  const [tab, setTab] = useState<Tab>('mine');
  const [filter, setFilter] = useState<QueueFilter>(NO_FILTER);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const tasks = useResource(() => getJson<QueueItem[]>(`/review-tasks/${tab}?limit=500`), tab);
  const items = tasks.data ?? [];
  const shown = byPriority(filterQueue(items, filter));
  const atStake = shown.reduce((a, t) => a + Number(t.amountAtStakeCents ?? 0), 0);

  const take = async (t: QueueItem) => {
    setMessage(null);
    try {
      await postJson(`/review-tasks/${t.id}/take`);
      setMessage({
        ok: true,
        text: `The task for claim ${shortId(t.claimId)} is now assigned to you.`,
      });
      tasks.reload();
    } catch (err) {
      setMessage({ ok: false, text: problemText(err) });
    }
  };

  const assignee = (t: QueueItem) =>
    t.assignedTo === null ? 'Unassigned' : t.assignedTo === me.id ? 'You' : 'A colleague';

  const table = (
    <div className="table-wrap">
      <table>
        <caption>
          {count(shown.length, 'open task')}
          {shown.length !== items.length ? ` of ${items.length}` : ''}, highest priority first
        </caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              Priority
            </th>
            <th scope="col">Claim</th>
            <th scope="col">Denial category</th>
            <th scope="col">Payer</th>
            <th scope="col" className="num">
              At stake
            </th>
            <th scope="col">Appeal deadline</th>
            <th scope="col">Assigned</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((t) => (
            <tr key={t.id}>
              <td className="num">{t.priorityScore ?? '—'}</td>
              <td className="mono">{shortId(t.claimId)}</td>
              <td>{humanize(t.category)}</td>
              <td>{t.payerKey}</td>
              <td className="num">{money(t.amountAtStakeCents)}</td>
              <td>
                <DeadlineCell task={t} />
              </td>
              <td>{assignee(t)}</td>
              <td>
                <div className="row">
                  <Link
                    className="button small"
                    to={`/tasks/${t.id}`}
                    aria-label={`Open task for claim ${shortId(t.claimId)}`}
                  >
                    Open
                  </Link>
                  {t.assignedTo === null && (
                    <button
                      type="button"
                      className="secondary small"
                      onClick={() => void take(t)}
                      aria-label={`Take task for claim ${shortId(t.claimId)}`}
                    >
                      Take
                    </button>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!shown.length && <p className="muted">No open task matches these filters.</p>}
    </div>
  );

  return (
    <>
      <PageHead
        title="Review queue"
        subtitle="Denied and underpaid claims waiting for a decision on their appeal."
      />
      <Stats
        label="Queue summary"
        items={[
          { label: 'Open tasks', value: items.length },
          { label: 'Due this week', value: dueThisWeek(items), attention: dueThisWeek(items) > 0 },
          { label: 'Overdue', value: overdue(items), attention: overdue(items) > 0 },
          { label: 'At stake in view', value: money(atStake) },
        ]}
      />
      {message &&
        (message.ok ? (
          <Notice kind="success">{message.text}</Notice>
        ) : (
          <ErrorNotice text={message.text} />
        ))}
      <section className="panel" aria-label="Tasks">
        <div className="filters" role="group" aria-label="Filters">
          <SelectField
            label="Payer"
            value={filter.payer}
            onChange={(payer) => setFilter({ ...filter, payer })}
            options={[
              { value: '', label: 'All payers' },
              ...choices(items, 'payerKey').map((p) => ({ value: p, label: p })),
            ]}
          />
          <SelectField
            label="Category"
            value={filter.category}
            onChange={(category) => setFilter({ ...filter, category })}
            options={[
              { value: '', label: 'All categories' },
              ...choices(items, 'category').map((c) => ({ value: c, label: humanize(c) })),
            ]}
          />
          <SelectField
            label="Deadline"
            value={filter.deadline}
            onChange={(deadline) => setFilter({ ...filter, deadline: deadline as DeadlineFilter })}
            options={DEADLINES}
          />
          {filter !== NO_FILTER && (
            <button type="button" className="secondary" onClick={() => setFilter(NO_FILTER)}>
              Clear filters
            </button>
          )}
        </div>
        <Tabs
          label="Whose tasks"
          selected={tab}
          onSelect={(t) => setTab(t)}
          tabs={[
            { id: 'mine', label: 'My tasks' },
            ...(reviewer ? [{ id: 'team' as const, label: 'Team' }] : []),
          ]}
        >
          {tasks.error ? (
            <ErrorNotice error={tasks.error} />
          ) : tasks.loading && !tasks.data ? (
            <Loading what="tasks" />
          ) : (
            table
          )}
        </Tabs>
      </section>
    </>
  );
}
