import { useId, type ReactNode } from 'react';

export interface ChartRow {
  label: string;
  value: number;
}

/** What every chart is given: its title, what it counts (for the description), its rows. */
export interface ChartProps {
  title: string;
  what: string;
  labelHeading: string;
  valueHeading: string;
  rows: ChartRow[];
  format(v: number): string;
}

/**
 * Every chart: a figure whose SVG is one image named by its title and a
 * sentence saying what it shows, with the same numbers as a table beside it
 * for anyone who cannot see the picture.
 */
export function ChartFrame(props: {
  title: string;
  summary: string;
  labelHeading: string;
  valueHeading: string;
  rows: ChartRow[];
  format(v: number): string;
  width: number;
  height: number;
  children: ReactNode;
}) {
  const titleId = useId();
  const descId = useId();
  return (
    <figure className="chart">
      <h2 id={`${titleId}-h`}>{props.title}</h2>
      <svg
        viewBox={`0 0 ${props.width} ${props.height}`}
        width={props.width}
        height={props.height}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
      >
        <title id={titleId}>{props.title}</title>
        <desc id={descId}>{props.summary}</desc>
        {props.children}
      </svg>
      <details>
        <summary>Show the numbers as a table</summary>
        <table>
          <caption className="visually-hidden">{props.title}</caption>
          <thead>
            <tr>
              <th scope="col">{props.labelHeading}</th>
              <th scope="col" className="num">
                {props.valueHeading}
              </th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr key={r.label}>
                <th scope="row">{r.label}</th>
                <td className="num">{props.format(r.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

/** A sentence naming the largest rows, for the chart's description. */
export function summarize(rows: ChartRow[], format: (v: number) => string, what: string): string {
  if (!rows.length || rows.every((r) => r.value === 0)) return `No ${what} yet.`;
  const top = [...rows].sort((a, b) => b.value - a.value).slice(0, 3);
  return `${what}: ${top.map((r) => `${r.label} ${format(r.value)}`).join(', ')}${rows.length > 3 ? `, and ${rows.length - 3} more` : ''}.`;
}

export const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
