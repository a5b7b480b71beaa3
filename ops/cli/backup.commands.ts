import { parseArgs } from 'node:util';
import { findManifest, listManifests } from '../backup/backup-manifest';
import { ensureBackupSchedule } from '../backup/backup-schedule';
import {
  backupSettings,
  createBackup,
  pruneBackups,
  restoreBackup,
  verifyBackup,
} from '../backup/backup.service';
import { connectTemporal } from '../temporal/client';
import { UsageError, type Command } from './command';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const rowsOf = (tables: Record<string, number>) => Object.values(tables).reduce((a, b) => a + b, 0);

export const backupCommands: Command[] = [
  {
    name: 'backup now',
    usage: 'backup now                     encrypted pg_dump into BACKUP_DIR, then retention',
    async run(args, ctx) {
      parseArgs({ args, options: {} });
      const s = backupSettings(ctx.config());
      const m = await createBackup(s);
      const pruned = pruneBackups(s);
      ctx.stdout.write(
        `${JSON.stringify({ name: m.name, bytes: m.bytes, durationMs: m.durationMs, rows: rowsOf(m.tables), keyId: m.keyId, pruned })}\n`,
      );
      ctx.log(`backup ${m.name}: ${mb(m.bytes)} in ${(m.durationMs / 1000).toFixed(1)} s`);
      return 0;
    },
  },
  {
    name: 'backup list',
    usage: 'backup list [--json]           the backups in BACKUP_DIR, newest first',
    async run(args, ctx) {
      const { values } = parseArgs({ args, options: { json: { type: 'boolean' } } });
      const all = listManifests(ctx.config().backup.dir);
      if (values.json)
        ctx.stdout.write(
          `${JSON.stringify(
            all.map((m) => ({
              name: m.name,
              createdAt: m.createdAt,
              bytes: m.bytes,
              rows: rowsOf(m.tables),
              keyId: m.keyId,
              database: m.database,
            })),
            null,
            2,
          )}\n`,
        );
      else
        for (const m of all)
          ctx.stdout.write(
            `${m.name}  ${m.createdAt}  ${mb(m.bytes).padStart(10)}  ${String(rowsOf(m.tables)).padStart(9)} rows  key ${m.keyId}\n`,
          );
      return 0;
    },
  },
  {
    name: 'backup verify',
    usage:
      'backup verify [<name>|latest] [--json]   restore into a scratch database, check row counts and audit chains',
    async run(args, ctx) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { json: { type: 'boolean' } },
      });
      const r = await verifyBackup(backupSettings(ctx.config()), positionals[0] ?? 'latest');
      if (values.json) ctx.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else {
        ctx.stdout.write(
          `${r.ok ? 'ok    ' : 'FAILED'}  ${r.name}: ${r.tables} tables, ${r.rows} rows restored in ${(r.restoreMs / 1000).toFixed(1)} s\n`,
        );
        for (const x of r.mismatches)
          ctx.stdout.write(`  ${x.table}: ${x.restored} rows, the manifest says ${x.expected}\n`);
        for (const c of r.chains)
          ctx.stdout.write(
            `  audit ${c.slug}: ${c.events} events, ${c.firstBroken === undefined ? 'chain intact' : `broken at seq ${c.firstBroken} (${c.problem})`}\n`,
          );
        if (!r.headsMatch) ctx.stdout.write('  audit chain heads differ from the manifest\n');
      }
      return r.ok ? 0 : 1;
    },
  },
  {
    name: 'backup schedule',
    usage:
      'backup schedule                create or update the daily backup schedule (BACKUP_CRON)',
    async run(args, ctx) {
      parseArgs({ args, options: {} });
      const config = ctx.config();
      const { client, connection } = await connectTemporal(config);
      try {
        const r = await ensureBackupSchedule(client, config);
        ctx.stdout.write(`${JSON.stringify(r)}\n`);
        return 0;
      } finally {
        await connection.close();
      }
    },
  },
  {
    name: 'restore',
    usage:
      'restore <backup> [--target <db|url>] [--force]   restore into the configured (or named) database; refuses a non-empty one without --force',
    async run(args, ctx) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { target: { type: 'string' }, force: { type: 'boolean' } },
      });
      if (!positionals[0])
        throw new UsageError('restore needs a backup name (see backup list) or latest');
      const s = backupSettings(ctx.config());
      findManifest(s.dir, positionals[0]);
      const r = await restoreBackup(s, positionals[0], {
        ...(values.target ? { target: values.target } : {}),
        force: values.force ?? false,
      });
      ctx.stdout.write(`${JSON.stringify(r)}\n`);
      ctx.log(`restored ${r.name} into ${r.database} in ${(r.durationMs / 1000).toFixed(1)} s`);
      return 0;
    },
  },
];
