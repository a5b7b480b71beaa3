/** Known failure kinds carry a code; their message is written for the user. */
function isKnown(err: unknown): err is Error & { code: string } {
  return (
    err instanceof Error &&
    typeof (err as unknown as { code?: unknown }).code === 'string' &&
    /^[A-Z_]+$/.test((err as unknown as { code: string }).code)
  );
}

/** One line, no stack trace: the user gets what and how to fix it. */
export function formatFatal(component: string, err: unknown): string {
  if (isKnown(err)) return `claimflow ${component}: ${err.message}`;
  const message = err instanceof Error ? err.message : String(err);
  return `claimflow ${component}: unexpected error: ${message.split('\n')[0]}`;
}

export function reportFatal(component: string) {
  return (err: unknown): never => {
    process.stderr.write(`${formatFatal(component, err)}\n`);
    process.exit(1);
  };
}
