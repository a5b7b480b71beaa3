import type { Me, Role } from '../http/api-types';

/** Why the last session ended, for the login page to say so. */
export type SignOutReason = 'idle' | 'expired' | 'signed_out';

export interface Session {
  token: string;
  /** Set once the second factor is verified. */
  me: Me | null;
}

const KEY = 'claimflow.session';
const REASON = 'claimflow.signout';

/**
 * The session token lives in this tab's sessionStorage only: it survives a
 * reload, dies with the tab, and is never shared with another tab or window.
 */
function read(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

let current: Session | null = read();
const listeners = new Set<() => void>();

function publish(next: Session | null): void {
  current = next;
  if (next) sessionStorage.setItem(KEY, JSON.stringify(next));
  else sessionStorage.removeItem(KEY);
  for (const l of listeners) l();
}

export const sessionStore = {
  get: (): Session | null => current,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  start(token: string): void {
    sessionStorage.removeItem(REASON);
    publish({ token, me: null });
  },
  verified(me: Me): void {
    if (current) publish({ ...current, me });
  },
  end(reason: SignOutReason): void {
    sessionStorage.setItem(REASON, reason);
    publish(null);
  },
  /** Read once by the login page: the reason is shown, then forgotten. */
  takeReason(): SignOutReason | null {
    const r = sessionStorage.getItem(REASON) as SignOutReason | null;
    sessionStorage.removeItem(REASON);
    return r;
  },
};

export const hasRole = (me: Me | null | undefined, ...roles: Role[]): boolean =>
  Boolean(me?.roles.some((r) => roles.includes(r)));
