import { ApiProblem } from '@dispatch/api-client';
import { Title } from '@mantine/core';
import { RouterAnchor } from '../../ui/links';
import { problemText } from '../board/problem-text';

/** A record page whose record could not be read: not there (a mistyped link), or a failure. */
export function RecordMissing({ what, error }: { what: string; error: unknown }) {
  const missing = error instanceof ApiProblem && (error.status === 404 || error.status === 400);
  return (
    <div className="panel" data-testid="record-missing">
      <Title order={1} className="page-title">
        {what[0].toUpperCase() + what.slice(1)}
      </Title>
      <p className={missing ? undefined : 'error'} role="alert">
        {missing
          ? `There is no such ${what} in your organization: the link may be mistyped, or it belongs to another organization.`
          : `The ${what} could not be loaded: ${problemText(error)}`}
      </p>
      <RouterAnchor to="/board">Back to the board</RouterAnchor>
    </div>
  );
}
