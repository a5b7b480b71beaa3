import { Kysely, PostgresDialect, sql } from 'kysely';
import { Pool, types } from 'pg';
import type { DB } from './schema';

// int8 stays a string (exact cents); numeric too. Dates parse as Date.
types.setTypeParser(types.builtins.INT8, (v) => v);

export const OWNER_ROLE = 'claimflow_owner';
export const APP_ROLE = 'claimflow_app';

export type Database = Kysely<DB>;

export function createPool(url: string, opts: { max?: number; role?: string } = {}): Pool {
  const pool = new Pool({
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

export function createDatabase(url: string, opts: { max?: number; role?: string } = {}): Database {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool: createPool(url, opts) }) });
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
