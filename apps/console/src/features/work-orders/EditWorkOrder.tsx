import { useWorkOrdersUpdate, type WorkOrderView } from '@dispatch/api-client';
import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Button, Group, Modal } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useForm } from 'react-hook-form';
import { problemText } from '../board/problem-text';
import {
  type CheckedWorkOrderForm,
  formValuesOf,
  toUpdateWorkOrderDto,
  type WorkOrderFormValues,
  workOrderFormSchema,
} from './work-order-form';
import { WorkOrderFields } from './WorkOrderFields';

/**
 * "Edit" for a queued order and the dialog it opens: the new-order fields, filled with the order
 * as it is. Saving may let the order be dispatched at once (another type, fewer qualifications).
 */
export function EditWorkOrder({ order }: { order: WorkOrderView }) {
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Button variant="default" onClick={open} data-testid="edit-work-order">
        Edit
      </Button>
      <Modal opened={opened} onClose={close} title={`Edit ${order.number}`} size="lg">
        <EditWorkOrderForm order={order} onSaved={close} />
      </Modal>
    </>
  );
}

export function EditWorkOrderForm({
  order,
  onSaved,
}: {
  order: WorkOrderView;
  onSaved: () => void;
}) {
  const update = useWorkOrdersUpdate();
  const form = useForm<WorkOrderFormValues, unknown, CheckedWorkOrderForm>({
    resolver: zodResolver(workOrderFormSchema),
    defaultValues: formValuesOf(order),
  });
  const submit = form.handleSubmit((checked) =>
    update.mutate(
      {
        id: order.id,
        data: toUpdateWorkOrderDto(workOrderFormSchema.parse(formValuesOf(order)), checked),
      },
      {
        onSuccess: (saved) => {
          notifications.show({
            color: 'green',
            message:
              saved.status === 'dispatched'
                ? `${saved.number} saved and dispatched`
                : `${saved.number} saved`,
          });
          onSaved();
        },
      },
    ),
  );
  return (
    <form onSubmit={(event) => void submit(event)} noValidate data-testid="edit-work-order-form">
      <WorkOrderFields form={form} withExternalRef={false} />
      {update.isError && (
        <Alert color="red" mt="md" role="alert" title="The work order was not saved">
          {problemText(update.error)}
        </Alert>
      )}
      <Group justify="flex-end" mt="lg">
        <Button variant="default" onClick={onSaved}>
          Keep as it was
        </Button>
        <Button type="submit" loading={update.isPending}>
          Save changes
        </Button>
      </Group>
    </form>
  );
}
