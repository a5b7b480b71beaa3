import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, type Config } from '../config';

export interface BackupKey {
  /** Names the key in every manifest without revealing it: the first 8 bytes of its sha256. */
  id: string;
  key: Buffer;
}

export function backupKeyFrom(base64: string): BackupKey {
  const key = Buffer.from(base64, 'base64');
  return { id: crypto.createHash('sha256').update(key).digest('hex').slice(0, 16), key };
}

/**
 * CLAIMFLOW_BACKUP_KEY in production: kept apart from the master key, so a
 * stolen backup and a stolen master key are two losses, not one. Outside
 * production a key is generated once into .data/keys (0600, never committed).
 */
export function loadBackupKey(config: Config): BackupKey {
  if (config.backup.key) return backupKeyFrom(config.backup.key);
  if (config.env === 'production')
    throw new ConfigError('invalid configuration: CLAIMFLOW_BACKUP_KEY: required in production');
  const file = path.join(config.dataDir, 'keys', 'backup.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      fs.writeFileSync(file, crypto.randomBytes(32).toString('base64'), {
        mode: 0o600,
        flag: 'wx',
      });
    } catch (err) {
      // Another process wrote it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return backupKeyFrom(fs.readFileSync(file, 'utf8').trim());
}
