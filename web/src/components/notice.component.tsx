import type { ReactNode } from 'react';
import { ApiError } from '../http/api-client';

/** An error as a sentence a person can act on; the API's own message where it has one. */
export function problemText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return 'Your role does not allow this.';
    const m = error.message;
    return `${m.charAt(0).toUpperCase()}${m.slice(1)}${/[.!?]$/.test(m) ? '' : '.'}`;
  }
  return 'Something went wrong. Reload the page and try again.';
}

/** A failure: from an error (worded by problemText) or a sentence already written. */
export function ErrorNotice(props: { error?: unknown; text?: string; title?: string }) {
  return (
    <div className="notice error" role="alert">
      {props.title ? <strong>{props.title} </strong> : null}
      {props.text ?? problemText(props.error)}
    </div>
  );
}

export function Notice(props: { kind: 'success' | 'info' | 'warn'; children: ReactNode }) {
  return (
    <div className={`notice ${props.kind}`} role="status">
      {props.children}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}
