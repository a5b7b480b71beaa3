import { ChartFrame, summarize, type ChartProps } from './chart-frame.component';

const W = 440;
const H = 200;
const R = 78;
const CX = 100;
const CY = 100;

/** Parts of a whole (appeals won, lost, still open) as a ring, each part named beside it. */
export function DonutChart(props: ChartProps & { centerLabel: string }) {
  const total = props.rows.reduce((a, r) => a + r.value, 0);
  const circumference = 2 * Math.PI * R;
  let offset = 0;
  return (
    <ChartFrame
      {...props}
      summary={summarize(props.rows, props.format, props.what)}
      width={W}
      height={H}
    >
      <circle cx={CX} cy={CY} r={R} className="fill-track" />
      <g transform={`rotate(-90 ${CX} ${CY})`}>
        {total > 0 &&
          props.rows.map((r, i) => {
            const length = (r.value / total) * circumference;
            const el = (
              <circle
                key={r.label}
                cx={CX}
                cy={CY}
                r={R}
                fill="none"
                strokeWidth={26}
                className={`ring-${(i % 4) + 1}`}
                strokeDasharray={`${length} ${circumference - length}`}
                strokeDashoffset={-offset}
              />
            );
            offset += length;
            return el;
          })}
      </g>
      <circle cx={CX} cy={CY} r={R - 14} fill="#fff" />
      <text x={CX} y={CY - 2} textAnchor="middle" className="big">
        {total}
      </text>
      <text x={CX} y={CY + 18} textAnchor="middle" className="value">
        {props.centerLabel}
      </text>
      {props.rows.map((r, i) => (
        <text key={r.label} x={210} y={62 + i * 30} className="legend-text">
          <tspan className={`label-${(i % 4) + 1}`}>■ </tspan>
          {r.label}: {props.format(r.value)} ({total ? Math.round((r.value / total) * 100) : 0}%)
        </text>
      ))}
    </ChartFrame>
  );
}
