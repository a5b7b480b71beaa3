import { ChartFrame, summarize, type ChartProps } from './chart-frame.component';

const W = 900;
const H = 220;
const BASE = 180;
const TOP = 22;

/** Vertical columns in their given order: days of the week ahead. */
export function ColumnChart(props: ChartProps) {
  const max = Math.max(1, ...props.rows.map((r) => r.value));
  const slot = (W - 20) / Math.max(1, props.rows.length);
  const bar = Math.min(56, slot * 0.6);
  return (
    <ChartFrame
      {...props}
      summary={summarize(props.rows, props.format, props.what)}
      width={W}
      height={H}
    >
      <line x1={10} x2={W - 10} y1={BASE} y2={BASE} className="axis" />
      {props.rows.every((r) => r.value === 0) && (
        <text x={W / 2} y={BASE / 2} textAnchor="middle" className="value">
          Nothing falls due in this period
        </text>
      )}
      {props.rows.map((r, i) => {
        const h = r.value === 0 ? 0 : Math.max(3, (r.value / max) * (BASE - TOP));
        const x = 10 + i * slot + (slot - bar) / 2;
        return (
          <g key={r.label}>
            <rect x={x} y={BASE - h} width={bar} height={h} rx={3} className="fill-3" />
            <text x={x + bar / 2} y={BASE - h - 6} textAnchor="middle" className="value">
              {props.format(r.value)}
            </text>
            <text x={x + bar / 2} y={BASE + 18} textAnchor="middle">
              {r.label}
            </text>
          </g>
        );
      })}
    </ChartFrame>
  );
}
