import type { Kysely, Transaction } from 'kysely';
import { type Database, statementScope, transactionLocals } from './database';
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
  // Its BEGIN would be taken for the read's one statement.
  if (statementScope.getStore()) throw new Error('inTenant cannot run inside readInTenant');
  // createDatabase's driver sends these with BEGIN, in the same round trip.
  return transactionLocals.run(scopeLocals(ctx), () => db.transaction().execute(work));
}

function scopeLocals(ctx: ScopeContext): Record<string, string> {
  if (!UUID.test(ctx.tenantId)) throw new Error('tenant id must be a uuid');
  return {
    'app.tenant_id': ctx.tenantId,
    'app.actor': ctx.actor,
    'app.request_id': ctx.requestId ?? '',
    'app.actor_role': ctx.role ?? defaultRole(ctx.actor),
  };
}

/** The database as readInTenant hands it to its one statement. */
export type Reader = Kysely<DB> & { readonly [reader]: true };
declare const reader: unique symbol;

/**
 * One read-only statement in the tenant's scope, in a single round trip
 * instead of three (BEGIN with settings, the statement, COMMIT): the settings
 * and the statement travel in one pipeline and PostgreSQL runs them as one
 * implicit transaction. For the hot paths that read no PHI; a PHI read needs
 * its audit event in the same transaction, so it goes through inTenant. A
 * second statement in `work` is refused.
 */
export async function readInTenant<T>(
  db: Database,
  ctx: ScopeContext,
  work: (db: Reader) => Promise<T>,
): Promise<T> {
  // In a transaction its LOCAL settings would last to the end of that transaction.
  if (db.isTransaction) throw new Error('readInTenant runs outside transactions');
  return statementScope.run({ locals: scopeLocals(ctx), used: false }, () => work(db as Reader));
}
