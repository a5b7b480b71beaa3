import { getJson } from '../http/api-client';
import type { ClaimLines, ClaimState, ClaimView, Me } from '../http/api-types';
import { AnalysisCompare } from '../components/analysis-compare.component';
import {
  ClaimSummary,
  PatientFacts,
  RemittanceFacts,
  StateBadge,
  StateHistory,
} from '../components/claim-facts.component';
import { ErrorNotice, Loading } from '../components/notice.component';
import { PageHead } from '../components/page-head.component';
import { humanize, shortId } from '../lib/format';
import { useResource } from '../lib/use-resource.hook';
import { Link } from '../router/link.component';
import { hasRole } from '../session/session.store';

/**
 * One claim as its facts: codes, amounts, analysis and progress. The API
 * decides what is shown: operations never get the patient's identifiers; the
 * appeal team gets them for the claims in its work, and the read is audited.
 */
export function ClaimPage({ claimId, me }: { claimId: string; me: Me }) {
  const claim = useResource(() => getJson<ClaimView>(`/claims/${claimId}`), claimId);
  const lines = useResource(() => getJson<ClaimLines>(`/claims/${claimId}/lines`), claimId);
  const state = useResource(
    () => getJson<ClaimState>(`/claims/${claimId}/state`).catch(() => undefined),
    claimId,
  );
  if (claim.error)
    return (
      <>
        <PageHead title={`Claim ${shortId(claimId)}`} />
        <ErrorNotice error={claim.error} />
      </>
    );
  if (!claim.data) return <Loading what="the claim" />;
  const c = claim.data;
  const worker = hasRole(me, 'appeal_specialist', 'reviewer');
  const taskId = state.data?.state === 'awaiting_review' ? state.data.reviewTaskId : undefined;
  return (
    <>
      <PageHead
        title={`Claim ${shortId(c.id)}`}
        subtitle={
          <>
            {humanize(c.category)} · {c.payerKey} ·{' '}
            <StateBadge state={c.state} outcome={c.lifecycleOutcome} />
          </>
        }
        actions={
          <>
            {worker && taskId && (
              <Link className="button" to={`/tasks/${taskId}`}>
                Open the review task
              </Link>
            )}
            <Link className="button secondary" to={worker ? '/queue' : '/ops'}>
              {worker ? 'Back to the queue' : 'Back to operations'}
            </Link>
          </>
        }
      />
      <section className="panel" aria-labelledby="claim-h">
        <h2 id="claim-h">Claim</h2>
        <p className="panel-note mono">{c.id}</p>
        <ClaimSummary claim={c} />
        {c.history && c.history.length > 0 && (
          <>
            <h3 className="spaced">Progress</h3>
            <StateHistory history={c.history} />
          </>
        )}
        {c.appeals.length > 0 && (
          <>
            <h3 className="spaced">Appeals</h3>
            <ul className="plain">
              {c.appeals.map((a) => (
                <li key={a.id}>
                  Level {a.level} ({humanize(a.appealLevel)}):{' '}
                  <span className="badge">{humanize(a.status)}</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      {c.patient && <PatientFacts patient={c.patient} />}
      {lines.data ? (
        <RemittanceFacts lines={lines.data} />
      ) : lines.error ? (
        <ErrorNotice error={lines.error} />
      ) : null}
      <AnalysisCompare claim={c} state={state.data} />
    </>
  );
}
