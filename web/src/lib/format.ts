/** How numbers, dates and codes read on every page: one place, so they read the same everywhere. */
const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const USD_SHORT = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  notation: 'compact',
  maximumFractionDigits: 1,
});
const DAY = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });
const MOMENT = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'medium' });
const DAY_MS = 86_400_000;

export const money = (cents: string | number | null | undefined): string =>
  cents === null || cents === undefined || cents === '' ? '—' : USD.format(Number(cents) / 100);

export const moneyShort = (cents: number): string => USD_SHORT.format(cents / 100);

/** `medical_necessity` → `Medical necessity` */
export const humanize = (code: string | null | undefined): string =>
  code ? (code.charAt(0).toUpperCase() + code.slice(1)).replace(/_/g, ' ') : '—';

/** A calendar date (YYYY-MM-DD) as people read it, e.g. `Dec 1, 2026`. */
export const day = (ymd: string | null | undefined): string =>
  ymd ? DAY.format(new Date(`${ymd.slice(0, 10)}T00:00:00Z`)) : '—';

export const moment = (iso: string | null | undefined): string =>
  iso ? MOMENT.format(new Date(iso)) : '—';

export const todayYmd = (now: Date = new Date()): string => now.toISOString().slice(0, 10);

/** Whole days from today to a calendar date; negative once it has passed. */
export function daysUntil(ymd: string, now: Date = new Date()): number {
  const target = Date.parse(`${ymd.slice(0, 10)}T00:00:00Z`);
  const today = Date.parse(`${todayYmd(now)}T00:00:00Z`);
  return Math.round((target - today) / DAY_MS);
}

export function daysLabel(days: number): string {
  if (days < 0) return `${-days} day${days === -1 ? '' : 's'} overdue`;
  if (days === 0) return 'due today';
  return `${days} day${days === 1 ? '' : 's'} left`;
}

export const shortId = (id: string | null | undefined): string => (id ? id.slice(0, 8) : '—');

export const count = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
