import { useState } from 'react';
import { ApiError, getJson, postJson } from '../http/api-client';
import type { ClaimState, Decision, TeamMember } from '../http/api-types';
import { problemText } from './notice.component';
import { ConfirmDialog } from './confirm-dialog.component';
import { useResource } from '../lib/use-resource.hook';
import { SelectField } from './select-field.component';
import { TextField } from './text-field.component';

type Open = null | 'reject' | 'reassign';

/**
 * Approve (with the letter as edited), reject with a reason, or reassign: each
 * calls the claim workflow's review Update and shows what it led to in place.
 */
export function DecisionPanel(props: {
  taskId: string;
  letterBody: string | null;
  edited: boolean;
  canReassign: boolean;
  onDecided(state: ClaimState, decision: Decision['decision']): void;
}) {
  const [open, setOpen] = useState<Open>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [assignTo, setAssignTo] = useState('');
  const team = useResource(
    () => (open === 'reassign' ? getJson<TeamMember[]>('/team/members') : Promise.resolve([])),
    open ?? 'closed',
  );

  const decide = async (d: Decision) => {
    setBusy(true);
    setError(null);
    try {
      const state = await postJson<ClaimState>(`/review-tasks/${props.taskId}/decision`, d);
      setOpen(null);
      props.onDecided(state, d.decision);
    } catch (err) {
      if (err instanceof ApiError && err.field === 'reason') setReasonError(problemText(err));
      else setError(problemText(err));
    } finally {
      setBusy(false);
    }
  };

  const approve = () =>
    decide(
      props.edited && props.letterBody !== null
        ? { decision: 'edit', letter: props.letterBody }
        : { decision: 'approve' },
    );

  const reject = () => {
    if (!reason.trim()) return setReasonError('Say why the appeal should not go ahead.');
    setReasonError(null);
    void decide({ decision: 'reject', reason: reason.trim() });
  };

  return (
    <section className="panel" aria-labelledby="decision-h">
      <h2 id="decision-h">Decision</h2>
      <p className="panel-note">
        Approving sends the appeal packet to the payer
        {props.edited ? ' with your edited letter' : ''}.
      </p>
      {error && (
        <div className="notice error" role="alert">
          {error}
        </div>
      )}
      <div className="row">
        <button type="button" onClick={() => void approve()} disabled={busy}>
          {props.edited ? 'Approve with my edits' : 'Approve appeal'}
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => setOpen('reject')}
          disabled={busy}
        >
          Reject…
        </button>
        {props.canReassign && (
          <button
            type="button"
            className="secondary"
            onClick={() => setOpen('reassign')}
            disabled={busy}
          >
            Reassign…
          </button>
        )}
      </div>

      <ConfirmDialog
        open={open === 'reject'}
        title="Reject this appeal"
        confirmLabel="Reject appeal"
        danger
        busy={busy}
        onCancel={() => setOpen(null)}
        onConfirm={reject}
      >
        <p>The claim closes as rejected by the reviewer; no appeal is sent.</p>
        <TextField
          label="Reason for rejecting"
          value={reason}
          onChange={setReason}
          error={reasonError}
          multiline
          input={{ maxLength: 2000 }}
        />
      </ConfirmDialog>

      <ConfirmDialog
        open={open === 'reassign'}
        title="Reassign this task"
        confirmLabel="Reassign"
        busy={busy}
        confirmDisabled={!assignTo}
        onCancel={() => setOpen(null)}
        onConfirm={() => void decide({ decision: 'reassign', assignTo })}
      >
        <SelectField
          label="Assign to"
          value={assignTo}
          onChange={setAssignTo}
          options={[
            { value: '', label: 'Choose a colleague' },
            ...(team.data ?? [])
              .filter((m) => !m.self)
              .map((m) => ({ value: m.id, label: `${m.displayName} (${m.email})` })),
          ]}
        />
      </ConfirmDialog>
    </section>
  );
}
