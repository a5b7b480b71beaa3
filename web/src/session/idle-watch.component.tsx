import { useEffect, useId, useRef, useState } from 'react';
import { getJson, lastContactMs } from '../http/api-client';
import { idlePhase, needsKeepAlive, type IdlePhase, type IdlePolicy } from './idle-timer';
import { signOut } from './sign-out';

const ACTIVITY = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'mousemove'] as const;

/**
 * Watches for a person's activity while signed in: warns before the idle
 * logoff with a countdown, signs out cleanly when it runs out, and keeps the
 * server's session alive while someone works without calling the API.
 */
export function IdleWatch({ policy }: { policy: IdlePolicy }) {
  const lastActivity = useRef(Date.now());
  const [phase, setPhase] = useState<IdlePhase>({ phase: 'active' });
  const warning = phase.phase === 'warning';
  const warningRef = useRef(false);
  warningRef.current = warning;

  useEffect(() => {
    const seen = () => {
      // Once the warning shows, only its button keeps the session: a stray mouse move must not.
      if (!warningRef.current) lastActivity.current = Date.now();
    };
    for (const e of ACTIVITY) window.addEventListener(e, seen, { passive: true });
    return () => {
      for (const e of ACTIVITY) window.removeEventListener(e, seen);
    };
  }, []);

  useEffect(() => {
    const tick = () => {
      const now = Date.now();
      const next = idlePhase(policy, lastActivity.current, now);
      setPhase((prev) =>
        prev.phase === next.phase &&
        (next.phase !== 'warning' ||
          Math.ceil((prev as { remainingMs: number }).remainingMs / 1000) ===
            Math.ceil(next.remainingMs / 1000))
          ? prev
          : next,
      );
      if (next.phase === 'expired') void signOut('idle');
      else if (
        next.phase === 'active' &&
        needsKeepAlive(policy, lastActivity.current, lastContactMs(), now)
      )
        getJson('/auth/me').catch(() => undefined);
    };
    const timer = window.setInterval(tick, 500);
    return () => window.clearInterval(timer);
  }, [policy]);

  const stay = () => {
    lastActivity.current = Date.now();
    setPhase({ phase: 'active' });
    getJson('/auth/me').catch(() => undefined);
  };

  return warning ? (
    <IdleWarning
      seconds={Math.ceil((phase as { remainingMs: number }).remainingMs / 1000)}
      onStay={stay}
    />
  ) : null;
}

function IdleWarning({ seconds, onStay }: { seconds: number; onStay(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      role="alertdialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(e) => {
        e.preventDefault();
        onStay();
      }}
    >
      <h2 id={titleId}>Are you still there?</h2>
      <p id={bodyId}>
        For the privacy of patient information you will be signed out in{' '}
        <strong>
          {seconds} second{seconds === 1 ? '' : 's'}
        </strong>{' '}
        because of inactivity.
      </p>
      <div className="actions">
        <button type="button" className="secondary" onClick={() => void signOut('signed_out')}>
          Sign out now
        </button>
        <button type="button" autoFocus onClick={onStay}>
          Stay signed in
        </button>
      </div>
    </dialog>
  );
}
