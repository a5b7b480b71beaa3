import { revokeSession } from '../http/api-client';
import { navigate } from '../router/router';
import { sessionStore, type SignOutReason } from './session.store';

/**
 * Ends the session here first (nothing on the page can use it after this),
 * shows sign-in with the reason, then ends it on the server, where it may be
 * over already.
 */
export async function signOut(reason: SignOutReason): Promise<void> {
  const token = sessionStore.get()?.token;
  sessionStore.end(reason);
  navigate('/login', { replace: true });
  if (token) await revokeSession(token);
}
