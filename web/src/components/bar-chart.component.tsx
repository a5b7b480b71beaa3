import { ChartFrame, clip, summarize, type ChartProps } from './chart-frame.component';

const W = 440;
const LABEL = 170;
const ROW = 30;
const VALUE_ROOM = 62;

/** Horizontal bars, largest first: categories and payers with long names read best this way. */
export function BarChart(props: ChartProps & { tone?: 1 | 2 | 3 | 4 }) {
  const rows = [...props.rows].sort((a, b) => b.value - a.value);
  const max = Math.max(1, ...rows.map((r) => r.value));
  const height = Math.max(1, rows.length) * ROW + 12;
  const span = W - LABEL - VALUE_ROOM;
  return (
    <ChartFrame
      {...props}
      rows={rows}
      summary={summarize(rows, props.format, props.what)}
      width={W}
      height={height}
    >
      {rows.length === 0 ? (
        <text x={W / 2} y={24} textAnchor="middle">
          No data yet
        </text>
      ) : (
        rows.map((r, i) => {
          const y = 6 + i * ROW;
          const w = r.value > 0 ? Math.max(2, (r.value / max) * span) : 0;
          return (
            <g key={r.label}>
              <title>{`${r.label}: ${props.format(r.value)}`}</title>
              <text x={LABEL - 10} y={y + 18} textAnchor="end">
                {clip(r.label, 20)}
              </text>
              <rect x={LABEL} y={y + 4} width={span} height={20} rx={3} className="fill-track" />
              <rect
                x={LABEL}
                y={y + 4}
                width={w}
                height={20}
                rx={3}
                className={`fill-${props.tone ?? 1}`}
              />
              <text x={LABEL + span + 8} y={y + 18} className="value">
                {props.format(r.value)}
              </text>
            </g>
          );
        })
      )}
    </ChartFrame>
  );
}
