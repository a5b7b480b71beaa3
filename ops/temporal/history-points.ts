import { temporal } from '@temporalio/proto';

type Event = temporal.api.history.v1.IHistoryEvent;
const T = temporal.api.enums.v1.EventType;

/**
 * Events that mean a step went wrong; a reset must land before the step that
 * led to them. Workflow task failures are left out: one that never recovered
 * has no completed task after it anyway, and one a reset wrote (or a worker
 * restart caused) is no fault of the step before it.
 */
const INCIDENTS = new Set<number>([
  T.EVENT_TYPE_ACTIVITY_TASK_FAILED,
  T.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
  T.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED,
  T.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT,
  T.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED,
  T.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
]);

const id = (e: Event): number => Number(e.eventId ?? 0);

/** The scheduling event of the activity with this id (activity ids are unique within a run). */
function scheduledEvent(events: Event[], activityId: string): Event | undefined {
  return events.find(
    (ev) =>
      ev.eventType === T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED &&
      ev.activityTaskScheduledEventAttributes?.activityId === activityId,
  );
}

/**
 * Where the step behind an incident began: the activity's or child's
 * scheduling, else the event itself. A workflow's own failure names the
 * activity or child it rethrows; failing that, the task that decided to fail.
 */
function anchorOf(events: Event[], e: Event): number {
  const direct =
    e.activityTaskFailedEventAttributes?.scheduledEventId ??
    e.activityTaskTimedOutEventAttributes?.scheduledEventId ??
    e.childWorkflowExecutionFailedEventAttributes?.initiatedEventId ??
    e.childWorkflowExecutionTimedOutEventAttributes?.initiatedEventId ??
    e.childWorkflowExecutionTerminatedEventAttributes?.initiatedEventId;
  if (direct !== undefined && direct !== null) return Number(direct);
  const failed = e.workflowExecutionFailedEventAttributes;
  if (!failed) return id(e);
  const activityId = failed.failure?.activityFailureInfo?.activityId;
  const activity = activityId ? scheduledEvent(events, activityId) : undefined;
  if (activity) return id(activity);
  const childId = failed.failure?.childWorkflowExecutionFailureInfo?.workflowExecution?.workflowId;
  const child = childId
    ? events.find(
        (ev) =>
          ev.eventType === T.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED &&
          ev.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId === childId,
      )
    : undefined;
  if (child) return id(child);
  return Number(failed.workflowTaskCompletedEventId ?? id(e));
}

/** The ids of every completed workflow task: the points a run can be reset to. */
export function resetPoints(events: Event[]): number[] {
  return events.filter((e) => e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).map(id);
}

/**
 * The last workflow task that completed before the most recent thing went
 * wrong (an activity, child or task that failed or timed out, or the failure
 * the code raised): resetting there re-runs the failed step on the current
 * code and keeps everything before it. With nothing wrong, the last completed
 * task. Undefined when the run never completed a task.
 */
export function lastGoodEventId(events: Event[]): number | undefined {
  const points = resetPoints(events);
  let anchor = Number.POSITIVE_INFINITY;
  for (let i = events.length - 1; i >= 0; i--) {
    if (INCIDENTS.has(events[i]!.eventType ?? 0)) {
      anchor = anchorOf(events, events[i]!);
      break;
    }
  }
  const before = points.filter((p) => p < anchor);
  return before.length ? before[before.length - 1] : undefined;
}

/** When an activity of this run was first scheduled (its retries add no events). */
export function activityScheduledAt(events: Event[], activityId: string): Date | undefined {
  const e = scheduledEvent(events, activityId);
  return e?.eventTime ? timestampToDate(e.eventTime) : undefined;
}

/** The first failure of the current workflow task streak (later attempts add no events). */
export function lastWorkflowTaskFailure(events: Event[]): Event | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) return undefined;
    if (
      e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_FAILED ||
      e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT
    )
      return e;
  }
  return undefined;
}

export function timestampToDate(ts: { seconds?: unknown; nanos?: number | null }): Date {
  return new Date(Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6));
}

export type HistoryEvent = Event;
