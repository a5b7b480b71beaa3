import { useEffect, useRef, type ReactNode } from 'react';

/**
 * The page's heading. It names the tab and takes focus when the page opens,
 * so a screen reader announces where a link led and Tab starts from here.
 */
export function PageHead(props: { title: string; subtitle?: ReactNode; actions?: ReactNode }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · claimflow`;
    h1.current?.focus({ preventScroll: true });
  }, [props.title]);
  return (
    <div className="page-head">
      <div>
        <h1 ref={h1} tabIndex={-1}>
          {props.title}
        </h1>
        {props.subtitle ? <p>{props.subtitle}</p> : null}
      </div>
      {props.actions ? <div className="row">{props.actions}</div> : null}
    </div>
  );
}
