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
import { Client, escapeLiteral, Pool, types } from 'pg';
import type { DB } from './schema';

// int8 stays a string (exact cents); numeric too. Dates parse as Date.
types.setTypeParser(types.builtins.INT8, (v) => v);

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
    if (
      typeof text !== 'string' ||
      !Array.isArray(values) ||
      values.length === 0 ||
      callback !== undefined
    )
      return super.query(text, values, callback);
    const name = `cf${this.generation}_${createHash('sha1').update(text).digest('base64url')}`;
    if (!this.prepared.has(name)) {
      if (this.prepared.size >= PREPARED_PER_CONNECTION) return super.query(text, values);
      this.prepared.add(name);
    }
    return super.query({ name, text, values }).catch((err: unknown) => {
      if ((err as { code?: string }).code === '0A000') {
        this.generation++;
        this.prepared = new Set();
      }
      throw err;
    });
  }
}

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
