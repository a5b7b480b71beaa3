import { useState } from 'react';
import { ApiError, getJson, postJson, qs } from '../http/api-client';
import type { FailedWorkflow, ReplayResult, WorkflowCounts } from '../http/api-types';
import { BarChart } from '../components/bar-chart.component';
import { STATE_LABEL } from '../components/claim-facts.component';
import { ConfirmDialog } from '../components/confirm-dialog.component';
import { ErrorNotice, Loading, Notice, problemText } from '../components/notice.component';
import { PageHead } from '../components/page-head.component';
import { SelectField } from '../components/select-field.component';
import { Stats } from '../components/stats.component';
import { TextField } from '../components/text-field.component';
import { count, humanize, moment } from '../lib/format';
import { useResource } from '../lib/use-resource.hook';
import { Link } from '../router/link.component';

type Kind = 'retry' | 'reset' | 'replay';
interface Action {
  kind: Kind;
  workflow?: FailedWorkflow;
}

const WINDOWS: Record<string, number> = {
  '1d': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};
const STATUS_TONE: Record<string, string> = {
  FAILED: 'bad',
  TIMED_OUT: 'bad',
  TERMINATED: 'warn',
  STUCK: 'warn',
};
const TYPE_LABEL: Record<string, string> = {
  claimLifecycle: 'Claim lifecycle',
  ingestRemittance: 'Remittance ingest',
};

const WHAT: Record<Kind, { title: string; confirm: string; text: string }> = {
  retry: {
    title: 'Retry workflow',
    confirm: 'Retry',
    text: 'It starts again from the beginning as a new run; its activities are idempotent.',
  },
  reset: {
    title: 'Reset workflow',
    confirm: 'Reset',
    text: 'It goes back to the chosen point of its history and continues from there as a new run.',
  },
  replay: {
    title: 'Replay workflow history',
    confirm: 'Replay',
    text: 'Its recorded history is run against the deployed workflow code to check it still decides the same. Nothing in the workflow changes.',
  },
};

/** Operations: workflows by state, the failed ones with their reason, and retry, reset and replay. No PHI. */
export function OpsPage() {
  const [type, setType] = useState('');
  const [period, setPeriod] = useState('7d');
  const [round, setRound] = useState(0);
  const counts = useResource(() => getJson<WorkflowCounts>('/workflows/counts'), `c${round}`);
  const failed = useResource(
    () =>
      getJson<{ workflows: FailedWorkflow[] }>(
        `/workflows/failed${qs({ since: new Date(Date.now() - WINDOWS[period]!).toISOString(), type })}`,
      ),
    `${type}|${period}|${round}`,
  );
  const [action, setAction] = useState<Action | null>(null);
  const [done, setDone] = useState<{ text: string; replay?: ReplayResult } | null>(null);
  const rows = failed.data?.workflows ?? [];

  const byState = Object.entries(counts.data?.byState ?? {}).map(([state, n]) => ({
    label: STATE_LABEL[state] ?? humanize(state),
    value: n,
  }));
  const byStatus = counts.data?.byStatus ?? {};
  const attention = ['FAILED', 'TIMED_OUT', 'TERMINATED'].reduce(
    (a, k) => a + (byStatus[k] ?? 0),
    0,
  );

  return (
    <>
      <PageHead
        title="Operations"
        subtitle="Workflows by state, the ones that failed, and the actions that put them right. No patient data is shown here."
        actions={
          <button type="button" className="secondary" onClick={() => setRound((r) => r + 1)}>
            Refresh
          </button>
        }
      />
      {done && (
        <Notice kind="success">
          {done.text}
          {done.replay && (
            <ul className="plain">
              {done.replay.results.map((r) => (
                <li key={`${r.workflowId}-${r.runId}`}>
                  <span className="mono">{r.workflowId}</span>:{' '}
                  {r.ok ? (
                    <span className="badge ok">same decisions</span>
                  ) : (
                    <span className="badge bad">{r.error ?? 'diverged'}</span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </Notice>
      )}
      {counts.error ? (
        <ErrorNotice error={counts.error} title="Workflow counts are unavailable." />
      ) : counts.data ? (
        <>
          <Stats
            label="Workflows by status"
            items={[
              { label: 'Running', value: byStatus.RUNNING ?? 0 },
              { label: 'Completed', value: byStatus.COMPLETED ?? 0 },
              {
                label: 'Failed, timed out or terminated',
                value: attention,
                attention: attention > 0,
              },
            ]}
          />
          <div className="grid-2">
            <section className="panel">
              <BarChart
                title="Claim workflows by state"
                what="Claim workflows by state"
                labelHeading="State"
                valueHeading="Workflows"
                rows={byState}
                format={(v) => String(v)}
                tone={2}
              />
            </section>
            <section className="panel">
              <BarChart
                title="Workflows by Temporal status"
                what="Workflows by status"
                labelHeading="Status"
                valueHeading="Workflows"
                rows={Object.entries(byStatus).map(([st, v]) => ({
                  label: humanize(st.toLowerCase()),
                  value: v,
                }))}
                format={(v) => String(v)}
                tone={1}
              />
            </section>
          </div>
        </>
      ) : (
        <Loading what="workflow counts" />
      )}
      <section className="panel spaced" aria-labelledby="failed-h">
        <div className="row">
          <h2 id="failed-h">Failed and stuck workflows</h2>
          <span className="spacer" />
          <button
            type="button"
            className="secondary"
            disabled={!rows.length}
            onClick={() => setAction({ kind: 'replay' })}
          >
            Replay all failed…
          </button>
        </div>
        <div className="filters" role="group" aria-label="Filters">
          <SelectField
            label="Workflow type"
            value={type}
            onChange={setType}
            options={[
              { value: '', label: 'All types' },
              { value: 'claimLifecycle', label: TYPE_LABEL.claimLifecycle! },
              { value: 'ingestRemittance', label: TYPE_LABEL.ingestRemittance! },
            ]}
          />
          <SelectField
            label="Failed since"
            value={period}
            onChange={setPeriod}
            options={[
              { value: '1d', label: 'The last 24 hours' },
              { value: '7d', label: 'The last 7 days' },
              { value: '30d', label: 'The last 30 days' },
            ]}
          />
        </div>
        {failed.error ? (
          <ErrorNotice error={failed.error} title="The failed workflows cannot be listed." />
        ) : failed.loading && !failed.data ? (
          <Loading what="failed workflows" />
        ) : (
          <FailedTable rows={rows} onAction={(kind, workflow) => setAction({ kind, workflow })} />
        )}
      </section>
      {action && (
        <ActionDialog
          action={action}
          allFailed={rows.length}
          onCancel={() => setAction(null)}
          onDone={(text, replay) => {
            setAction(null);
            setDone({ text, ...(replay ? { replay } : {}) });
            setRound((r) => r + 1);
          }}
        />
      )}
    </>
  );
}

function FailedTable(props: {
  rows: FailedWorkflow[];
  onAction(kind: Kind, w: FailedWorkflow): void;
}) {
  if (!props.rows.length)
    return <p className="muted">No workflow failed or got stuck in this period.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption>{count(props.rows.length, 'workflow')} needing attention</caption>
        <thead>
          <tr>
            <th scope="col">Workflow</th>
            <th scope="col">Status</th>
            <th scope="col">Claim state</th>
            <th scope="col">Payer</th>
            <th scope="col">Category</th>
            <th scope="col">Reason</th>
            <th scope="col">Since</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((w) => (
            <tr key={`${w.workflowId}-${w.runId}`}>
              <td>
                {/* The full id is the row's name for assistive technology; a short one is shown. */}
                <span className="visually-hidden">{w.workflowId}</span>
                <span className="mono small-text nowrap" aria-hidden="true" title={w.workflowId}>
                  {w.workflowId.length > 22 ? `${w.workflowId.slice(0, 20)}…` : w.workflowId}
                </span>
                <br />
                <span className="muted small-text">{TYPE_LABEL[w.type] ?? w.type}</span>
                {w.claimId && (
                  <>
                    {' · '}
                    <Link to={`/claims/${w.claimId}`} className="small-text">
                      claim
                    </Link>
                  </>
                )}
              </td>
              <td>
                <span className={`badge ${STATUS_TONE[w.status] ?? ''}`}>
                  {humanize(w.status.toLowerCase())}
                </span>
              </td>
              <td>{w.claimState ? (STATE_LABEL[w.claimState] ?? humanize(w.claimState)) : '—'}</td>
              <td>{w.payerId ?? '—'}</td>
              <td>{humanize(w.category)}</td>
              <td>{w.reason}</td>
              <td>
                <time dateTime={w.since}>{moment(w.since)}</time>
              </td>
              <td>
                <div className="stacked-actions">
                  {(['retry', 'reset', 'replay'] as const).map((k) => (
                    <button
                      key={k}
                      type="button"
                      className="secondary small"
                      onClick={() => props.onAction(k, w)}
                      aria-label={`${WHAT[k].confirm} ${w.workflowId}`}
                    >
                      {WHAT[k].confirm}…
                    </button>
                  ))}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Every action asks first, and retry and reset need a reason: the audit trail records both. */
function ActionDialog(props: {
  action: Action;
  allFailed: number;
  onCancel(): void;
  onDone(text: string, replay?: ReplayResult): void;
}) {
  const { kind, workflow } = props.action;
  const [reason, setReason] = useState('');
  const [to, setTo] = useState('last-good');
  const [eventId, setEventId] = useState('');
  const [error, setError] = useState<{ text: string; field?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const what = WHAT[kind];
  const target = workflow
    ? workflow.workflowId
    : `all ${count(props.allFailed, 'failed workflow')}`;

  const confirm = async () => {
    if (kind !== 'replay' && reason.trim().length < 3)
      return setError({
        text: 'Give a reason of a few words: it goes into the audit trail.',
        field: 'reason',
      });
    if (kind === 'reset' && to === 'event' && !/^\d+$/.test(eventId))
      return setError({ text: 'Enter the event ID to reset to, a whole number.', field: 'to' });
    setBusy(true);
    setError(null);
    try {
      const path = (w: FailedWorkflow) => `/workflows/${encodeURIComponent(w.workflowId)}`;
      if (kind === 'replay') {
        const r = await postJson<ReplayResult>(
          '/workflows/replay',
          workflow ? { workflowIds: [workflow.workflowId] } : { allFailed: true },
        );
        props.onDone(`Replayed ${count(r.results.length, 'workflow')}.`, r);
      } else {
        const body =
          kind === 'retry'
            ? { reason: reason.trim() }
            : { to: to === 'event' ? Number(eventId) : 'last-good', reason: reason.trim() };
        const r = await postJson<{ workflowId: string; runId: string }>(
          `${path(workflow!)}/${kind}`,
          body,
        );
        props.onDone(
          `${what.confirm === 'Retry' ? 'Retried' : 'Reset'} ${r.workflowId}: new run ${r.runId}.`,
        );
      }
    } catch (err) {
      setError({
        text: problemText(err),
        ...(err instanceof ApiError && err.field ? { field: err.field } : {}),
      });
      setBusy(false);
    }
  };

  const fieldError = (f: string) => (error?.field === f ? error.text : null);
  return (
    <ConfirmDialog
      open
      title={`${what.title}?`}
      confirmLabel={what.confirm}
      danger={kind !== 'replay'}
      busy={busy}
      onCancel={props.onCancel}
      onConfirm={() => void confirm()}
    >
      <p>
        <strong className="mono">{target}</strong>
      </p>
      <p>{what.text}</p>
      {error && !error.field && (
        <div className="notice error" role="alert">
          {error.text}
        </div>
      )}
      {kind === 'reset' && (
        <>
          <SelectField
            label="Reset to"
            value={to}
            onChange={setTo}
            options={[
              { value: 'last-good', label: 'The last good point (last completed workflow task)' },
              { value: 'event', label: 'A specific event of its history' },
            ]}
          />
          {to === 'event' && (
            <TextField
              label="Event ID"
              value={eventId}
              onChange={setEventId}
              error={fieldError('to')}
              input={{ inputMode: 'numeric' }}
            />
          )}
        </>
      )}
      {kind !== 'replay' && (
        <TextField
          label="Reason"
          value={reason}
          onChange={setReason}
          error={fieldError('reason')}
          hint="Recorded with your name in the audit trail. No patient details."
          input={{ maxLength: 200 }}
        />
      )}
    </ConfirmDialog>
  );
}
