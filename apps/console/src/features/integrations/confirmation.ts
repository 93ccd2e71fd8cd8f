import { problemText } from '../board/problem-text';

/** What a confirmation dialog shows of the mutation it confirms; cancelling also forgets its error. */
export function confirmationOf(
  mutation: { isPending: boolean; isError: boolean; error: unknown; reset: () => void },
  close: () => void,
): { pending: boolean; error: string | undefined; onCancel: () => void } {
  return {
    pending: mutation.isPending,
    error: mutation.isError ? problemText(mutation.error) : undefined,
    onCancel: () => {
      close();
      mutation.reset();
    },
  };
}
