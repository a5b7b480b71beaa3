import { heartbeat } from '@temporalio/activity';
import { createBackup, pruneBackups, type BackupSettings } from '../ops/backup/backup.service';

/** The schedule's backup steps, over settings read when a run needs them. */
export function createBackupActivities(settings: () => BackupSettings) {
  return {
    async backupDatabase(): Promise<{ name: string; bytes: number; durationMs: number }> {
      let written = 0;
      // Bytes written so far, every 30 s: the server sees the dump is alive even between tables.
      const beat = setInterval(() => heartbeat(written), 30_000);
      try {
        const m = await createBackup(settings(), { onProgress: (bytes) => (written = bytes) });
        return { name: m.name, bytes: m.bytes, durationMs: m.durationMs };
      } finally {
        clearInterval(beat);
      }
    },

    async pruneBackups(): Promise<string[]> {
      return pruneBackups(settings());
    },
  };
}

export type BackupActivities = ReturnType<typeof createBackupActivities>;
