import { getJson } from '../http/api-client';
import type { Me } from '../http/api-types';
import { ErrorNotice, Loading } from '../components/notice.component';
import { PageHead } from '../components/page-head.component';
import { humanize, moment } from '../lib/format';
import { useResource } from '../lib/use-resource.hook';

interface SessionRow {
  id: string;
  current: boolean;
  mfaVerified: boolean;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

/** Who is signed in and where: the live sessions of this account. */
export function AccountPage({ me }: { me: Me }) {
  const sessions = useResource(() => getJson<SessionRow[]>('/auth/sessions'), 'sessions');
  return (
    <>
      <PageHead title="Account" subtitle={`Roles: ${me.roles.map(humanize).join(', ')}`} />
      {me.roles.includes('admin') && (
        <div className="notice info" role="status">
          Users, roles and API keys are managed through the API; see the{' '}
          <a href="/docs">API documentation</a>.
        </div>
      )}
      <section className="panel" aria-labelledby="sessions-h">
        <h2 id="sessions-h">Active sessions</h2>
        {sessions.error ? (
          <ErrorNotice error={sessions.error} />
        ) : !sessions.data ? (
          <Loading what="sessions" />
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Last active</th>
                <th scope="col">Ends at the latest</th>
                <th scope="col">Second factor</th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.map((s) => (
                <tr key={s.id}>
                  <td>
                    {moment(s.createdAt)}{' '}
                    {s.current && <span className="badge info">this one</span>}
                  </td>
                  <td>{moment(s.lastSeenAt)}</td>
                  <td>{moment(s.expiresAt)}</td>
                  <td>{s.mfaVerified ? 'Verified' : 'Not yet'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
