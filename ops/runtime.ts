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
  const url = applicationDatabaseUrl(config);
  const db = createDatabase(url, { max: opts.poolSize ?? 10 });
  // The key ring's reads get connections of their own: callers encrypt inside transactions
  // that hold the main pool's, and must never wait on themselves for a key.
  const keysDb = createDatabase(url, { max: 2 });
  const cipher = new PhiCipher(
    new TenantKeyRing(keysDb, new LocalMasterKey(loadMasterKey(config))),
  );
  return {
    db,
    cipher,
    close: async () => {
      await db.destroy();
      await keysDb.destroy();
    },
  };
}
