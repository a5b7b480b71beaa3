/**
 * The idle logoff as the pages apply it: the server ends a session after the
 * idle timeout; the page warns first, then signs out cleanly itself, so a
 * person never meets a dead session mid-task.
 */
export interface IdlePolicy {
  idleTimeoutMs: number;
  /** How long before the logoff the warning shows. */
  warnBeforeMs: number;
  /** While someone works without calling the API, tell the server at most this often. */
  keepAliveEveryMs: number;
}

export type IdlePhase =
  { phase: 'active' } | { phase: 'warning'; remainingMs: number } | { phase: 'expired' };

/** A minute's warning for the usual 15 minutes; a third of the limit when it is short. */
export function idlePolicy(idleTimeoutMs: number): IdlePolicy {
  return {
    idleTimeoutMs,
    warnBeforeMs: Math.min(60_000, Math.round(idleTimeoutMs / 3)),
    keepAliveEveryMs: Math.min(60_000, Math.round(idleTimeoutMs / 4)),
  };
}

export function idlePhase(policy: IdlePolicy, lastActivityMs: number, nowMs: number): IdlePhase {
  const remainingMs = lastActivityMs + policy.idleTimeoutMs - nowMs;
  if (remainingMs <= 0) return { phase: 'expired' };
  if (remainingMs <= policy.warnBeforeMs) return { phase: 'warning', remainingMs };
  return { phase: 'active' };
}

/** True when the person has been active since the server last heard from this page, and long enough ago. */
export function needsKeepAlive(
  policy: IdlePolicy,
  lastActivityMs: number,
  lastContactMs: number,
  nowMs: number,
): boolean {
  return lastActivityMs > lastContactMs && nowMs - lastContactMs >= policy.keepAliveEveryMs;
}
