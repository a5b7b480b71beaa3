import { useState, type FormEvent } from 'react';
import { getJson, send } from '../http/api-client';
import type {
  AuditTimelineEntry,
  ChainReport,
  Timeline,
  WorkflowTimelineEntry,
} from '../http/api-types';
import { ErrorNotice, Loading, problemText } from '../components/notice.component';
import { PageHead } from '../components/page-head.component';
import { TextField } from '../components/text-field.component';
import { count, moment, shortId } from '../lib/format';
import { useResource } from '../lib/use-resource.hook';
import { navigate } from '../router/router';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The audit actions in words; an unknown one shows its code. */
const ACTIONS: Record<string, string> = {
  'remittance.ingest': 'Remittance stored',
  'claim.triage': 'Triaged by the rules',
  'ai.analyze': 'Denial analysed',
  'appeal.draft': 'Appeal letter drafted',
  'review_task.open': 'Review task opened',
  'review_task.read': 'Review task read (PHI)',
  'review_task.take': 'Review task taken',
  'review_task.remind': 'Reviewer reminded',
  'review_task.escalate': 'Review escalated',
  'review_task.expire': 'Review task expired',
  'claim.read': 'Claim read (PHI)',
  'appeal.letter_read': 'Appeal letter read (PHI)',
  'appeal.packet_read': 'Appeal packet read (PHI)',
  'review.approve': 'Appeal approved',
  'review.edit': 'Appeal approved with an edited letter',
  'review.reject': 'Appeal rejected',
  'review.reassign': 'Task reassigned',
  'appeal.packet': 'Appeal packet rendered',
  'appeal.submit': 'Appeal sent to the payer',
  'appeal.submitted': 'Appeal marked submitted',
  'appeal.withdraw': 'Submission withdrawn',
  'appeal.follow_up': 'Followed up with the payer',
  'claim.close': 'Claim closed',
  'workflow.reset': 'Workflow reset by operations',
  'workflow.retry': 'Workflow retried by operations',
};

/** `ActivityTaskScheduled` → `Activity task scheduled` */
const spaced = (t: string) =>
  t.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/ (\w)/g, (_m, c: string) => ` ${c.toLowerCase()}`);

function AuditItem({ e }: { e: AuditTimelineEntry }) {
  const details = Object.entries(e.details ?? {});
  return (
    <>
      <div>
        <strong>{ACTIONS[e.action] ?? e.action}</strong> <code className="muted">{e.action}</code>{' '}
        {e.outcome !== 'success' && <span className="badge bad">{e.outcome}</span>}
        <div className="small-text muted">
          by <span className="mono">{e.actor}</span> ({e.actorRole || 'no role'}) · purpose{' '}
          {e.purpose} · event #{e.seq}
          {details.length > 0 && ` · ${details.map(([k, v]) => `${k}: ${String(v)}`).join(', ')}`}
        </div>
      </div>
    </>
  );
}

function WorkflowItem({ e }: { e: WorkflowTimelineEntry }) {
  return (
    <div>
      <strong>{spaced(e.eventType)}</strong>
      {e.name && (
        <>
          {' '}
          <code>{e.name}</code>
        </>
      )}
      {e.attempt && e.attempt > 1 ? <span className="badge warn">attempt {e.attempt}</span> : null}
      <div className="small-text muted">
        workflow event #{e.eventId} · run {shortId(e.runId)}
      </div>
    </div>
  );
}

async function downloadCsv(claimId: string): Promise<void> {
  const res = await send('GET', `/audit/export?claimId=${encodeURIComponent(claimId)}`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = `audit-${claimId}.csv`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** An auditor's view of one claim: its whole story on one page, the chain's verification, CSV export. */
export function AuditPage({ claimId }: { claimId?: string }) {
  const [input, setInput] = useState(claimId ?? '');
  const [inputError, setInputError] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  const [show, setShow] = useState({ audit: true, workflow: true });
  const [exportError, setExportError] = useState<string | null>(null);
  const verify = useResource(() => getJson<ChainReport>('/audit/verify'), `v${round}`);
  const timeline = useResource(
    () =>
      claimId ? getJson<Timeline>(`/audit/claims/${claimId}/timeline`) : Promise.resolve(undefined),
    claimId ?? '',
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const id = input.trim().toLowerCase();
    if (!UUID.test(id)) return setInputError('Enter a claim ID: 36 characters like 3f2a1b4c-…');
    setInputError(null);
    navigate(`/audit/${id}`);
  };
  const entries = (timeline.data?.entries ?? []).filter((e) => show[e.source]);

  return (
    <>
      <PageHead
        title="Audit trail"
        subtitle="One claim’s whole story: who touched it, what the workflow did, and whether the chain holds."
      />
      <section className="panel" aria-labelledby="verify-h">
        <div className="row">
          <h2 id="verify-h">Chain verification</h2>
          <span className="spacer" />
          <button type="button" className="secondary small" onClick={() => setRound((r) => r + 1)}>
            Verify again
          </button>
        </div>
        {verify.error ? (
          <ErrorNotice error={verify.error} />
        ) : !verify.data || verify.loading ? (
          <Loading what="the verification" />
        ) : verify.data.intact ? (
          <div className="notice success" role="status">
            <strong>The audit chain is intact.</strong> {count(verify.data.events, 'event')} of this
            organization recomputed and linked, up to event #{verify.data.lastSeq}.
          </div>
        ) : (
          <div className="notice error" role="alert">
            <strong>The audit chain is broken at event #{verify.data.firstBroken}:</strong>{' '}
            {verify.data.problem}.
          </div>
        )}
      </section>
      <section className="panel" aria-labelledby="find-h">
        <h2 id="find-h">Claim timeline</h2>
        <form className="filters" onSubmit={submit} noValidate>
          <TextField
            id="claim-id"
            label="Claim ID"
            value={input}
            onChange={setInput}
            error={inputError}
            input={{ size: 40, className: 'mono', spellCheck: false }}
          />
          <button type="submit">Show timeline</button>
          {claimId && (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setExportError(null);
                downloadCsv(claimId).catch((err: unknown) => setExportError(problemText(err)));
              }}
            >
              Export CSV
            </button>
          )}
        </form>
        {exportError && <ErrorNotice text={exportError} />}
        {!claimId ? (
          <p className="muted">
            Enter the ID of a claim to see its audit events and workflow history together.
          </p>
        ) : timeline.error ? (
          <ErrorNotice error={timeline.error} />
        ) : !timeline.data ? (
          <Loading what="the timeline" />
        ) : (
          <>
            <div className="row small-text">
              <span>
                {count(timeline.data.auditEvents, 'audit event')} and{' '}
                {count(timeline.data.workflowEvents, 'workflow event')}
                {timeline.data.historyAvailable
                  ? ` in ${count(timeline.data.runs.length, 'run')} of ${timeline.data.workflowId}`
                  : ' (the workflow history is no longer kept by Temporal)'}
              </span>
              <span className="spacer" />
              <fieldset className="inline">
                <legend className="visually-hidden">Show</legend>
                <label>
                  <input
                    type="checkbox"
                    checked={show.audit}
                    onChange={(e) => setShow({ ...show, audit: e.target.checked })}
                  />{' '}
                  Audit events
                </label>
                <label>
                  <input
                    type="checkbox"
                    checked={show.workflow}
                    onChange={(e) => setShow({ ...show, workflow: e.target.checked })}
                  />{' '}
                  Workflow events
                </label>
              </fieldset>
            </div>
            <ol className="timeline" aria-label={`Timeline of claim ${timeline.data.claimId}`}>
              {entries.map((e) => (
                <li key={e.source === 'audit' ? `a${e.seq}` : `w${e.runId}${e.eventId}`}>
                  <time dateTime={e.at}>{moment(e.at)}</time>
                  <span>
                    <span className={`badge ${e.source}`}>
                      {e.source === 'audit' ? 'Audit' : 'Workflow'}
                    </span>
                  </span>
                  {e.source === 'audit' ? <AuditItem e={e} /> : <WorkflowItem e={e} />}
                </li>
              ))}
            </ol>
          </>
        )}
      </section>
    </>
  );
}
