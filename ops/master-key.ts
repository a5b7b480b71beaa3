import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Config } from './config';
import { ConfigError } from './config';

/**
 * CLAIMFLOW_MASTER_KEY in production. Outside production a key is generated
 * once into .data/keys (0600, never committed) so the embedded stack works
 * with no setup.
 */
export function loadMasterKey(config: Config): string {
  if (config.masterKey) return config.masterKey;
  if (config.env === 'production')
    throw new ConfigError('invalid configuration: CLAIMFLOW_MASTER_KEY: required in production');
  const file = path.join(config.dataDir, 'keys', 'master.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, crypto.randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  return fs.readFileSync(file, 'utf8').trim();
}
