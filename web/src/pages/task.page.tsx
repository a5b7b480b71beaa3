import { useEffect, useState } from 'react';
import { getJson, postJson } from '../http/api-client';
import type { ClaimLines, ClaimState, Decision, Me, ReviewTask } from '../http/api-types';
import { AnalysisCompare } from '../components/analysis-compare.component';
import {
  ClaimSummary,
  PatientFacts,
  RemittanceFacts,
  StateBadge,
  StateHistory,
  STATE_LABEL,
} from '../components/claim-facts.component';
import { DecisionPanel } from '../components/decision-panel.component';
import { LetterEditor } from '../components/letter-editor.component';
import { ErrorNotice, Loading, Notice, problemText } from '../components/notice.component';
import { PageHead } from '../components/page-head.component';
import { humanize, shortId } from '../lib/format';
import { useResource } from '../lib/use-resource.hook';
import { Link } from '../router/link.component';
import { hasRole } from '../session/session.store';

const SETTLED = new Set(['awaiting_outcome', 'closed']);
const DONE: Record<Decision['decision'], string> = {
  approve: 'Appeal approved.',
  edit: 'Appeal approved with your edited letter.',
  reject: 'Appeal rejected.',
  reassign: 'Task reassigned.',
};

/** Follows the claim's workflow after a decision until it settles, so the page shows where it went. */
function useFollow(claimId: string | undefined, from: ClaimState | undefined) {
  const [state, setState] = useState<ClaimState | undefined>(from);
  useEffect(() => setState(from), [from]);
  useEffect(() => {
    if (!claimId || !from || SETTLED.has(from.state) || from.state === 'awaiting_review') return;
    let rounds = 0;
    const timer = window.setInterval(() => {
      rounds += 1;
      getJson<ClaimState>(`/claims/${claimId}/state`)
        .then((s) => {
          setState(s);
          if (SETTLED.has(s.state) || rounds > 40) window.clearInterval(timer);
        })
        .catch(() => window.clearInterval(timer));
    }, 1500);
    return () => window.clearInterval(timer);
  }, [claimId, from]);
  return state;
}

/** One review task: the claim's facts, the rules and analysis side by side, the letter, the decision. */
export function TaskPage({ taskId, me }: { taskId: string; me: Me }) {
  const task = useResource(() => getJson<ReviewTask>(`/review-tasks/${taskId}`), taskId);
  const claimId = task.data?.claim.id;
  const lines = useResource(
    () => (claimId ? getJson<ClaimLines>(`/claims/${claimId}/lines`) : Promise.resolve(undefined)),
    claimId ?? '',
  );
  const live = useResource(
    () => (claimId ? getJson<ClaimState>(`/claims/${claimId}/state`) : Promise.resolve(undefined)),
    claimId ?? '',
  );
  const [decided, setDecided] = useState<{ state: ClaimState; decision: Decision['decision'] }>();
  const followed = useFollow(claimId, decided?.state);
  const state = followed ?? live.data;
  const [body, setBody] = useState<string | null>(null);
  const [takeError, setTakeError] = useState<string | null>(null);
  const letter = task.data?.appeal?.letter ?? null;
  useEffect(() => setBody(letter?.body ?? null), [letter]);

  if (task.error) return <TaskMissing error={task.error} />;
  if (!task.data) return <Loading what="the task" />;
  const t = task.data;
  // A reassigned task is still open: only who holds it changed.
  const open = t.status === 'open' && (!decided || decided.decision === 'reassign');
  const take = async () => {
    setTakeError(null);
    try {
      await postJson(`/review-tasks/${t.id}/take`);
      task.reload();
    } catch (err) {
      setTakeError(problemText(err));
    }
  };

  return (
    <>
      <PageHead
        title={`Review claim ${shortId(t.claim.id)}`}
        subtitle={
          <>
            {humanize(t.claim.category)} · {t.claim.payerKey} ·{' '}
            <StateBadge
              state={state?.state ?? t.claim.state}
              outcome={state?.outcome ?? t.claim.lifecycleOutcome}
            />
          </>
        }
        actions={
          <>
            {open && t.assignedTo === null && (
              <button type="button" className="secondary" onClick={() => void take()}>
                Take this task
              </button>
            )}
            <Link className="button secondary" to="/queue">
              Back to the queue
            </Link>
          </>
        }
      />
      {takeError && <ErrorNotice text={takeError} />}
      {decided && (
        <Notice kind="success">
          <strong>{DONE[decided.decision]}</strong> The claim is now:{' '}
          {STATE_LABEL[state?.state ?? ''] ?? humanize(state?.state)}
          {state?.state === 'awaiting_outcome' && state.submission?.payerReference
            ? ` (payer reference ${state.submission.payerReference})`
            : ''}
          .
        </Notice>
      )}
      {t.status !== 'open' && !decided && (
        <Notice kind="info">
          This task is {humanize(t.status).toLowerCase()}: it is no longer waiting for a decision.
        </Notice>
      )}
      <section className="panel" aria-labelledby="claim-h">
        <h2 id="claim-h">Claim</h2>
        <ClaimSummary claim={t.claim} />
        {state && (
          <>
            <h3 className="spaced">Progress</h3>
            <StateHistory history={state.history} />
          </>
        )}
      </section>
      {t.claim.patient && <PatientFacts patient={t.claim.patient} />}
      {lines.data ? (
        <RemittanceFacts lines={lines.data} />
      ) : lines.error ? (
        <ErrorNotice error={lines.error} />
      ) : null}
      <AnalysisCompare claim={t.claim} state={state} />
      {letter && body !== null && (
        <LetterEditor letter={letter} body={body} readOnly={!open} onChange={setBody} />
      )}
      {open && (
        <DecisionPanel
          taskId={t.id}
          letterBody={body}
          edited={letter !== null && body !== null && body !== letter.body}
          canReassign={hasRole(me, 'reviewer')}
          onDecided={(s, d) => {
            setDecided({ state: s, decision: d });
            if (d === 'reassign') task.reload();
          }}
        />
      )}
    </>
  );
}

function TaskMissing({ error }: { error: Error }) {
  return (
    <>
      <PageHead title="Review task" />
      <ErrorNotice error={error} />
      <Link to="/queue">Back to the queue</Link>
    </>
  );
}
