import { useMutation } from '@tanstack/react-query';
import { problemText } from '../features/board/problem-text';

/** A button that fetches a file from the API and saves it, saying so while it works or when it fails. */
export function DownloadButton({
  label,
  download,
  disabled = false,
  testId,
}: {
  label: string;
  download: () => Promise<void>;
  disabled?: boolean;
  testId?: string;
}) {
  const run = useMutation({ mutationFn: download });
  return (
    <span className="download">
      <button
        type="button"
        className="small"
        disabled={disabled || run.isPending}
        onClick={() => run.mutate()}
        data-testid={testId}
      >
        {run.isPending ? 'Preparing…' : label}
      </button>
      {run.isError && (
        <span className="error" role="alert">
          {problemText(run.error)}
        </span>
      )}
    </span>
  );
}
