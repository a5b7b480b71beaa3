import { useEffect, useMemo, useSyncExternalStore, type ReactElement } from 'react';
import { whenSessionEnds } from './http/api-client';
import type { Me, Role, WebSettings } from './http/api-types';
import { homeOf, SECTIONS, Shell } from './components/shell.component';
import { useResource } from './lib/use-resource.hook';
import { AccountPage } from './pages/account.page';
import { AuditPage } from './pages/audit.page';
import { ClaimPage } from './pages/claim.page';
import { DashboardPage } from './pages/dashboard.page';
import { LoginPage } from './pages/login.page';
import { NotFoundPage } from './pages/not-found.page';
import { OpsPage } from './pages/ops.page';
import { QueuePage } from './pages/queue.page';
import { TaskPage } from './pages/task.page';
import { match, navigate, useLocation } from './router/router';
import { IdleWatch } from './session/idle-watch.component';
import { idlePolicy } from './session/idle-timer';
import { hasRole, sessionStore } from './session/session.store';

const DEFAULTS: WebSettings = { idleTimeoutMs: 15 * 60_000, absoluteTimeoutMs: 12 * 3_600_000 };

whenSessionEnds(() => {
  sessionStore.end('expired');
  navigate('/login', { replace: true });
});

async function loadSettings(): Promise<WebSettings> {
  const res = await fetch('/app/config.json', { cache: 'no-store' });
  return res.ok ? ((await res.json()) as WebSettings) : DEFAULTS;
}

interface RouteDef {
  pattern: string;
  roles: Role[];
  render(params: Record<string, string>, me: Me): ReactElement;
}

const allowed = (path: string) => SECTIONS.find((s) => s.to === path)!.roles;

const ROUTES: RouteDef[] = [
  { pattern: '/queue', roles: allowed('/queue'), render: (_p, me) => <QueuePage me={me} /> },
  {
    pattern: '/tasks/:taskId',
    roles: allowed('/queue'),
    render: (p, me) => <TaskPage taskId={p.taskId!} me={me} />,
  },
  {
    pattern: '/claims/:claimId',
    roles: [...allowed('/queue'), 'ops'],
    render: (p, me) => <ClaimPage claimId={p.claimId!} me={me} />,
  },
  { pattern: '/ops', roles: allowed('/ops'), render: () => <OpsPage /> },
  { pattern: '/audit', roles: allowed('/audit'), render: () => <AuditPage /> },
  {
    pattern: '/audit/:claimId',
    roles: allowed('/audit'),
    render: (p) => <AuditPage claimId={p.claimId!} />,
  },
  { pattern: '/dashboard', roles: allowed('/dashboard'), render: () => <DashboardPage /> },
  { pattern: '/account', roles: allowed('/account'), render: (_p, me) => <AccountPage me={me} /> },
];

export function App() {
  const session = useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
  const location = useLocation();
  const settings = useResource(loadSettings, 'settings');
  const policy = useMemo(
    () => idlePolicy((settings.data ?? DEFAULTS).idleTimeoutMs),
    [settings.data],
  );
  const me = session?.me ?? null;
  const path = location.split('?')[0]!;

  useEffect(() => {
    // A session left half-way through sign-in (a reload before the second factor) starts over.
    if (session && !session.me && path !== '/login') sessionStore.end('signed_out');
    if (!me && path !== '/login') navigate('/login', { replace: true });
    if (me && (path === '/login' || path === '/')) navigate(homeOf(me), { replace: true });
  }, [session, me, path]);

  if (!me)
    return (
      <LoginPage idleTimeoutMs={policy.idleTimeoutMs} onSignedIn={(m) => navigate(homeOf(m))} />
    );
  const found = ROUTES.map((r) => ({ r, params: match(r.pattern, location) })).find(
    (x) => x.params,
  );
  return (
    <Shell me={me} location={location}>
      <IdleWatch policy={policy} />
      {!found ? (
        <NotFoundPage />
      ) : hasRole(me, ...found.r.roles) ? (
        found.r.render(found.params!, me)
      ) : (
        <NotFoundPage forbidden />
      )}
    </Shell>
  );
}
