import { sql } from 'kysely';
import type { Database } from '../database';
import type { AuditDetails, AuditEvent, AuditOutcome, AuditPurpose } from '../schema';
import type { Tx } from '../unit-of-work';

/**
 * One event of the audit trail, by reference: ids, codes and hashes, never the
 * PHI itself. Tenant, actor, role and request come from the unit of work
 * (`inTenant`) unless given here; the database assigns seq, hashes and time.
 */
export interface AuditEntry {
  /** `<resource>.<verb>`, e.g. `claim.read`, `appeal.submit`, `ai.analyze`. */
  action: string;
  resourceType: string;
  resourceId?: string | null;
  /** The claim this event concerns, so `audit trace <claimId>` finds it. */
  claimId?: string | null;
  purpose: AuditPurpose;
  outcome?: AuditOutcome;
  workflowId?: string | null;
  details?: AuditDetails;
  actor?: string;
  actorRole?: string;
  requestId?: string;
}

export class AuditError extends Error {
  readonly code = 'AUDIT_INVALID';
}

const DETAIL_KEY = /^[a-zA-Z][a-zA-Z0-9_]{0,39}$/;

/** Details are small scalars under plain keys; anything else is refused rather than stored. */
function checkDetails(details: AuditDetails | undefined): AuditDetails {
  if (!details) return {};
  const keys = Object.keys(details);
  if (keys.length > 20) throw new AuditError('audit details hold at most 20 keys');
  for (const key of keys) {
    const v: unknown = details[key];
    if (!DETAIL_KEY.test(key)) throw new AuditError(`audit detail key "${key}" is not plain`);
    const ok =
      v === null ||
      typeof v === 'boolean' ||
      (typeof v === 'number' && Number.isFinite(v)) ||
      (typeof v === 'string' && v.length <= 200);
    if (!ok) throw new AuditError(`audit detail "${key}" must be a short scalar`);
  }
  return details;
}

function row(entry: AuditEntry) {
  return {
    action: entry.action,
    resource_type: entry.resourceType,
    resource_id: entry.resourceId ?? null,
    claim_id: entry.claimId ?? null,
    purpose: entry.purpose,
    outcome: entry.outcome ?? 'success',
    workflow_id: entry.workflowId ?? null,
    details: checkDetails(entry.details),
    ...(entry.actor ? { actor: entry.actor } : {}),
    ...(entry.actorRole ? { actor_role: entry.actorRole } : {}),
    ...(entry.requestId ? { request_id: entry.requestId } : {}),
  };
}

export interface ChainReport {
  tenantId: string;
  slug: string;
  events: number;
  lastSeq: number;
  /** The first sequence number whose link does not hold; undefined when intact. */
  firstBroken?: number;
  problem?: string;
}

export class AuditRepository {
  constructor(private readonly tx: Tx) {}

  /** Appends one event in the caller's transaction: it commits or rolls back with the change it describes. */
  async record(entry: AuditEntry): Promise<{ seq: number }> {
    const r = await this.tx
      .insertInto('audit_events')
      .values(row(entry))
      .returning('seq')
      .executeTakeFirstOrThrow();
    return { seq: Number(r.seq) };
  }

  /** Many events in one statement (one lock, one head move): for batch work. */
  async recordMany(entries: AuditEntry[]): Promise<number> {
    let n = 0;
    for (let i = 0; i < entries.length; i += 1000) {
      const chunk = entries.slice(i, i + 1000);
      await this.tx.insertInto('audit_events').values(chunk.map(row)).execute();
      n += chunk.length;
    }
    return n;
  }

  /** One claim's events in chain order, within the unit of work's tenant. */
  async trace(claimId: string): Promise<AuditEvent[]> {
    return this.tx
      .selectFrom('audit_events')
      .selectAll()
      .where('claim_id', '=', claimId)
      .orderBy('seq')
      .execute();
  }

  async page(afterSeq: number, limit = 100): Promise<AuditEvent[]> {
    return this.tx
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>', String(afterSeq))
      .orderBy('seq')
      .limit(Math.min(limit, 1000))
      .execute();
  }

  /**
   * Operator's view across tenants (the CLI's admin connection): one claim's
   * events, whichever tenant holds it.
   */
  static async traceUnscoped(adminDb: Database, claimId: string): Promise<AuditEvent[]> {
    return adminDb
      .selectFrom('audit_events')
      .selectAll()
      .where('claim_id', '=', claimId)
      .orderBy('tenant_id')
      .orderBy('seq')
      .execute();
  }

  /**
   * Recomputes every chain and names the first broken link per tenant: each
   * row's hash from its content and stored prev_hash (a scan PostgreSQL runs in
   * parallel), each prev_hash against the row before and seq without gaps (a
   * window pass without hashing), and the head against the last row (a deleted
   * tail). One REPEATABLE READ snapshot, so appends meanwhile change nothing.
   * Needs a handle that reads across tenants.
   */
  static async verifyUnscoped(
    adminDb: Database,
    opts: { tenantId?: string } = {},
  ): Promise<ChainReport[]> {
    const tenant = opts.tenantId ?? null;
    const only = (column: string) =>
      sql`(${tenant}::uuid IS NULL OR ${sql.ref(column)} = ${tenant}::uuid)`;
    type Finding = { tenant_id: string; at: string; problem: string };
    const { content, links, heads } = await adminDb
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (tx) => {
        await sql`SET TRANSACTION READ ONLY`.execute(tx);
        const content = await sql<Finding>`
          SELECT tenant_id, min(seq)::text AS at, 'hash does not match the event''s content' AS problem
          FROM audit_events e WHERE ${only('e.tenant_id')} AND e.hash <> audit_event_hash(e)
          GROUP BY tenant_id`.execute(tx);
        const links = await sql<Finding>`
          SELECT DISTINCT ON (tenant_id) tenant_id, at::text AS at, problem FROM (
            SELECT e.tenant_id, e.seq,
              CASE WHEN e.seq <> coalesce(lag(e.seq) OVER w, 0) + 1
                THEN coalesce(lag(e.seq) OVER w, 0) + 1 ELSE e.seq END AS at,
              CASE
                WHEN e.seq <> coalesce(lag(e.seq) OVER w, 0) + 1 THEN 'event missing'
                WHEN e.prev_hash <> coalesce(lag(e.hash) OVER w, decode(repeat('00', 32), 'hex'))
                  THEN 'previous hash does not match the event before'
              END AS problem
            FROM audit_events e WHERE ${only('e.tenant_id')}
            WINDOW w AS (PARTITION BY e.tenant_id ORDER BY e.seq)
          ) chain WHERE problem IS NOT NULL ORDER BY tenant_id, seq`.execute(tx);
        const heads = await sql<{
          tenant_id: string;
          slug: string;
          events: string;
          last_seq: string | null;
          at: string | null;
          problem: string | null;
        }>`
          WITH counts AS (
            SELECT tenant_id, count(*) AS events, max(seq) AS last_seq FROM audit_events
            WHERE ${only('tenant_id')} GROUP BY tenant_id)
          SELECT t.id AS tenant_id, t.slug, coalesce(c.events, 0)::text AS events,
            c.last_seq::text AS last_seq,
            (CASE
              WHEN h.seq IS NULL AND c.last_seq IS NOT NULL THEN c.last_seq
              WHEN h.seq > coalesce(c.last_seq, 0) THEN coalesce(c.last_seq, 0) + 1
              WHEN h.seq < c.last_seq THEN h.seq + 1
              WHEN h.hash <> l.hash THEN c.last_seq
            END)::text AS at,
            CASE
              WHEN h.seq IS NULL AND c.last_seq IS NOT NULL THEN 'chain head missing'
              WHEN h.seq > coalesce(c.last_seq, 0) THEN 'events at the end of the chain are missing'
              WHEN h.seq < c.last_seq THEN 'events were appended without moving the head'
              WHEN h.hash <> l.hash THEN 'chain head does not match the last event'
            END AS problem
          FROM tenants t
          LEFT JOIN counts c ON c.tenant_id = t.id
          LEFT JOIN audit_events l ON l.tenant_id = t.id AND l.seq = c.last_seq
          LEFT JOIN audit_chain_heads h ON h.tenant_id = t.id
          WHERE ${only('t.id')}
          ORDER BY t.slug`.execute(tx);
        return { content: content.rows, links: links.rows, heads: heads.rows };
      });
    const first = new Map<string, { at: number; problem: string }>();
    for (const f of [...content, ...links, ...heads]) {
      if (f.at === null || f.problem === null) continue;
      const at = Number(f.at);
      const seen = first.get(f.tenant_id);
      if (!seen || at < seen.at) first.set(f.tenant_id, { at, problem: f.problem });
    }
    return heads.map((r) => {
      const broken = first.get(r.tenant_id);
      return {
        tenantId: r.tenant_id,
        slug: r.slug,
        events: Number(r.events),
        lastSeq: Number(r.last_seq ?? 0),
        ...(broken ? { firstBroken: broken.at, problem: broken.problem } : {}),
      };
    });
  }
}

/** The hint's shape: `record(tx, entry)`, for callers that hold only a transaction. */
export function recordAudit(tx: Tx, entry: AuditEntry): Promise<{ seq: number }> {
  return new AuditRepository(tx).record(entry);
}
