import { getAuditVerifyQueryOptions } from '@dispatch/api-client';
import { useQuery } from '@tanstack/react-query';
import { problemText } from '../board/problem-text';

/** Whether the tenant's audit chain still holds: every sealed event unchanged, every link intact. */
export function AuditVerifyStatus() {
  const verify = useQuery({ ...getAuditVerifyQueryOptions(), meta: { live: false } });
  const result = verify.data;
  return (
    <div
      className={`verify ${result ? (result.intact ? 'verify--intact' : 'verify--broken') : ''}`}
      data-testid="audit-verify"
      data-intact={result ? String(result.intact) : undefined}
      aria-live="polite"
    >
      {verify.isError ? (
        <span className="error">The chain could not be verified: {problemText(verify.error)}</span>
      ) : !result ? (
        <span className="muted">Verifying the audit chain…</span>
      ) : result.intact ? (
        <span>
          <strong>✓ Chain intact</strong> · {result.sealedEvents} sealed events verified
          {result.pendingEvents > 0 ? ` · ${result.pendingEvents} awaiting their seal` : ''}
        </span>
      ) : (
        <span>
          <strong>✗ Chain broken</strong>
          {result.firstBroken
            ? ` at position ${result.firstBroken.seq} (event ${result.firstBroken.eventId}): ${result.firstBroken.reason}`
            : ''}{' '}
          · {result.sealedEvents} sealed events checked · {result.pendingEvents} awaiting their seal
        </span>
      )}
      <button
        type="button"
        className="small"
        disabled={verify.isFetching}
        onClick={() => void verify.refetch()}
      >
        {verify.isFetching ? 'Verifying…' : 'Verify again'}
      </button>
    </div>
  );
}
