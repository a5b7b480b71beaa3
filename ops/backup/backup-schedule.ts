import {
  type Client,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type ScheduleOptionsAction,
} from '@temporalio/client';
import type { Config } from '../config';

export const BACKUP_SCHEDULE_ID = 'claimflow-database-backup';

/**
 * The daily backup as a Temporal Schedule: created, or brought up to date
 * with BACKUP_CRON, by every worker at start (so any replica may race the
 * others; the loser updates), and removed when BACKUP_CRON is off. A run
 * still going when the next is due is not doubled, and one missed while
 * Temporal was down is caught up within the hour.
 */
export async function ensureBackupSchedule(
  client: Client,
  config: Config,
  opts: { scheduleId?: string } = {},
): Promise<{
  scheduleId: string;
  cron: string | null;
  change: 'created' | 'updated' | 'deleted' | 'none';
}> {
  const scheduleId = opts.scheduleId ?? BACKUP_SCHEDULE_ID;
  const handle = client.schedule.getHandle(scheduleId);
  if (!config.backup.cron) {
    try {
      await handle.delete();
      return { scheduleId, cron: null, change: 'deleted' };
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return { scheduleId, cron: null, change: 'none' };
      throw err;
    }
  }
  const spec = { cronExpressions: [config.backup.cron], timezone: 'UTC' };
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: 'databaseBackup',
    taskQueue: config.temporal.taskQueue,
    workflowId: `${scheduleId}-run`,
    workflowExecutionTimeout: '6 hours',
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies });
    return { scheduleId, cron: config.backup.cron, change: 'created' };
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await handle.update((previous) => ({ ...previous, spec, action, policies }));
  return { scheduleId, cron: config.backup.cron, change: 'updated' };
}
