import { loadConfig } from '../config';
import { Metrics, scrapeAllowed } from './metrics';

describe('who may scrape /metrics', () => {
  const token = 'a-scrape-token-of-32-characters!';

  it('lets the configured bearer token in', () => {
    expect(scrapeAllowed(`Bearer ${token}`, { token, production: true })).toBe(true);
  });

  it('refuses a missing, wrong or truncated token', () => {
    for (const auth of [undefined, 'Bearer nope', `Bearer ${token.slice(1)}`, token])
      expect(scrapeAllowed(auth, { token, production: false })).toBe(false);
  });

  it('is open without a token outside production and closed in production', () => {
    expect(scrapeAllowed(undefined, { token: undefined, production: false })).toBe(true);
    expect(scrapeAllowed(undefined, { token: undefined, production: true })).toBe(false);
  });
});

describe('metrics text', () => {
  it('carries the component label and only fixed label values', async () => {
    const m = new Metrics('worker');
    m.aiCalls.inc({ kind: 'analysis', source: 'rules' });
    m.claimsIngested.inc(3);
    const text = await m.text();
    expect(text).toMatch(/claimflow_claims_ingested_total\{component="worker"\} 3/);
    expect(text).toMatch(
      /claimflow_ai_calls_total\{kind="analysis",source="rules",component="worker"\} 1/,
    );
  });
});

describe('ops configuration', () => {
  it('defaults to a daily 02:30 UTC backup, 14 kept for 35 days, and unlimited external retries', () => {
    const c = loadConfig({});
    expect(c.backup).toMatchObject({ cron: '30 2 * * *', retainCount: 14, retainDays: 35 });
    expect(c.backup.dir.endsWith('.data/backups')).toBe(true);
    expect(c.stuckAfterMs).toBe(15 * 60_000);
    expect(c.metrics).toEqual({ token: undefined, workerPort: 9464 });
    expect(c.timers).not.toHaveProperty('externalRetryMaxAttempts');
  });

  it('passes a retry cap to the workflows only when one is set', () => {
    expect(loadConfig({ EXTERNAL_RETRY_MAX_ATTEMPTS: '3' }).timers).toMatchObject({
      externalRetryMaxAttempts: 3,
      externalRetryInitial: '5s',
    });
  });

  it('turns the schedule off with BACKUP_CRON=off and refuses a cron it cannot read', () => {
    expect(loadConfig({ BACKUP_CRON: 'off' }).backup.cron).toBeUndefined();
    expect(() => loadConfig({ BACKUP_CRON: 'daily' })).toThrow(/BACKUP_CRON: a five-field cron/);
  });

  it('refuses a short backup key or scrape token without echoing either', () => {
    for (const [name, value] of [
      ['CLAIMFLOW_BACKUP_KEY', 'c2hvcnQta2V5'],
      ['METRICS_TOKEN', 'short-secret'],
    ] as const) {
      expect(() => loadConfig({ [name]: value })).toThrow(name);
      try {
        loadConfig({ [name]: value });
      } catch (err) {
        expect((err as Error).message).not.toContain(value);
      }
    }
  });
});
