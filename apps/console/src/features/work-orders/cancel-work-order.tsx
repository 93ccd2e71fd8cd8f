import { useWorkOrdersCancel } from '@dispatch/api-client';
import { openConfirmModal } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { problemText } from '../board/problem-text';

/**
 * Cancelling a work order, asked first (it cannot be undone) and told after: `confirm(order)` opens
 * the question; the answer comes as a toast.
 */
export function useCancelWorkOrder(): {
  confirm: (order: { id: string; number: string }) => void;
  isPending: boolean;
} {
  const cancel = useWorkOrdersCancel();
  const confirm = ({ id, number }: { id: string; number: string }) =>
    openConfirmModal({
      title: `Cancel ${number}?`,
      children: (
        <p>
          The work order is cancelled for good: it leaves the queue, and a unit and driver
          dispatched to it are freed for the next order. This cannot be undone.
        </p>
      ),
      labels: { confirm: `Cancel ${number}`, cancel: 'Keep it' },
      confirmProps: { color: 'red' },
      onConfirm: () =>
        cancel.mutate(
          { id },
          {
            onSuccess: () => notifications.show({ color: 'green', message: `${number} cancelled` }),
            onError: (error) =>
              notifications.show({
                color: 'red',
                title: `${number} was not cancelled`,
                message: problemText(error),
              }),
          },
        ),
    });
  return { confirm, isPending: cancel.isPending };
}
