import { proxyActivities } from '@temporalio/workflow';
import type { BackupActivities } from '../activities/backup.activities';

// A dump of a large database takes a while; a misconfiguration will not heal by retrying.
const { backupDatabase, pruneBackups } = proxyActivities<BackupActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: {
    initialInterval: '1 minute',
    maximumAttempts: 3,
    nonRetryableErrorTypes: ['BackupError', 'EnvironmentError', 'ConfigError'],
  },
});

/** What the daily schedule runs: one encrypted backup, then retention. */
export async function databaseBackup(): Promise<{
  name: string;
  bytes: number;
  durationMs: number;
  pruned: string[];
}> {
  const made = await backupDatabase();
  const pruned = await pruneBackups();
  return { ...made, pruned };
}
