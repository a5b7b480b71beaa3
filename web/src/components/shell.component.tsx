import type { ReactNode } from 'react';
import type { Me, Role } from '../http/api-types';
import { Link } from '../router/link.component';
import { hasRole } from '../session/session.store';
import { signOut } from '../session/sign-out';
import { humanize } from '../lib/format';

export const WORKERS: Role[] = ['appeal_specialist', 'reviewer'];

/** The sections a role may open, in the order people use them. */
export const SECTIONS: { to: string; label: string; roles: Role[] }[] = [
  { to: '/queue', label: 'Review queue', roles: WORKERS },
  { to: '/ops', label: 'Operations', roles: ['ops'] },
  { to: '/audit', label: 'Audit trail', roles: ['auditor'] },
  { to: '/dashboard', label: 'Dashboard', roles: [...WORKERS, 'ops'] },
  {
    to: '/account',
    label: 'Account',
    roles: ['admin', 'appeal_specialist', 'reviewer', 'ops', 'auditor'],
  },
];

export function homeOf(me: Me): string {
  return SECTIONS.find((s) => hasRole(me, ...s.roles))?.to ?? '/account';
}

export function Shell({
  me,
  location,
  children,
}: {
  me: Me;
  location: string;
  children: ReactNode;
}) {
  const current = '/' + (location.split(/[/?]/)[1] ?? '');
  const sections = SECTIONS.filter((s) => hasRole(me, ...s.roles));
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="shell">
        <header className="sidebar">
          <div className="brand">
            <span className="brand-mark" aria-hidden="true" />
            claimflow
          </div>
          <nav className="nav" aria-label="Sections">
            {sections.map((s) => (
              <Link
                key={s.to}
                to={s.to}
                aria-current={
                  current === s.to || (s.to === '/queue' && current === '/tasks')
                    ? 'page'
                    : undefined
                }
              >
                {s.label}
              </Link>
            ))}
          </nav>
          <div className="sidebar-foot">
            <span>Signed in as {me.roles.map(humanize).join(', ')}</span>
            <button
              type="button"
              className="secondary small"
              onClick={() => void signOut('signed_out')}
            >
              Sign out
            </button>
          </div>
        </header>
        <main id="main" className="content" tabIndex={-1}>
          {children}
        </main>
      </div>
    </>
  );
}
