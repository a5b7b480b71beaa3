import { Client } from 'pg';
import { Migrator, type MigrationResultSet } from 'kysely';
import { createDatabase, OWNER_ROLE } from './database';
import { bootstrapRolesSql } from './migrations/2026112400_roles';
import { migrations } from './migrations';

export class MigrationError extends Error {
  readonly code = 'MIGRATION_FAILED';
}

/** Creates the database named in the URL when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
    throw new MigrationError(`database name "${name}" is not a plain identifier`);
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } catch (err) {
      if ((err as { code?: string }).code !== '42P04') throw err; // created concurrently
    }
    return true;
  } finally {
    await client.end();
  }
}

async function bootstrapRoles(adminUrl: string, appPassword: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(bootstrapRolesSql(appPassword));
    const db = decodeURIComponent(new URL(adminUrl).pathname.slice(1));
    await client.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
    await client.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO claimflow_app`);
  } finally {
    await client.end();
  }
}

function migratorFor(adminUrl: string) {
  const db = createDatabase(adminUrl, { max: 1, role: OWNER_ROLE });
  return {
    db,
    migrator: new Migrator({ db, provider: { getMigrations: async () => migrations } }),
  };
}

function check(result: MigrationResultSet): MigrationResultSet {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const why = result.error instanceof Error ? result.error.message : String(result.error);
    throw new MigrationError(`migration ${failed?.migrationName ?? '(setup)'} failed: ${why}`);
  }
  return result;
}

/** Runs every pending migration as the owner role; returns the names applied. */
export async function migrateToLatest(adminUrl: string, appPassword: string): Promise<string[]> {
  await ensureDatabase(adminUrl);
  await bootstrapRoles(adminUrl, appPassword);
  const { db, migrator } = migratorFor(adminUrl);
  try {
    const result = check(await migrator.migrateToLatest());
    return (result.results ?? []).map((r) => r.migrationName);
  } finally {
    await db.destroy();
  }
}

export async function migrateDown(adminUrl: string): Promise<string[]> {
  const { db, migrator } = migratorFor(adminUrl);
  try {
    const result = check(await migrator.migrateDown());
    return (result.results ?? []).map((r) => r.migrationName);
  } finally {
    await db.destroy();
  }
}

export interface MigrationState {
  name: string;
  executedAt: Date | undefined;
}

/** Read-only: which migrations ran, from the migrator's own table. */
export async function migrationStatus(adminUrl: string): Promise<MigrationState[]> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query(`SELECT to_regclass('public.kysely_migration') AS t`);
    const ran = new Map<string, Date>();
    if (exists.rows[0]?.t) {
      const rows = await client.query<{ name: string; timestamp: string }>(
        'SELECT name, timestamp FROM kysely_migration',
      );
      for (const r of rows.rows) ran.set(r.name, new Date(r.timestamp));
    }
    return Object.keys(migrations)
      .sort()
      .map((name) => ({ name, executedAt: ran.get(name) }));
  } finally {
    await client.end();
  }
}
