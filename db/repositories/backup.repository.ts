import { sql } from 'kysely';
import type { Database } from '../database';
import { bootstrapRolesSql } from '../migrations/2026112400_roles';

export interface ChainHead {
  tenantId: string;
  seq: number;
  hash: string;
}

export interface CatalogFacts {
  /** Rows per table of the public schema, counted in the snapshot. */
  tables: Record<string, number>;
  auditHeads: ChainHead[];
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`"${name}" is not a plain identifier`);
  return name;
}

/**
 * What backups ask of the database itself, across every tenant: only an
 * administrator's handle (a superuser, or a role with BYPASSRLS) may call it,
 * which is why every method is static and takes that handle by name.
 */
export class BackupRepository {
  /** Whether the handle's role sees every tenant's rows (RLS is forced on every tenant table). */
  static async bypassesRls(adminDb: Database): Promise<{ role: string; bypasses: boolean }> {
    const r = await sql<{ role: string; bypasses: boolean }>`
      SELECT current_user AS role, (rolsuper OR rolbypassrls) AS bypasses
      FROM pg_roles WHERE rolname = current_user`.execute(adminDb);
    return r.rows[0] ?? { role: 'unknown', bypasses: false };
  }

  static async serverVersion(adminDb: Database): Promise<{ major: number; version: string }> {
    const r = await sql<{ num: string; version: string }>`
      SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS version`.execute(
      adminDb,
    );
    return { major: Math.floor(Number(r.rows[0]!.num) / 10000), version: r.rows[0]!.version };
  }

  /**
   * Runs `work` inside a read-only REPEATABLE READ transaction whose snapshot
   * is exported, so pg_dump (given the snapshot id) and these counts see the
   * very same data; the transaction stays open until `work` is done.
   */
  static async inExportedSnapshot<T>(
    adminDb: Database,
    work: (snapshot: string, facts: CatalogFacts) => Promise<T>,
  ): Promise<T> {
    return adminDb
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (tx) => {
        await sql`SET TRANSACTION READ ONLY`.execute(tx);
        const { rows } = await sql<{ id: string }>`SELECT pg_export_snapshot() AS id`.execute(tx);
        const facts = await BackupRepository.facts(tx);
        return work(rows[0]!.id, facts);
      });
  }

  /** Row counts of every table of the public schema and each tenant's audit chain head. */
  static async facts(db: Database): Promise<CatalogFacts> {
    const names = await sql<{ name: string }>`
      SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`.execute(
      db,
    );
    const tables: Record<string, number> = {};
    for (const { name } of names.rows) {
      const r = await sql<{
        n: string;
      }>`SELECT count(*)::text AS n FROM ${sql.table(ident(name))}`.execute(db);
      tables[name] = Number(r.rows[0]!.n);
    }
    const heads =
      tables.audit_chain_heads === undefined
        ? { rows: [] }
        : await sql<{ tenant_id: string; seq: string; hash: string }>`
          SELECT tenant_id, seq::text, encode(hash, 'hex') AS hash FROM audit_chain_heads ORDER BY tenant_id`.execute(
            db,
          );
    return {
      tables,
      auditHeads: heads.rows.map((h) => ({
        tenantId: h.tenant_id,
        seq: Number(h.seq),
        hash: h.hash,
      })),
    };
  }

  /** The cluster-wide roles a dump's owners and grants name: a new cluster has none. */
  static async ensureRoles(adminDb: Database, appPassword: string): Promise<void> {
    await sql.raw(bootstrapRolesSql(appPassword)).execute(adminDb);
  }

  /** Tables in the database's own schemas: zero means a restore cannot overwrite anything. */
  static async userTableCount(adminDb: Database): Promise<number> {
    const r = await sql<{ n: string }>`
      SELECT count(*)::text AS n FROM pg_tables
      WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`.execute(adminDb);
    return Number(r.rows[0]!.n);
  }

  /** Row checksums per table (md5 of every row's text, in order): two databases equal row for row compare equal. */
  static async tableDigests(adminDb: Database): Promise<Record<string, string>> {
    const names = await sql<{ name: string }>`
      SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`.execute(
      adminDb,
    );
    const out: Record<string, string> = {};
    for (const { name } of names.rows) {
      const r = await sql<{ digest: string | null }>`
        SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS digest
        FROM ${sql.table(ident(name))} t`.execute(adminDb);
      out[name] = r.rows[0]!.digest ?? 'empty';
    }
    return out;
  }

  /** Creates an empty database, or (force) drops the existing one first, disconnecting its users. */
  static async recreateDatabase(maintenanceDb: Database, name: string, force: boolean) {
    if (force)
      await sql`DROP DATABASE IF EXISTS ${sql.id(ident(name))} WITH (FORCE)`.execute(maintenanceDb);
    await sql`CREATE DATABASE ${sql.id(ident(name))}`.execute(maintenanceDb);
  }

  static async dropDatabase(maintenanceDb: Database, name: string): Promise<void> {
    await sql`DROP DATABASE IF EXISTS ${sql.id(ident(name))} WITH (FORCE)`.execute(maintenanceDb);
  }

  static async databaseSize(maintenanceDb: Database, name: string): Promise<number> {
    const r = await sql<{ bytes: string }>`SELECT pg_database_size(${name})::text AS bytes`.execute(
      maintenanceDb,
    );
    return Number(r.rows[0]!.bytes);
  }

  static async databaseExists(maintenanceDb: Database, name: string): Promise<boolean> {
    const r = await sql`SELECT 1 FROM pg_database WHERE datname = ${name}`.execute(maintenanceDb);
    return r.rows.length > 0;
  }
}
