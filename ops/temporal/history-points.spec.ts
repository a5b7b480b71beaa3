import { temporal } from '@temporalio/proto';
import { lastGoodEventId, resetPoints } from './history-points';

const T = temporal.api.enums.v1.EventType;
type Event = temporal.api.history.v1.IHistoryEvent;
const ev = (eventId: number, eventType: number, more: Partial<Event> = {}): Event =>
  ({ eventId, eventType, ...more }) as unknown as Event;

/** Started, then n workflow tasks each scheduling one activity that completes. */
function healthy(tasks: number): Event[] {
  const events = [ev(1, T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)];
  let id = 2;
  for (let i = 0; i < tasks; i++) {
    events.push(
      ev(id++, T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
      ev(id++, T.EVENT_TYPE_WORKFLOW_TASK_STARTED),
    );
    events.push(ev(id++, T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED));
    events.push(
      ev(id++, T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, {
        activityTaskScheduledEventAttributes: { activityId: String(i + 1) },
      }),
    );
    if (i < tasks - 1)
      events.push(
        ev(id++, T.EVENT_TYPE_ACTIVITY_TASK_STARTED),
        ev(id++, T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED),
      );
  }
  return events;
}

describe('the last good point of a run', () => {
  it('is the last completed task when nothing went wrong', () => {
    const events = healthy(3);
    expect(lastGoodEventId(events)).toBe(resetPoints(events).at(-1));
  });

  it('is the task that scheduled an activity which failed for good, so the reset re-runs it', () => {
    const events = healthy(3);
    const scheduled = events.at(-1)!;
    const n = Number(scheduled.eventId);
    events.push(
      ev(n + 1, T.EVENT_TYPE_ACTIVITY_TASK_STARTED),
      ev(n + 2, T.EVENT_TYPE_ACTIVITY_TASK_FAILED, {
        activityTaskFailedEventAttributes: { scheduledEventId: n as never },
      }),
      ev(n + 3, T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
      ev(n + 4, T.EVENT_TYPE_WORKFLOW_TASK_STARTED),
      ev(n + 5, T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
      ev(n + 6, T.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, {
        workflowExecutionFailedEventAttributes: {
          workflowTaskCompletedEventId: (n + 5) as never,
          failure: { activityFailureInfo: { activityId: '3' } },
        },
      }),
    );
    expect(lastGoodEventId(events)).toBe(n - 1);
  });

  it('goes back past compensations run after the failure, to the step the failure names', () => {
    const events = healthy(2);
    const n = Number(events.at(-1)!.eventId);
    events.push(
      ev(n + 1, T.EVENT_TYPE_ACTIVITY_TASK_FAILED, {
        activityTaskFailedEventAttributes: { scheduledEventId: n as never },
      }),
      ev(n + 2, T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
      ev(n + 3, T.EVENT_TYPE_WORKFLOW_TASK_STARTED),
      ev(n + 4, T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
      ev(n + 5, T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, {
        activityTaskScheduledEventAttributes: { activityId: '9' },
      }),
      ev(n + 6, T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED),
      ev(n + 7, T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
      ev(n + 8, T.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, {
        workflowExecutionFailedEventAttributes: {
          workflowTaskCompletedEventId: (n + 7) as never,
          failure: { activityFailureInfo: { activityId: '2' } },
        },
      }),
    );
    expect(lastGoodEventId(events)).toBe(n - 1);
  });

  it('ignores workflow task failures: a reset or a restarted worker is no fault of the step before', () => {
    const events = healthy(2);
    const n = Number(events.at(-1)!.eventId);
    events.push(
      ev(n + 1, T.EVENT_TYPE_WORKFLOW_TASK_FAILED),
      ev(n + 2, T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
    );
    expect(lastGoodEventId(events)).toBe(n + 2);
  });

  it('is undefined for a run that never completed a task', () => {
    expect(
      lastGoodEventId([
        ev(1, T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED),
        ev(2, T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
      ]),
    ).toBeUndefined();
  });
});
