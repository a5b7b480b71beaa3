import {
  type Compilable,
  type CompiledQuery,
  createQueryId,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';
import type { DB } from './schema';

const SLOT = '\u0000claimflow-slot-';

/**
 * A statement whose shape never changes, built and compiled by Kysely once
 * per variant instead of on every call: building the review queue's operation
 * tree and compiling it to SQL was 30 to 60 us of a request that costs about
 * 500 us of the API's CPU in all. The values that change per call go in as
 * slots (`slot(0)`, `slot(1)`, ...), which bind() replaces in the compiled
 * parameters; everything else is fixed in the compiled statement.
 *
 * A variant key must name everything that shapes the statement (e.g. a page
 * size written as a literal), and variants must be few. Statements are built
 * on `queryBuilder`, so the executing instance's plugins transform results
 * only, never the statement: for plain reads.
 */
export class QueryTemplate<Row, Key extends string | number = string | number> {
  private readonly compiled = new Map<Key, { query: CompiledQuery<Row>; slots: number[][] }>();

  constructor(
    private readonly build: (key: Key) => Compilable<Row>,
    private readonly maxVariants = 64,
  ) {}

  /** The variant's compiled statement with the slots' values in place. */
  bind(key: Key, values: readonly unknown[]): CompiledQuery<Row> {
    const { query, slots } = this.variant(key);
    if (values.length !== slots.length)
      throw new Error(`the statement has ${slots.length} slots, ${values.length} values given`);
    const parameters = query.parameters.slice();
    for (let i = 0; i < slots.length; i++) for (const at of slots[i]!) parameters[at] = values[i];
    // A query id of its own: plugins pair a statement with its result by it.
    return { ...query, parameters, queryId: createQueryId() };
  }

  private variant(key: Key) {
    const known = this.compiled.get(key);
    if (known) return known;
    const query = this.build(key).compile();
    const slots: number[][] = [];
    query.parameters.forEach((p, at) => {
      if (typeof p !== 'string' || !p.startsWith(SLOT)) return;
      const i = Number(p.slice(SLOT.length));
      (slots[i] ??= []).push(at);
    });
    for (let i = 0; i < slots.length; i++)
      if (slots[i] === undefined) throw new Error(`slot ${i} is missing: number slots from 0`);
    if (this.compiled.size < this.maxVariants) this.compiled.set(key, { query, slots });
    return { query, slots };
  }
}

/**
 * The stand-in for the i-th per-call value of a QueryTemplate. It is typed as
 * the value it stands for, so the builder checks the column against it.
 */
export function slot<T = string>(i: number): T {
  return `${SLOT}${i}` as unknown as T;
}

/** Builds and compiles statements for PostgreSQL; it has no connection and runs nothing. */
export const queryBuilder = new Kysely<DB>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
