import type { QueueItem } from '../http/api-types';
import { byPriority, choices, dueThisWeek, filterQueue, NO_FILTER, overdue } from './queue-view';

const NOW = new Date('2026-03-10T15:00:00Z');

function task(id: string, over: Partial<QueueItem> = {}): QueueItem {
  return {
    id,
    claimId: `c-${id}`,
    appealId: null,
    status: 'open',
    assignedTo: null,
    dueAt: '2026-06-01T00:00:00.000Z',
    category: 'medical_necessity',
    payerKey: 'P1',
    amountAtStakeCents: '10000',
    appealDeadline: '2026-06-01',
    priorityScore: 50,
    ...over,
  };
}

describe('the review queue: priority order, filters and what is due this week', () => {
  const items = [
    task('a', { priorityScore: 40 }),
    task('b', { priorityScore: 80, payerKey: 'P2', category: 'authorization' }),
    task('c', { priorityScore: 80, appealDeadline: '2026-03-12' }),
    task('d', { priorityScore: null, appealDeadline: '2026-03-01' }),
  ];

  it('puts the highest score first and breaks a tie by the nearer deadline', () => {
    expect(byPriority(items, NOW).map((t) => t.id)).toEqual(['c', 'b', 'a', 'd']);
  });

  it('breaks a tie of score and deadline by the larger amount, and never reorders the input', () => {
    const tie = [
      task('x', { amountAtStakeCents: '100' }),
      task('y', { amountAtStakeCents: '900' }),
    ];
    expect(byPriority(tie, NOW).map((t) => t.id)).toEqual(['y', 'x']);
    expect(tie.map((t) => t.id)).toEqual(['x', 'y']);
  });

  it('filters by payer, category and deadline window together', () => {
    expect(filterQueue(items, { ...NO_FILTER, payer: 'P2' }, NOW).map((t) => t.id)).toEqual(['b']);
    expect(filterQueue(items, { ...NO_FILTER, category: 'authorization' }, NOW)).toHaveLength(1);
    expect(filterQueue(items, { ...NO_FILTER, deadline: 'week' }, NOW).map((t) => t.id)).toEqual([
      'c',
    ]);
    expect(filterQueue(items, { ...NO_FILTER, deadline: 'overdue' }, NOW).map((t) => t.id)).toEqual(
      ['d'],
    );
    expect(
      filterQueue(items, { payer: 'P2', category: 'eligibility', deadline: 'all' }, NOW),
    ).toEqual([]);
  });

  it('counts as due this week only deadlines from today to six days ahead', () => {
    const edge = [
      task('today', { appealDeadline: '2026-03-10' }),
      task('six', { appealDeadline: '2026-03-16' }),
      task('seven', { appealDeadline: '2026-03-17' }),
      task('past', { appealDeadline: '2026-03-09' }),
    ];
    expect(dueThisWeek(edge, NOW)).toBe(2);
    expect(overdue(edge, NOW)).toBe(1);
  });

  it('falls back to the task’s own due date when the claim has no appeal deadline', () => {
    const t = task('n', { appealDeadline: null, dueAt: '2026-03-11T12:00:00.000Z' });
    expect(dueThisWeek([t], NOW)).toBe(1);
  });

  it('offers each payer and category once, sorted, leaving out empty values', () => {
    expect(choices(items, 'payerKey')).toEqual(['P1', 'P2']);
    expect(choices([...items, task('z', { category: null })], 'category')).toEqual([
      'authorization',
      'medical_necessity',
    ]);
  });
});
