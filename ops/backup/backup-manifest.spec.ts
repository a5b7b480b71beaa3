import * as crypto from 'node:crypto';
import { backupKeyFrom } from './backup-key';
import { checkManifest, FORMAT, newBackupName, planPrune, signManifest } from './backup-manifest';

const DAY = 86_400_000;
const now = new Date('2026-12-01T03:00:00Z');
const daysAgo = (d: number) => ({
  name: `b${d}`,
  createdAt: new Date(now.getTime() - d * DAY).toISOString(),
});

describe('backup retention', () => {
  it('keeps the newest N and removes the rest', () => {
    const all = [0, 1, 2, 3, 4].map(daysAgo);
    expect(planPrune(all, { retainCount: 3, retainDays: 365, now })).toEqual(['b3', 'b4']);
  });

  it('removes backups older than the age limit even within the count', () => {
    const all = [0, 1, 10, 40].map(daysAgo);
    expect(planPrune(all, { retainCount: 14, retainDays: 7, now }).sort()).toEqual(['b10', 'b40']);
  });

  it('never removes the newest backup, however old it is', () => {
    expect(
      planPrune([daysAgo(400), daysAgo(500)], { retainCount: 1, retainDays: 30, now }),
    ).toEqual(['b500']);
  });

  it('removes nothing when every backup is recent and within the count', () => {
    expect(planPrune([0, 1, 2].map(daysAgo), { retainCount: 14, retainDays: 35, now })).toEqual([]);
  });
});

describe('backup manifests', () => {
  const key = backupKeyFrom(crypto.randomBytes(32).toString('base64'));
  const manifest = signManifest(
    {
      format: FORMAT,
      name: newBackupName(now),
      file: 'x.dump.enc',
      createdAt: now.toISOString(),
      durationMs: 10,
      database: 'claimflow',
      server: '15.18',
      pgDump: '15.20',
      bytes: 100,
      sha256: 'a'.repeat(64),
      keyId: key.id,
      cipher: 'aes-256-gcm',
      tables: { claims: 2 },
      auditHeads: [],
    },
    key,
  );

  it('names backups so they sort by time', () => {
    expect(manifest.name).toMatch(/^claimflow-20261201T030000Z-[0-9a-f]{6}$/);
  });

  it('accepts its own signature', () => {
    expect(() => checkManifest(manifest, key)).not.toThrow();
  });

  it('refuses a manifest whose counts were changed', () => {
    expect(() => checkManifest({ ...manifest, tables: { claims: 3 } }, key)).toThrow(
      'was changed after it was written',
    );
  });

  it('refuses a manifest made under another key, naming both', () => {
    const other = backupKeyFrom(crypto.randomBytes(32).toString('base64'));
    expect(() => checkManifest(manifest, other)).toThrow(
      `was encrypted with backup key ${key.id}; the configured key is ${other.id}`,
    );
  });
});
