import type { Analysis, ClaimState, ClaimView } from '../http/api-types';
import { day, humanize } from '../lib/format';

function List({ title, items }: { title: string; items: string[] }) {
  if (!items.length) return null;
  return (
    <>
      <h4>{title}</h4>
      <ul>
        {items.map((t, i) => (
          <li key={i}>{t}</li>
        ))}
      </ul>
    </>
  );
}

/** Who produced the analysis, in words: the model and how it was asked, or the rules and why. */
function provenance(a: Analysis, state: ClaimState | undefined): string {
  if (a.outcome?.label) return a.outcome.label;
  if (state?.analysis?.label) return state.analysis.label;
  return a.analyzer === 'ai' ? `AI model ${a.model ?? 'unknown'}` : 'claimflow rules analyzer';
}

/**
 * The rules' triage and the analysis side by side, each saying where it came
 * from, so a person sees what the codes alone say and what the analysis added.
 */
export function AnalysisCompare({
  claim,
  state,
}: {
  claim: ClaimView;
  state?: ClaimState | undefined;
}) {
  const all = claim.analyses;
  const analysis = all.length > 1 ? all[all.length - 1] : undefined;
  const triage = [...all.slice(0, analysis ? -1 : undefined)]
    .reverse()
    .find((a) => a.analyzer === 'rules');
  const o = analysis?.outcome;
  const differs = analysis && triage && analysis.category !== triage.category;
  return (
    <section className="panel" aria-labelledby="analysis-h">
      <h2 id="analysis-h">Rules and analysis</h2>
      <div className="compare">
        <section aria-labelledby="rules-h">
          <h3 id="rules-h">Rules (triage)</h3>
          <p className="source">
            Source: claimflow triage rules on the CARC/RARC codes, group codes and claim status,
            with the payer’s appeal window.
          </p>
          {triage ? (
            <dl className="facts">
              <div>
                <dt>Category</dt>
                <dd>{humanize(triage.category)}</dd>
              </div>
              <div>
                <dt>Appealable</dt>
                <dd>{triage.appealable ? 'Yes' : 'No'}</dd>
              </div>
              <div>
                <dt>Appeal level</dt>
                <dd>{humanize(state?.appealLevel ?? claim.appealLevel)}</dd>
              </div>
              <div>
                <dt>Deadline</dt>
                <dd>{day(state?.appealDeadline ?? claim.appealDeadline)}</dd>
              </div>
              <div>
                <dt>Priority</dt>
                <dd>
                  {state?.priority
                    ? `${state.priority.score} (${state.priority.band})`
                    : (claim.priorityScore ?? '—')}
                </dd>
              </div>
            </dl>
          ) : (
            <p className="muted">Triage has not run yet.</p>
          )}
        </section>
        <section aria-labelledby="ai-h">
          <h3 id="ai-h">
            Analysis{' '}
            {analysis && (
              <span className={`badge ${analysis.analyzer === 'ai' ? 'info' : ''}`}>
                {analysis.analyzer === 'ai' ? 'AI' : 'Rules'}
              </span>
            )}
          </h3>
          {analysis ? (
            <>
              <p className="source">Source: {provenance(analysis, state)}</p>
              <dl className="facts">
                <div>
                  <dt>Category</dt>
                  <dd>
                    {humanize(analysis.category)}{' '}
                    {differs && <span className="badge warn">differs from the rules</span>}
                  </dd>
                </div>
                <div>
                  <dt>Recommended action</dt>
                  <dd>{humanize(o?.recommendedAction ?? claim.recommendedAction)}</dd>
                </div>
                <div>
                  <dt>Confidence</dt>
                  <dd>{Math.round(analysis.confidence * 100)}%</dd>
                </div>
                <div>
                  <dt>Model</dt>
                  <dd>{analysis.model ?? 'none (rules)'}</dd>
                </div>
              </dl>
              {o ? (
                <>
                  <List title="Why" items={o.rationale} />
                  <List title="Arguments for the appeal" items={o.appealArguments} />
                  <List title="Documents to attach" items={o.missingDocuments} />
                </>
              ) : (
                <p className="muted small-text">
                  The rationale can quote the claim, so only the appeal team working it sees it.
                </p>
              )}
            </>
          ) : (
            <p className="muted">The analysis has not run yet.</p>
          )}
        </section>
      </div>
    </section>
  );
}
