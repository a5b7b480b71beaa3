import type { ReactNode } from 'react';

export interface StatItem {
  label: string;
  value: ReactNode;
  sub?: ReactNode;
  attention?: boolean;
}

/** Headline numbers as a definition list: each value is read with its label. */
export function Stats({ items, label }: { items: StatItem[]; label: string }) {
  return (
    <dl className="stats" aria-label={label}>
      {items.map((s) => (
        <div key={s.label} className={`stat${s.attention ? ' attention' : ''}`}>
          <dt>{s.label}</dt>
          <dd>
            {s.value}
            {s.sub ? <span className="sub">{s.sub}</span> : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}
