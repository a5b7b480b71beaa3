import { sessionStore } from '../session/session.store';
import type { ErrorBody } from './api-types';

/** The API's one error shape, kept whole so a form can point at the field it names. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Answers that mean the session is over: the page returns to sign-in. */
const SESSION_OVER = new Set(['SESSION_EXPIRED', 'INVALID_TOKEN', 'UNAUTHENTICATED']);

let onSessionOver: (code: string) => void = () => undefined;
let lastContact = Date.now();

/** When the server last answered this page: each answer resets the session's idle clock there. */
export const lastContactMs = (): number => lastContact;

export function whenSessionEnds(handler: (code: string) => void): void {
  onSessionOver = handler;
}

async function errorOf(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as ErrorBody;
    if (body?.error?.code)
      return new ApiError(res.status, body.error.code, body.error.message, body.error.field);
  } catch {
    // Not the API's JSON (a proxy's page, a dropped connection): say so plainly below.
  }
  return new ApiError(res.status, `HTTP_${res.status}`, `the server answered ${res.status}`);
}

/** One request to the API on this origin, with the session's bearer token when there is one. */
export async function send(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<Response> {
  const token = sessionStore.get()?.token;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        accept: 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(
      0,
      'NETWORK',
      'the server cannot be reached; check the connection and retry',
    );
  }
  if (token && res.status !== 401) lastContact = Date.now();
  if (res.ok) return res;
  const err = await errorOf(res);
  if (token && res.status === 401 && SESSION_OVER.has(err.code)) onSessionOver(err.code);
  throw err;
}

/** Ends a session on the server; the page has already let go of it, so no answer matters. */
export async function revokeSession(token: string): Promise<void> {
  try {
    await fetch('/auth/logout', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      credentials: 'omit',
    });
  } catch {
    // Unreachable server: the session still ends there at its idle limit.
  }
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await send('GET', path)).json()) as T;
}

export async function postJson<T>(path: string, body: unknown = {}): Promise<T> {
  const res = await send('POST', path, body);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** Builds a query string from the defined values only. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
