import { sql } from 'kysely';

/*
 * Values written into a statement's text rather than sent as parameters, where
 * a parameter keeps PostgreSQL from planning a prepared statement once. After
 * five executions it keeps a generic plan only if that plan's estimate is close
 * to the custom plans'; otherwise it plans the statement afresh on every call.
 */

/**
 * `status = 'open'`: only a literal matches the partial indexes on open review
 * tasks in a generic plan. With a parameter the review queue was planned on
 * every call, and ON CONFLICT inference is refused outright (42P10).
 */
export const OPEN = sql.lit('open' as const);

/**
 * A page size: a generic plan prices `LIMIT $1` at a tenth of the rows, so at a
 * million claims the queue's generic plan looked ten times dearer than a custom
 * one and was never used (planning cost more than running it). Page sizes are
 * few, so the statements stay few.
 */
export function pageLimit(n: number) {
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error('page size must be 1 to 1000');
  return sql.lit(n);
}
