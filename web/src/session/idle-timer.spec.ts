import { idlePhase, idlePolicy, needsKeepAlive } from './idle-timer';

describe('the idle logoff policy of the pages', () => {
  const fifteen = idlePolicy(15 * 60_000);

  it('warns one minute before a 15-minute logoff, and a third of the limit when it is short', () => {
    expect(fifteen.warnBeforeMs).toBe(60_000);
    expect(idlePolicy(12_000).warnBeforeMs).toBe(4_000);
  });

  it('stays active until the warning window, then counts down to the logoff', () => {
    expect(idlePhase(fifteen, 0, 13 * 60_000)).toEqual({ phase: 'active' });
    expect(idlePhase(fifteen, 0, 14 * 60_000 + 30_000)).toEqual({
      phase: 'warning',
      remainingMs: 30_000,
    });
  });

  it('expires exactly at the limit and after it, never before', () => {
    expect(idlePhase(fifteen, 0, 15 * 60_000 - 1).phase).toBe('warning');
    expect(idlePhase(fifteen, 0, 15 * 60_000)).toEqual({ phase: 'expired' });
    expect(idlePhase(fifteen, 0, 20 * 60_000)).toEqual({ phase: 'expired' });
  });

  it('keeps the server session alive only for a person who was active since the last contact', () => {
    expect(needsKeepAlive(fifteen, 70_000, 0, 70_000)).toBe(true);
    expect(needsKeepAlive(fifteen, 70_000, 30_000, 70_000)).toBe(false);
  });

  it('does not keep alive a session nobody touched since the server last heard from it', () => {
    expect(needsKeepAlive(fifteen, 10_000, 20_000, 10 * 60_000)).toBe(false);
    expect(needsKeepAlive(fifteen, 20_000, 20_000, 10 * 60_000)).toBe(false);
  });
});
