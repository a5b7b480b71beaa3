import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChainHead } from '../../db/repositories/backup.repository';
import type { BackupKey } from './backup-key';

export const FORMAT = 'claimflow-backup/1';
const NAME = /^claimflow-\d{8}T\d{6}Z-[0-9a-f]{6}$/;

/** What a backup holds, beside it in the folder: counts, hashes and times, never a row. */
export interface BackupManifest {
  format: typeof FORMAT;
  name: string;
  file: string;
  createdAt: string;
  durationMs: number;
  database: string;
  server: string;
  pgDump: string;
  bytes: number;
  sha256: string;
  keyId: string;
  cipher: string;
  tables: Record<string, number>;
  auditHeads: ChainHead[];
  /** HMAC-SHA256 of everything above under a key derived from the backup key: a changed count is caught. */
  mac: string;
}

export class BackupError extends Error {
  constructor(
    readonly code:
      | 'BACKUP_NOT_FOUND'
      | 'BACKUP_CORRUPT'
      | 'BACKUP_WRONG_KEY'
      | 'BACKUP_MISMATCH'
      | 'RESTORE_TARGET_NOT_EMPTY'
      | 'BACKUP_PRIVILEGE',
    message: string,
  ) {
    super(message);
  }
}

export function newBackupName(at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return `claimflow-${stamp}-${crypto.randomBytes(3).toString('hex')}`;
}

function macOf(m: Omit<BackupManifest, 'mac'>, key: BackupKey): string {
  const macKey = crypto.createHmac('sha256', key.key).update('claimflow backup manifest').digest();
  return crypto.createHmac('sha256', macKey).update(JSON.stringify(m)).digest('hex');
}

export function signManifest(m: Omit<BackupManifest, 'mac'>, key: BackupKey): BackupManifest {
  return { ...m, mac: macOf(m, key) };
}

/** The manifest's own integrity, and the key it needs. */
export function checkManifest(m: BackupManifest, key: BackupKey): void {
  if (m.keyId !== key.id)
    throw new BackupError(
      'BACKUP_WRONG_KEY',
      `backup ${m.name} was encrypted with backup key ${m.keyId}; the configured key is ${key.id}`,
    );
  const { mac, ...rest } = m;
  const expected = Buffer.from(macOf(rest, key), 'hex');
  const got = Buffer.from(mac ?? '', 'hex');
  if (got.length !== expected.length || !crypto.timingSafeEqual(got, expected))
    throw new BackupError(
      'BACKUP_CORRUPT',
      `the manifest of ${m.name} was changed after it was written`,
    );
}

export const manifestPath = (dir: string, name: string) => path.join(dir, `${name}.manifest.json`);
export const dumpPath = (dir: string, name: string) => path.join(dir, `${name}.dump.enc`);

/** Every finished backup in the folder (a backup exists once its manifest does), newest first. */
export function listManifests(dir: string): BackupManifest[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.manifest.json') && NAME.test(f.replace(/\.manifest\.json$/, '')))
    .map((f) => {
      try {
        return JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as BackupManifest;
      } catch {
        return undefined;
      }
    })
    .filter((m): m is BackupManifest => m?.format === FORMAT)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** A backup by name (or `latest`), or a clear line naming where it was looked for. */
export function findManifest(dir: string, ref: string): BackupManifest {
  const all = listManifests(dir);
  const found = ref === 'latest' ? all[0] : all.find((m) => m.name === ref || m.file === ref);
  if (!found)
    throw new BackupError(
      'BACKUP_NOT_FOUND',
      ref === 'latest' ? `no backups in ${dir}` : `no backup named "${ref}" in ${dir}`,
    );
  return found;
}

/**
 * Which backups retention removes: those beyond the newest `retainCount`, and
 * those older than `retainDays`; the newest one is always kept.
 */
export function planPrune(
  manifests: Pick<BackupManifest, 'name' | 'createdAt'>[],
  policy: { retainCount: number; retainDays: number; now: Date },
): string[] {
  const sorted = [...manifests].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const oldest = policy.now.getTime() - policy.retainDays * 86_400_000;
  return sorted
    .filter((m, i) => i > 0 && (i >= policy.retainCount || Date.parse(m.createdAt) < oldest))
    .map((m) => m.name);
}
