import { sql, type Transaction } from 'kysely';
import type { Database } from './database';
import type { DB } from './schema';

export type Tx = Transaction<DB>;

export interface ScopeContext {
  tenantId: string;
  /** user id, api key id, or `workflow:<id>` / `system:<job>` */
  actor: string;
  /** The actor's role in this unit of work (admin, reviewer, …, `system`); audit events record it. */
  role?: string;
  /** HTTP request id, or the Temporal workflow id for activities. */
  requestId?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Workflows, jobs and the CLI act as `system`; a person's role must be given. */
function defaultRole(actor: string): string {
  return /^(workflow|system):/.test(actor) ? 'system' : '';
}

/**
 * The only way application code reaches tenant data: one transaction with the
 * tenant (and actor) set LOCAL, so RLS scopes every statement in it and the
 * setting cannot leak to the next user of the pooled connection.
 */
export async function inTenant<T>(
  db: Database,
  ctx: ScopeContext,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  if (!UUID.test(ctx.tenantId)) throw new Error('tenant id must be a uuid');
  return db.transaction().execute(async (tx) => {
    await sql`SELECT set_config('app.tenant_id', ${ctx.tenantId}, true), set_config('app.actor', ${ctx.actor}, true), set_config('app.request_id', ${ctx.requestId ?? ''}, true), set_config('app.actor_role', ${ctx.role ?? defaultRole(ctx.actor)}, true)`.execute(
      tx,
    );
    return work(tx);
  });
}
