import type { ClaimLines, ClaimView, PatientView, Remark, StateChange } from '../http/api-types';
import { day, daysLabel, daysUntil, humanize, moment, money } from '../lib/format';

/** X12 claim adjustment group codes, as the 835 guide names them. */
const GROUPS: Record<string, string> = {
  CO: 'Contractual obligation',
  CR: 'Correction and reversal',
  OA: 'Other adjustment',
  PI: 'Payer initiated reduction',
  PR: 'Patient responsibility',
};

/** The lifecycle's states in words. */
export const STATE_LABEL: Record<string, string> = {
  triage: 'Triage',
  analysis: 'Analysis',
  drafting: 'Drafting the appeal',
  awaiting_review: 'Awaiting review',
  preparing_packet: 'Preparing the packet',
  submitting: 'Submitting to the payer',
  awaiting_outcome: 'Submitted, awaiting the payer',
  closed: 'Closed',
};

export function StateBadge({
  state,
  outcome,
}: {
  state: string | null | undefined;
  outcome?: string | null;
}) {
  if (!state) return <span className="badge">Not started</span>;
  const tone =
    state === 'closed'
      ? outcome === 'overturned' || outcome === 'partially_overturned'
        ? 'ok'
        : 'bad'
      : state === 'awaiting_review'
        ? 'warn'
        : 'info';
  return (
    <span className={`badge ${tone}`}>
      {STATE_LABEL[state] ?? humanize(state)}
      {state === 'closed' && outcome ? `: ${humanize(outcome)}` : ''}
    </span>
  );
}

export function ClaimSummary({ claim }: { claim: ClaimView }) {
  const deadline = claim.appealDeadline;
  return (
    <dl className="facts">
      <div>
        <dt>Payer</dt>
        <dd>{claim.payerKey}</dd>
      </div>
      <div>
        <dt>Claim status (CLP02)</dt>
        <dd>
          {claim.statusCode} · {humanize(claim.outcome)}
        </dd>
      </div>
      <div>
        <dt>Charged</dt>
        <dd>{money(claim.chargeCents)}</dd>
      </div>
      <div>
        <dt>Paid</dt>
        <dd>{money(claim.paidCents)}</dd>
      </div>
      <div>
        <dt>Patient responsibility</dt>
        <dd>{money(claim.patientResponsibilityCents)}</dd>
      </div>
      <div>
        <dt>At stake</dt>
        <dd>{money(claim.amountAtStakeCents)}</dd>
      </div>
      <div>
        <dt>Appeal level</dt>
        <dd>{humanize(claim.appealLevel)}</dd>
      </div>
      <div>
        <dt>Appeal deadline</dt>
        <dd>
          {day(deadline)}{' '}
          {deadline ? (
            <span className="muted small-text">({daysLabel(daysUntil(deadline))})</span>
          ) : null}
        </dd>
      </div>
      <div>
        <dt>Priority score</dt>
        <dd>{claim.priorityScore ?? '—'}</dd>
      </div>
    </dl>
  );
}

/** The patient's identifiers: only in a worker's view, and the read is in the audit trail. */
export function PatientFacts({ patient }: { patient: PatientView }) {
  const name = [patient.name?.first, patient.name?.middle, patient.name?.last]
    .filter(Boolean)
    .join(' ');
  const dates = patient.serviceDates;
  return (
    <section className="panel" aria-labelledby="patient-h">
      <h2 id="patient-h">
        Patient <span className="phi-tag">PHI · this view is audited</span>
      </h2>
      <dl className="facts">
        <div>
          <dt>Name</dt>
          <dd>{name || '—'}</dd>
        </div>
        <div>
          <dt>Member ID</dt>
          <dd className="mono">{patient.memberId ?? '—'}</dd>
        </div>
        <div>
          <dt>Patient account</dt>
          <dd className="mono">{patient.patientControlNumber ?? '—'}</dd>
        </div>
        <div>
          <dt>Payer claim number</dt>
          <dd className="mono">{patient.payerClaimControlNumber || '—'}</dd>
        </div>
        <div>
          <dt>Dates of service</dt>
          <dd>
            {dates?.from ? day(toIso(dates.from)) : '—'}
            {dates?.to && dates.to !== dates.from ? ` – ${day(toIso(dates.to))}` : ''}
          </dd>
        </div>
      </dl>
    </section>
  );
}

/** 835 dates come as CCYYMMDD. */
const toIso = (d: string) =>
  /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}` : d;

function Codes({
  adjustments,
  remarks,
}: {
  adjustments: ClaimLines['adjustments'];
  remarks: Remark[];
}) {
  if (!adjustments.length && !remarks.length) return <span className="muted">None</span>;
  return (
    <ul className="plain">
      {adjustments.map((a, i) => (
        <li key={`a${i}`}>
          <strong className="mono">
            <abbr title={GROUPS[a.group] ?? a.group}>{a.group}</abbr>-{a.reason}
          </strong>{' '}
          {money(a.amountCents)} — {a.description ?? 'not in the CARC list'}
        </li>
      ))}
      {remarks.map((r, i) => (
        <li key={`r${i}`}>
          <strong className="mono">{r.code}</strong>{' '}
          <span className="muted small-text">(remark)</span> —{' '}
          {r.description ?? 'not in the RARC list'}
        </li>
      ))}
    </ul>
  );
}

/** What the payer's 835 said: claim-level adjustments, then each service line with its own codes. */
export function RemittanceFacts({ lines }: { lines: ClaimLines }) {
  return (
    <section className="panel" aria-labelledby="remit-h">
      <h2 id="remit-h">Remittance</h2>
      <p className="panel-note">
        Adjustment reasons (CARC) and remarks (RARC) with their published descriptions.
      </p>
      {(lines.adjustments.length > 0 || lines.remarks.length > 0) && (
        <div className="field">
          <h3>Claim-level adjustments</h3>
          <Codes adjustments={lines.adjustments} remarks={lines.remarks} />
        </div>
      )}
      <div className="table-wrap">
        <table>
          <caption>Service lines</caption>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Procedure</th>
              <th scope="col" className="num">
                Units
              </th>
              <th scope="col" className="num">
                Charged
              </th>
              <th scope="col" className="num">
                Paid
              </th>
              <th scope="col">Adjustments and remarks</th>
            </tr>
          </thead>
          <tbody>
            {lines.lines.map((l) => (
              <tr key={l.lineNumber}>
                <td>{l.lineNumber}</td>
                <td className="mono">
                  {l.procedure.qualifier}:{l.procedure.code}
                  {l.procedure.modifiers.length ? `-${l.procedure.modifiers.join('-')}` : ''}
                </td>
                <td className="num">{l.units ?? '—'}</td>
                <td className="num">{money(l.chargeCents)}</td>
                <td className="num">{money(l.paidCents)}</td>
                <td>
                  <Codes adjustments={l.adjustments} remarks={l.remarks} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function StateHistory({ history }: { history: StateChange[] }) {
  if (!history.length) return null;
  return (
    <ol className="steps" aria-label="What happened to this claim">
      {history.map((h, i) => (
        <li key={`${h.state}-${i}`}>
          <span className={`badge ${i === history.length - 1 ? 'info' : ''}`}>
            {STATE_LABEL[h.state] ?? humanize(h.state)}
          </span>{' '}
          <time className="muted" dateTime={h.at}>
            {moment(h.at)}
          </time>
          {h.note ? <span className="muted small-text"> ({h.note})</span> : null}
        </li>
      ))}
    </ol>
  );
}
