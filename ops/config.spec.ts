import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('gives embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database.url).toBeUndefined();
    expect(config.temporal).toMatchObject({
      address: undefined,
      namespace: 'claimflow',
      port: 7233,
      uiPort: 8233,
    });
    expect(config.dataDir.endsWith('.data')).toBe(true);
  });

  it('names every bad variable in one line', () => {
    expect(() =>
      loadConfig({ PORT: 'abc', DATABASE_URL: 'not a url', REVIEW_TIMEOUT: 'soon' }),
    ).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'not a url', REVIEW_TIMEOUT: 'soon' });
    } catch (err) {
      const message = (err as Error).message;
      expect(message).not.toContain('\n');
      expect(message).toMatch(/PORT: .*\(got "abc"\)/);
      expect(message).toMatch(/DATABASE_URL/);
      expect(message).toMatch(/REVIEW_TIMEOUT/);
    }
  });

  it('never echoes a secret value in its error', () => {
    expect(() => loadConfig({ CLAIMFLOW_MASTER_KEY: 'c2VjcmV0LXRvby1zaG9ydA==' })).toThrow(
      /CLAIMFLOW_MASTER_KEY/,
    );
    try {
      loadConfig({ CLAIMFLOW_MASTER_KEY: 'c2VjcmV0LXRvby1zaG9ydA==' });
    } catch (err) {
      expect((err as Error).message).not.toContain('c2VjcmV0');
    }
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ ANTHROPIC_API_KEY: '', PORT: '' })).toMatchObject({
      port: 3000,
      anthropic: { apiKey: undefined },
    });
  });

  it('rejects a port out of range', () => {
    expect(() => loadConfig({ TEMPORAL_PORT: '70000' })).toThrow(/TEMPORAL_PORT/);
  });

  it('gives sessions a 15 minute idle and 12 hour absolute limit, closed CORS and no TLS by default', () => {
    expect(loadConfig({})).toMatchObject({
      auth: { idleTimeoutMs: 15 * 60_000, absoluteTimeoutMs: 12 * 3_600_000, lockoutThreshold: 5 },
      tls: undefined,
      corsOrigins: [],
    });
  });

  it('refuses half a TLS configuration, an idle limit beyond the absolute one, and a bad origin', () => {
    expect(() => loadConfig({ TLS_CERT_FILE: 'cert.pem' })).toThrow(/TLS_KEY_FILE/);
    expect(() =>
      loadConfig({ SESSION_IDLE_TIMEOUT: '2h', SESSION_ABSOLUTE_TIMEOUT: '1h' }),
    ).toThrow(/SESSION_IDLE_TIMEOUT/);
    expect(() => loadConfig({ CORS_ORIGINS: 'not an origin' })).toThrow(/CORS_ORIGINS/);
    expect(
      loadConfig({ CORS_ORIGINS: 'https://a.example, http://127.0.0.1:8233' }).corsOrigins,
    ).toEqual(['https://a.example', 'http://127.0.0.1:8233']);
  });
});
