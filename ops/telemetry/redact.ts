/**
 * What keeps PHI out of logs, spans and operator messages: values under
 * PHI-bearing keys are replaced, SQL loses its literals, and an error's
 * message is shown only when claimflow wrote it from ids and codes.
 */

/**
 * Error types whose messages claimflow writes from ids and codes only, so an
 * operator may read them. Any other message (a driver's, a library's) can
 * quote the data it choked on, and is withheld.
 */
const SAFE_MESSAGE_TYPES = new Set([
  'NotFound',
  'InvalidInput',
  'SubmissionRejected',
  'SubmissionUnavailable',
]);

const MAX_MESSAGE = 160;

export function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_MESSAGE ? `${oneLine.slice(0, MAX_MESSAGE - 1)}…` : oneLine;
}

/** An error's type and, when it is one of ours, its message; anything else's message is withheld. */
export function safeErrorText(type: string, message: string | undefined): string {
  return SAFE_MESSAGE_TYPES.has(type) && message
    ? `${type}: ${clip(message)}`
    : `${type} (message withheld: it may quote data)`;
}

/** SQL text keeps its shape and loses its literals: a value never reaches a span. */
export function scrubSql(text: string): string {
  return text
    .replace(/'(?:[^']|'')*'/g, "'?'")
    .replace(/\$\$[\s\S]*?\$\$/g, '$$?$$')
    .replace(/\b\d{4,}\b/g, '?');
}

/** Keys whose values are (or may be) PHI or secrets, wherever they appear in a log line. */
const PHI_KEY =
  /patient|member|subscriber|insured|birth|^dob$|address|street|postal|zip|phone|ssn|letter|packet|payload|password|secret|token|authorization|cookie|^(first|last|full|display)?_?name$|^body$|^content$|^args$|^result$/i;

export const REDACTED = '[redacted]';

/** A deep copy with PHI-bearing keys replaced; errors become their type (and a safe message). */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (value instanceof Error) return errorFields(value);
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = PHI_KEY.test(k) ? REDACTED : redact(v, depth + 1);
    return out;
  }
  return value;
}

/** An error as a log sees it: type, code and, when safe, its message; its cause likewise. */
export function errorFields(err: Error, depth = 0): Record<string, unknown> {
  const e = err as Error & { code?: unknown; type?: unknown; cause?: unknown };
  const type = typeof e.type === 'string' && e.type ? e.type : err.name || 'Error';
  return {
    type,
    ...(typeof e.code === 'string' || typeof e.code === 'number' ? { code: e.code } : {}),
    message: safeErrorText(type, err.message),
    ...(e.cause instanceof Error && depth < 3 ? { cause: errorFields(e.cause, depth + 1) } : {}),
  };
}
