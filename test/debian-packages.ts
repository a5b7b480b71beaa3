import { spawnSync } from 'node:child_process';

/**
 * Installs Debian packages a spec needs (a browser, the PostgreSQL client) on a
 * fresh machine: CI runs as root with Debian's archive reachable. Tries the
 * cached package lists first and refreshes them once if that fails. Returns a
 * one-line reason when it cannot, for the caller's own error.
 */
export function aptInstall(packages: string[]): string | undefined {
  if (process.getuid?.() !== 0) return 'not running as root';
  const list = packages.join(' ');
  const r = spawnSync(
    'sh',
    [
      '-c',
      `apt-get install -y -q --no-install-recommends ${list} || (apt-get update -q && apt-get install -y -q --no-install-recommends ${list})`,
    ],
    {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      encoding: 'utf8',
      timeout: 15 * 60_000,
    },
  );
  if (r.status === 0) return undefined;
  return `apt-get install ${list} exited ${r.status}: ${(r.stderr ?? '').trim().split('\n').pop() ?? ''}`;
}
