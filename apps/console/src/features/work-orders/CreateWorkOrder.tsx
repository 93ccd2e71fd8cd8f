import { useWorkOrdersCreate, type WorkOrderDetailView } from '@dispatch/api-client';
import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Button, Group, Modal } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useForm } from 'react-hook-form';
import { RouterAnchor } from '../../ui/links';
import { problemText } from '../board/problem-text';
import {
  type CheckedWorkOrderForm,
  EMPTY_WORK_ORDER_FORM,
  toCreateWorkOrderDto,
  type WorkOrderFormValues,
  workOrderFormSchema,
} from './work-order-form';
import { WorkOrderFields } from './WorkOrderFields';

/** The board's "New work order" button and the dialog it opens (also opened by the N key). */
export function NewWorkOrder({
  opened,
  onOpen,
  onClose,
}: {
  opened: boolean;
  onOpen: () => void;
  onClose: () => void;
}) {
  return (
    <>
      <Button onClick={onOpen} data-testid="new-work-order">
        New work order
      </Button>
      <Modal opened={opened} onClose={onClose} title="New work order" size="lg">
        <CreateWorkOrderForm onCreated={onClose} />
      </Modal>
    </>
  );
}

/** Says what became of a new order, with the way to its page (a toast: the dialog has closed). */
function announce(created: WorkOrderDetailView): void {
  const dispatched = created.status === 'dispatched';
  notifications.show({
    color: dispatched ? 'green' : 'yellow',
    title: `${created.number} created`,
    autoClose: 10_000,
    message: (
      <span data-testid="create-result" data-work-order={created.id}>
        {created.number}{' '}
        {dispatched
          ? 'dispatched at once'
          : `queued: ${created.blockedBy?.map((blocker) => blocker.message).join('; ')}`}{' '}
        ·{' '}
        <RouterAnchor to="/work-orders/$workOrderId" params={{ workOrderId: created.id }} size="sm">
          Open
        </RouterAnchor>
      </span>
    ),
  });
}

/**
 * A new work order (the fields of WorkOrderFields), checked here before it is sent (see
 * work-order-form.ts); the API's answer is shown if it refuses.
 */
export function CreateWorkOrderForm({ onCreated }: { onCreated: () => void }) {
  const create = useWorkOrdersCreate();
  const form = useForm<WorkOrderFormValues, unknown, CheckedWorkOrderForm>({
    resolver: zodResolver(workOrderFormSchema),
    defaultValues: EMPTY_WORK_ORDER_FORM,
  });

  const submit = form.handleSubmit((checked) =>
    create.mutate(
      { data: toCreateWorkOrderDto(checked) },
      {
        onSuccess: (created) => {
          announce(created);
          form.reset(EMPTY_WORK_ORDER_FORM);
          onCreated();
        },
      },
    ),
  );

  return (
    <form onSubmit={(event) => void submit(event)} noValidate data-testid="create-work-order">
      <WorkOrderFields form={form} withExternalRef />
      {create.isError && (
        <Alert color="red" mt="md" role="alert" title="The work order was not created">
          {problemText(create.error)}
        </Alert>
      )}
      <Group justify="flex-end" mt="lg">
        <Button type="submit" loading={create.isPending}>
          Create work order
        </Button>
      </Group>
    </form>
  );
}
