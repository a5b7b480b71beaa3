/**
 * Pure calendar-date arithmetic on YYYY-MM-DD strings. Appeal windows are counted
 * in calendar days, so dates are mapped to a day number through Date.UTC and back:
 * no local time zone or DST can shift a deadline by a day.
 */
import { isIsoDate } from '../../x12/codes/code-lists';
import { TriageInputError } from './errors';

const MS_PER_DAY = 86_400_000;

/** Throws a TriageInputError naming `field` unless `value` is a real YYYY-MM-DD date. */
export function assertIsoDate(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string' || !isIsoDate(value)) {
    throw new TriageInputError(field, 'a calendar date written YYYY-MM-DD');
  }
}

function dayNumber(iso: string): number {
  const [year, month, day] = iso.split('-').map(Number);
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

function fromDayNumber(days: number): string {
  return utcDay(new Date(days * MS_PER_DAY));
}

/** A moment's calendar day in UTC, the day "today" means everywhere in claimflow. */
export function utcDay(moment: Date): string {
  return moment.toISOString().slice(0, 10);
}

/** Whole calendar days from `fromIsoDate` to `toIsoDate`; negative when `to` is earlier. */
export function daysBetween(fromIsoDate: string, toIsoDate: string): number {
  assertIsoDate(fromIsoDate, 'fromIsoDate');
  assertIsoDate(toIsoDate, 'toIsoDate');
  return dayNumber(toIsoDate) - dayNumber(fromIsoDate);
}

/** The date `days` calendar days after `isoDate` (before it when negative). */
export function addDays(isoDate: string, days: number, field = 'date'): string {
  assertIsoDate(isoDate, field);
  if (!Number.isSafeInteger(days)) throw new TriageInputError('days', 'a whole number');
  return fromDayNumber(dayNumber(isoDate) + days);
}
