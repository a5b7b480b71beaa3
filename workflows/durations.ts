/** "30s", "15m", "2h", "7d", "500ms" → milliseconds; the config validates the shape. */
export function durationMs(duration: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(duration);
  if (!m) throw new Error(`not a duration: ${duration}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    m[2] as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  return Number(m[1]) * unit;
}
