import { useSyncExternalStore } from 'react';

/** Every page lives under this prefix; the API owns every other path. */
export const BASE = '/app';

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());
window.addEventListener('popstate', notify);

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};
const snapshot = () => window.location.pathname + window.location.search;

/** The current page path without the prefix, e.g. `/claims/3f…?tab=lines`. */
export function useLocation(): string {
  const full = useSyncExternalStore(subscribe, snapshot);
  return full.startsWith(BASE) ? full.slice(BASE.length) || '/' : full;
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const url = `${BASE}${to}`;
  if (opts.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  notify();
}

/** `/claims/:id` against `/claims/abc` gives `{ id: 'abc' }`; no match gives null. */
export function match(pattern: string, location: string): Record<string, string> | null {
  const path = location.split('?')[0]!.replace(/\/+$/, '') || '/';
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(got[i]!);
    else if (w !== got[i]) return null;
  }
  return params;
}

export function searchParam(location: string, name: string): string | null {
  const q = location.split('?')[1];
  return q ? new URLSearchParams(q).get(name) : null;
}
