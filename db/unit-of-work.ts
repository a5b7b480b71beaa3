import type { Transaction } from 'kysely';
import { type Database, transactionLocals } from './database';
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
  const locals = {
    'app.tenant_id': ctx.tenantId,
    'app.actor': ctx.actor,
    'app.request_id': ctx.requestId ?? '',
    'app.actor_role': ctx.role ?? defaultRole(ctx.actor),
  };
  // createDatabase's driver sends these with BEGIN, in the same round trip.
  return transactionLocals.run(locals, () => db.transaction().execute(work));
}
