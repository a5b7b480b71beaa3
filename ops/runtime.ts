import { TenantKeyRing } from '../db/crypto/key-ring';
import { LocalMasterKey } from '../db/crypto/master-key';
import { PhiCipher } from '../db/crypto/phi-cipher';
import { appDatabaseUrl, createDatabase, type Database } from '../db/database';
import type { Config } from './config';
import { embeddedUrl } from './dev/postgres';
import { loadMasterKey } from './master-key';

/** The database URL claimflow uses: DATABASE_URL, or the embedded cluster's `claimflow` database. */
export function ownerDatabaseUrl(config: Config): string {
  return config.database.url ?? embeddedUrl(config, 'claimflow');
}

export function applicationDatabaseUrl(config: Config): string {
  return appDatabaseUrl(
    ownerDatabaseUrl(config),
    config.database.appPassword,
    config.database.appUrl,
  );
}

export interface Runtime {
  db: Database;
  cipher: PhiCipher;
  close(): Promise<void>;
}

/** What API and worker share: the app-role database and the PHI cipher. */
export function createRuntime(config: Config, opts: { poolSize?: number } = {}): Runtime {
  const db = createDatabase(applicationDatabaseUrl(config), { max: opts.poolSize ?? 10 });
  const cipher = new PhiCipher(new TenantKeyRing(db, new LocalMasterKey(loadMasterKey(config))));
  return { db, cipher, close: () => db.destroy() };
}
