import { PageHead } from '../components/page-head.component';
import { Link } from '../router/link.component';

export function NotFoundPage({ forbidden }: { forbidden?: boolean }) {
  return (
    <>
      <PageHead title={forbidden ? 'Not available for your role' : 'Page not found'} />
      <div className="panel">
        <p>
          {forbidden
            ? 'This page is for another role. Ask an administrator if you need it for your work.'
            : 'There is no page at this address. It may have moved, or the link may be incomplete.'}
        </p>
        <Link to="/">Go to your start page</Link>
      </div>
    </>
  );
}
