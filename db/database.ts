import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import {
  CompiledQuery,
  type DatabaseConnection,
  Kysely,
  PostgresDialect,
  type PostgresDialectConfig,
  PostgresDriver,
  sql,
  type TransactionSettings,
} from 'kysely';
import { Client, escapeLiteral, Pool, Query, types } from 'pg';
import { readTimestamptz } from './pg-dates';
import type { DB } from './schema';

// int8 stays a string (exact cents); numeric too. timestamptz parses as Date, plain forms by
// our faster reader (db/pg-dates.ts), anything else by pg's own. A `date` is a calendar day
// with no zone: it stays 'YYYY-MM-DD', since pg's Date at local midnight names another day
// wherever the server's zone is not UTC once it meets toISOString.
types.setTypeParser(types.builtins.INT8, (v) => v);
const pgTimestamptz = types.getTypeParser(types.builtins.TIMESTAMPTZ);
types.setTypeParser(types.builtins.TIMESTAMPTZ, (v) => readTimestamptz(v) ?? pgTimestamptz(v));
types.setTypeParser(types.builtins.DATE, (v) => v);

export const OWNER_ROLE = 'claimflow_owner';
export const APP_ROLE = 'claimflow_app';

export type Database = Kysely<DB>;

/** Distinct statements one connection keeps prepared; past that, queries run unnamed. */
const PREPARED_PER_CONNECTION = 500;

/**
 * Names every parameterised query by a hash of its text, so PostgreSQL parses
 * and plans it once per connection rather than on every call (Kysely sends
 * unnamed statements; planning was half of the server's time per API request).
 * A migration that changes a prepared statement's result columns fails it once
 * ("cached plan must not change result type"); the connection then starts a new
 * generation of names and prepares afresh.
 */
export class PreparingClient extends Client {
  private generation = 0;
  private prepared = new Set<string>();

  // pg's query() has a dozen overloads; this passes every form through and names one.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(text: any, values?: any, callback?: any): any {
    // Kysely always passes an array of values; pg's own and the pool's queries never do.
    const scope = Array.isArray(values) ? statementScope.getStore() : undefined;
    if (scope && typeof text === 'string' && callback === undefined)
      return this.scoped(scope, text, values as unknown[]);
    if (
      typeof text !== 'string' ||
      !Array.isArray(values) ||
      values.length === 0 ||
      callback !== undefined
    )
      return super.query(text, values, callback);
    const name = this.nameFor(text);
    if (name === undefined) return super.query(text, values);
    return this.retryingGeneration(super.query({ name, text, values }));
  }

  /** The statement's prepared name on this connection, or undefined when the connection is full. */
  private nameFor(text: string): string | undefined {
    const name = `cf${this.generation}_${statementHash(text)}`;
    if (!this.prepared.has(name)) {
      if (this.prepared.size >= PREPARED_PER_CONNECTION) return undefined;
      this.prepared.add(name);
    }
    return name;
  }

  private retryingGeneration<T>(result: Promise<T>): Promise<T> {
    return result.catch((err: unknown) => {
      if ((err as { code?: string }).code === '0A000') {
        this.generation++;
        this.prepared = new Set();
      }
      throw err;
    });
  }

  /**
   * The scope's settings and the statement in one pipeline, ended by one Sync:
   * PostgreSQL runs everything before a Sync as one implicit transaction, so
   * the LOCAL settings hold for the statement and are gone when it ends.
   */
  private async scoped(scope: StatementScope, text: string, values: unknown[]) {
    if (scope.used) throw new Error('readInTenant runs exactly one statement');
    scope.used = true;
    const names = Object.keys(scope.locals);
    const settings = names.map((n) => scope.locals[n]!);
    const setText = `SELECT ${names.map((n, i) => `set_config(${escapeLiteral(n)}, $${i + 1}, true)`).join(', ')}`;
    const setName = `cf_scope_${statementHash(setText)}`;
    // Once per connection: prepared through pg's own bookkeeping, so the pipeline only binds it.
    if (!this.prepared.has(setName)) {
      await super.query({ name: setName, text: setText, values: settings });
      this.prepared.add(setName);
    }
    const name = this.nameFor(text);
    return this.retryingGeneration(
      new Promise<unknown>((resolve, reject) => {
        super.query(
          new ScopedQuery({ name, text, values }, setName, settings, (err, result) =>
            err ? reject(err) : resolve(result),
          ),
        );
      }),
    );
  }
}

const statementNames = new Map<string, string>();

/** Statement texts are few and long; hashing each on every call was 2% of the API's CPU. */
function statementHash(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = createHash('sha1').update(text).digest('base64url');
    if (statementNames.size < 10 * PREPARED_PER_CONNECTION) statementNames.set(text, name);
  }
  return name;
}

interface PgConnection {
  bind(config: { statement: string; values: unknown[] }): void;
  execute(config: { portal: string }): void;
}

/**
 * pg's Query, preceded in the same pipeline by the execution of the prepared
 * settings statement, whose one row and completion it drops.
 */
class ScopedQuery extends Query {
  private settingsDone = false;

  constructor(
    config: { name: string | undefined; text: string; values: unknown[] },
    private readonly setName: string,
    private readonly settings: string[],
    callback: (err: Error | null, result: unknown) => void,
  ) {
    const { name, text, values } = config;
    super(name ? { name, text, values } : { text, values }, callback);
  }

  // Not in pg's type declarations: the extended-protocol steps Query itself sends.
  prepare(connection: PgConnection): void {
    connection.bind({ statement: this.setName, values: this.settings });
    connection.execute({ portal: '' });
    (Query.prototype as unknown as { prepare(c: PgConnection): void }).prepare.call(
      this,
      connection,
    );
  }

  // The query is always prepared (even without values), so it goes through prepare().
  requiresPreparation(): boolean {
    return true;
  }

  handleDataRow(msg: unknown): void {
    if (this.settingsDone) (Query.prototype as unknown as Handlers).handleDataRow.call(this, msg);
  }

  handleCommandComplete(msg: unknown, connection: unknown): void {
    if (!this.settingsDone) {
      this.settingsDone = true;
      return;
    }
    (Query.prototype as unknown as Handlers).handleCommandComplete.call(this, msg, connection);
  }
}

interface Handlers {
  handleDataRow(msg: unknown): void;
  handleCommandComplete(msg: unknown, connection: unknown): void;
}

interface StatementScope {
  readonly locals: Readonly<Record<string, string>>;
  used: boolean;
}

/**
 * The settings for the one statement db/unit-of-work.ts's readInTenant runs:
 * read by the client when Kysely sends it, and spent by it.
 */
export const statementScope = new AsyncLocalStorage<StatementScope>();

export function createPool(url: string, opts: { max?: number; role?: string } = {}): Pool {
  const pool = new Pool({
    Client: PreparingClient,
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'claimflow',
  });
  // An idle client's error (server restart) must not crash the process.
  pool.on('error', () => undefined);
  if (opts.role) {
    const role = opts.role;
    pool.on('connect', (client) => {
      client.query(`SET ROLE ${role}`).catch(() => undefined);
    });
  }
  return pool;
}

/**
 * Transaction-local settings (`app.tenant_id`, the actor, …) that the next
 * transaction begun in this async context carries. db/unit-of-work.ts sets
 * them; the driver sends them in the same round trip as BEGIN.
 */
export const transactionLocals = new AsyncLocalStorage<Readonly<Record<string, string>>>();

/** BEGIN and the unit of work's settings in one simple-protocol round trip instead of two. */
class ScopedPostgresDriver extends PostgresDriver {
  override async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    const locals = transactionLocals.getStore();
    if (!locals) return super.beginTransaction(connection, settings);
    const begin = [
      'BEGIN',
      settings.isolationLevel ? `ISOLATION LEVEL ${settings.isolationLevel}` : '',
      settings.accessMode ?? '',
    ]
      .filter(Boolean)
      .join(' ');
    // Literals, not parameters: the simple protocol carries several statements but no
    // parameters; escapeLiteral is pg's own quoting, and the names are ours.
    const sets = Object.entries(locals)
      .map(([name, value]) => `set_config(${escapeLiteral(name)}, ${escapeLiteral(value)}, true)`)
      .join(', ');
    await connection.executeQuery(CompiledQuery.raw(`${begin}; SELECT ${sets}`));
  }
}

class ScopedPostgresDialect extends PostgresDialect {
  constructor(private readonly config: PostgresDialectConfig) {
    super(config);
  }

  override createDriver(): PostgresDriver {
    return new ScopedPostgresDriver(this.config);
  }
}

export function createDatabase(url: string, opts: { max?: number; role?: string } = {}): Database {
  return new Kysely<DB>({ dialect: new ScopedPostgresDialect({ pool: createPool(url, opts) }) });
}

/** The app role's URL: APP_DATABASE_URL, else the admin URL with the app role's credentials. */
export function appDatabaseUrl(
  adminUrl: string,
  appPassword: string,
  appUrl?: string,
  database?: string,
): string {
  if (appUrl) return appUrl;
  const u = new URL(adminUrl);
  u.username = APP_ROLE;
  u.password = appPassword;
  if (database) u.pathname = `/${database}`;
  return u.toString();
}

export function withDatabaseName(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function ping(db: Database): Promise<void> {
  await sql`select 1`.execute(db);
}
