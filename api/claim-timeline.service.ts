import { Inject, Injectable } from '@nestjs/common';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal as proto } from '@temporalio/proto';
import { AuditQueryRepository } from '../db/repositories/audit-query.repository';
import type { AuditEvent } from '../db/schema';
import { inTenant } from '../db/unit-of-work';
import type { Runtime } from '../ops/runtime';
import { claimWorkflowId } from '../workflows/contracts';
import { notFound } from './errors';
import type { Actor } from './principal';
import { RUNTIME, TEMPORAL } from './tokens';

type HistoryEvent = proto.api.history.v1.IHistoryEvent;
const EventType = proto.api.enums.v1.EventType;

/** Bookkeeping of the SDK, not steps of the claim: left out of an auditor's timeline (but for local activities' markers). */
const NOISE = new Set<number>([
  EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  EventType.EVENT_TYPE_MARKER_RECORDED,
  EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
]);
/** Enough for the longest appeal chain (each level continues as new); stops a loop on bad data. */
const MAX_RUNS = 20;
const MAX_AUDIT_EVENTS = 5_000;

export interface AuditEntry {
  source: 'audit';
  at: string;
  seq: number;
  actor: string;
  actorRole: string;
  action: string;
  outcome: string;
  purpose: string;
  resourceType: string;
  resourceId: string | null;
  requestId: string | null;
  workflowId: string | null;
  details: AuditEvent['details'];
}

export interface WorkflowEntry {
  source: 'workflow';
  at: string;
  runId: string;
  eventId: number;
  /**
   * Temporal's event type, e.g. ActivityTaskCompleted, TimerFired,
   * WorkflowExecutionUpdateAccepted; a local activity (recorded as a marker) is
   * LocalActivityCompleted or LocalActivityFailed.
   */
  eventType: string;
  /** The activity, update, signal or child workflow the event is about: a name, never its payload. */
  name: string | null;
  attempt: number | null;
}

export type TimelineEntry = AuditEntry | WorkflowEntry;

const typeName = (t: number | null | undefined) =>
  (EventType[t ?? 0] ?? 'EVENT_TYPE_UNSPECIFIED')
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());

const LOCAL_ACTIVITY_MARKER = 'core_local_activity';
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A local activity's type and attempt, from its marker's `data` detail: the
 * SDK's own bookkeeping in plain JSON. The `result` detail (the activity's
 * output, encrypted) is never read. Undefined for any other marker (patches).
 */
function localActivityOf(
  e: HistoryEvent,
): { name: string | null; attempt: number | null; failed: boolean } | undefined {
  const m = e.markerRecordedEventAttributes;
  if (m?.markerName !== LOCAL_ACTIVITY_MARKER) return undefined;
  const failed = Boolean(m.failure);
  const payload = m.details?.data?.payloads?.[0];
  const encoding = payload?.metadata?.encoding;
  if (!payload?.data || !encoding || utf8.decode(encoding) !== 'json/plain')
    return { name: null, attempt: null, failed };
  try {
    const d = JSON.parse(utf8.decode(payload.data)) as {
      activity_type?: unknown;
      attempt?: unknown;
    };
    return {
      name: typeof d.activity_type === 'string' ? d.activity_type.slice(0, 200) : null,
      attempt: typeof d.attempt === 'number' ? d.attempt : null,
      failed,
    };
  } catch {
    return { name: null, attempt: null, failed };
  }
}

/** The name an event is about, read from the fields that hold names only (payloads are never touched). */
function nameOf(e: HistoryEvent, scheduled: Map<string, string>): string | null {
  const byScheduled = (id: unknown) => scheduled.get(String(id)) ?? null;
  return (
    e.activityTaskScheduledEventAttributes?.activityType?.name ??
    (e.activityTaskStartedEventAttributes &&
      byScheduled(e.activityTaskStartedEventAttributes.scheduledEventId)) ??
    (e.activityTaskCompletedEventAttributes &&
      byScheduled(e.activityTaskCompletedEventAttributes.scheduledEventId)) ??
    (e.activityTaskFailedEventAttributes &&
      byScheduled(e.activityTaskFailedEventAttributes.scheduledEventId)) ??
    (e.activityTaskTimedOutEventAttributes &&
      byScheduled(e.activityTaskTimedOutEventAttributes.scheduledEventId)) ??
    (e.activityTaskCanceledEventAttributes &&
      byScheduled(e.activityTaskCanceledEventAttributes.scheduledEventId)) ??
    e.workflowExecutionStartedEventAttributes?.workflowType?.name ??
    e.workflowExecutionSignaledEventAttributes?.signalName ??
    e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ??
    e.workflowExecutionUpdateAdmittedEventAttributes?.request?.input?.name ??
    e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name ??
    null
  );
}

/**
 * One claim's whole story for an auditor: its audit events (the chain's rows
 * for the claim) joined with its workflow's Temporal history, every run of it
 * (each appeal level continues as new). From the history only the event type,
 * time and the name of the activity, update or signal are taken; payloads and
 * failure texts stay where they are.
 */
@Injectable()
export class ClaimTimelineService {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(TEMPORAL) private readonly temporal: Client,
  ) {}

  async timeline(who: Actor, claimId: string) {
    const { claim, events } = await inTenant(this.runtime.db, who, async (tx) => {
      const repo = new AuditQueryRepository(tx);
      return {
        claim: await repo.claimWorkflow(claimId),
        events: await repo.events({ claimId, limit: MAX_AUDIT_EVENTS }),
      };
    });
    // A claim whose row is gone keeps its trail; with neither, it is not this tenant's.
    if (!claim && !events.length) throw notFound('claim');
    const workflowId = claim?.workflowId ?? claimWorkflowId(claimId);
    const history = await this.history(workflowId);
    const audit: AuditEntry[] = events.map((e) => ({
      source: 'audit',
      at: new Date(e.occurred_at).toISOString(),
      seq: Number(e.seq),
      actor: e.actor,
      actorRole: e.actor_role,
      action: e.action,
      outcome: e.outcome,
      purpose: e.purpose,
      resourceType: e.resource_type,
      resourceId: e.resource_id,
      requestId: e.request_id,
      workflowId: e.workflow_id,
      details: e.details,
    }));
    const entries: TimelineEntry[] = [...audit, ...history.entries].sort(
      (a, b) =>
        a.at.localeCompare(b.at) || (a.source === b.source ? 0 : a.source === 'audit' ? 1 : -1),
    );
    return {
      claimId,
      workflowId,
      auditEvents: audit.length,
      auditTruncated: events.length === MAX_AUDIT_EVENTS,
      workflowEvents: history.entries.length,
      runs: history.runs,
      historyAvailable: history.runs.length > 0,
      entries,
    };
  }

  /** The newest run first, then each run it continued from, back to the first. */
  private async history(workflowId: string) {
    const entries: WorkflowEntry[] = [];
    const runs: string[] = [];
    let runId: string | undefined;
    try {
      runId = (await this.temporal.workflow.getHandle(workflowId).describe()).runId;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { entries, runs };
      throw err;
    }
    for (let i = 0; runId && i < MAX_RUNS; i++) {
      const thisRun: string = runId;
      let events: HistoryEvent[];
      try {
        events =
          (await this.temporal.workflow.getHandle(workflowId, thisRun).fetchHistory()).events ?? [];
      } catch (err) {
        // An older run past the namespace's retention: the newer runs still tell the story.
        if (err instanceof WorkflowNotFoundError) break;
        throw err;
      }
      runs.push(thisRun);
      const scheduled = new Map<string, string>();
      for (const e of events) {
        const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
        if (name) scheduled.set(String(e.eventId), name);
        const local = localActivityOf(e);
        if (!local && NOISE.has(e.eventType ?? 0)) continue;
        entries.push({
          source: 'workflow',
          at: new Date(tsToMs(e.eventTime)).toISOString(),
          runId: thisRun,
          eventId: Number(e.eventId),
          eventType: local
            ? local.failed
              ? 'LocalActivityFailed'
              : 'LocalActivityCompleted'
            : typeName(e.eventType),
          name: local ? local.name : nameOf(e, scheduled),
          attempt: local ? local.attempt : (e.activityTaskStartedEventAttributes?.attempt ?? null),
        });
      }
      runId =
        events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
    }
    return { entries, runs };
  }
}
