import type { QueueItem } from '../http/api-types';
import { daysUntil } from './format';

export type DeadlineFilter = 'all' | 'overdue' | 'week' | 'month';

export interface QueueFilter {
  payer: string;
  category: string;
  deadline: DeadlineFilter;
}

export const NO_FILTER: QueueFilter = { payer: '', category: '', deadline: 'all' };

/** The date a task must be worked by: the appeal deadline, else the task's own due date. */
export const deadlineOf = (t: QueueItem): string => t.appealDeadline ?? t.dueAt.slice(0, 10);

const WINDOW: Record<Exclude<DeadlineFilter, 'all'>, (days: number) => boolean> = {
  overdue: (d) => d < 0,
  week: (d) => d >= 0 && d <= 6,
  month: (d) => d >= 0 && d <= 30,
};

export function filterQueue(items: QueueItem[], f: QueueFilter, now = new Date()): QueueItem[] {
  return items.filter(
    (t) =>
      (!f.payer || t.payerKey === f.payer) &&
      (!f.category || t.category === f.category) &&
      (f.deadline === 'all' || WINDOW[f.deadline](daysUntil(deadlineOf(t), now))),
  );
}

/**
 * Highest priority first. The score (from triage) weighs the amount at stake
 * against the days to the deadline; ties go to the nearer deadline, then the
 * larger amount, so the order is the same on every load.
 */
export function byPriority(items: QueueItem[], now = new Date()): QueueItem[] {
  const key = (t: QueueItem) => ({
    score: t.priorityScore ?? -1,
    days: daysUntil(deadlineOf(t), now),
    cents: Number(t.amountAtStakeCents ?? 0),
  });
  return [...items].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return y.score - x.score || x.days - y.days || y.cents - x.cents || a.id.localeCompare(b.id);
  });
}

/** Tasks whose deadline falls in the next seven days, today included. */
export const dueThisWeek = (items: QueueItem[], now = new Date()): number =>
  items.filter((t) => WINDOW.week(daysUntil(deadlineOf(t), now))).length;

export const overdue = (items: QueueItem[], now = new Date()): number =>
  items.filter((t) => WINDOW.overdue(daysUntil(deadlineOf(t), now))).length;

/** The distinct values of a field, sorted, for a filter's choices. */
export function choices(items: QueueItem[], field: 'payerKey' | 'category'): string[] {
  return [...new Set(items.map((t) => t[field]).filter((v): v is string => Boolean(v)))].sort();
}
