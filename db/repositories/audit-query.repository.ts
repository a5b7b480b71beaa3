import { sql } from 'kysely';
import type { AuditEvent } from '../schema';
import type { Tx } from '../unit-of-work';

export interface AuditFilter {
  claimId?: string;
  actor?: string;
  from?: Date;
  to?: Date;
  afterSeq?: number;
  limit: number;
}

/** The auditor's reads of one tenant's chain (the unit of work's), filtered and verified. */
export class AuditQueryRepository {
  constructor(private readonly tx: Tx) {}

  async events(f: AuditFilter): Promise<AuditEvent[]> {
    let q = this.tx.selectFrom('audit_events').selectAll().orderBy('seq').limit(f.limit);
    if (f.claimId) q = q.where('claim_id', '=', f.claimId);
    if (f.actor) q = q.where('actor', '=', f.actor);
    if (f.from) q = q.where('occurred_at', '>=', f.from);
    if (f.to) q = q.where('occurred_at', '<', f.to);
    if (f.afterSeq !== undefined) q = q.where('seq', '>', String(f.afterSeq));
    return q.execute();
  }

  /** The claim's workflow id, and nothing else of it: what a timeline joins the audit events with. */
  async claimWorkflow(claimId: string): Promise<{ workflowId: string | null } | undefined> {
    return this.tx
      .selectFrom('claims')
      .select('workflow_id as workflowId')
      .where('id', '=', claimId)
      .executeTakeFirst();
  }

  /** Recomputes the tenant's chain: content hashes, links, gaps and the head; names the first broken link. */
  async verify(): Promise<{
    events: number;
    lastSeq: number;
    firstBroken?: number;
    problem?: string;
  }> {
    const { rows } = await sql<{
      at: string | null;
      problem: string | null;
      events: string;
      last: string | null;
    }>`
      WITH chain AS (
        SELECT e.seq, e.hash = audit_event_hash(e) AS content_ok,
          e.seq = coalesce(lag(e.seq) OVER w, 0) + 1 AS seq_ok,
          e.prev_hash = coalesce(lag(e.hash) OVER w, decode(repeat('00', 32), 'hex')) AS link_ok,
          e.hash
        FROM audit_events e WINDOW w AS (ORDER BY e.seq)),
      firstbad AS (
        SELECT seq, CASE WHEN NOT seq_ok THEN 'event missing'
          WHEN NOT content_ok THEN 'hash does not match the event''s content'
          ELSE 'previous hash does not match the event before' END AS problem
        FROM chain WHERE NOT (content_ok AND seq_ok AND link_ok) ORDER BY seq LIMIT 1),
      tail AS (SELECT seq, hash FROM chain ORDER BY seq DESC LIMIT 1)
      SELECT (SELECT seq::text FROM firstbad) AS at, (SELECT problem FROM firstbad) AS problem,
        (SELECT count(*)::text FROM chain) AS events,
        (SELECT CASE WHEN h.seq IS DISTINCT FROM t.seq OR h.hash IS DISTINCT FROM t.hash
           THEN 'chain head does not match the last event' END
         FROM tail t FULL JOIN audit_chain_heads h ON true) AS last`.execute(this.tx);
    const r = rows[0]!;
    const lastSeq = Number(r.events);
    if (r.at)
      return { events: Number(r.events), lastSeq, firstBroken: Number(r.at), problem: r.problem! };
    if (r.last) return { events: Number(r.events), lastSeq, firstBroken: lastSeq, problem: r.last };
    return { events: Number(r.events), lastSeq };
  }
}
