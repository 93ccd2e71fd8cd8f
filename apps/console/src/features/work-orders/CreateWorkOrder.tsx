import {
  useEquipmentTypesList,
  useQualificationsList,
  useSitesList,
  useWorkOrdersCreate,
  type WorkOrderDetailView,
} from '@dispatch/api-client';
import { zodResolver } from '@hookform/resolvers/zod';
import {
  Alert,
  Button,
  Group,
  Modal,
  MultiSelect,
  Select,
  SimpleGrid,
  Textarea,
  TextInput,
} from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import dayjs from 'dayjs';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { Controller, useForm } from 'react-hook-form';
import { RouterAnchor } from '../../ui/links';
import { problemText } from '../board/problem-text';
import {
  type CheckedWorkOrderForm,
  EMPTY_WORK_ORDER_FORM,
  EXTERNAL_REF_MAX,
  NOTES_MAX,
  PRIORITIES,
  PRIORITY_LABEL,
  TITLE_MAX,
  toCreateWorkOrderDto,
  type WorkOrderFormValues,
  workOrderFormSchema,
} from './work-order-form';

const PRIORITY_OPTIONS = PRIORITIES.map((value) => ({ value, label: PRIORITY_LABEL[value] }));
/** How the pickers show a moment: `10 Jan 2027 07:00`, in the browser's zone. */
const WINDOW_FORMAT = 'DD MMM YYYY HH:mm';

/** What the date-time pickers' controls are called, for screen readers (and tests). */
const PICKER_LABELS = {
  ariaLabels: {
    nextMonth: 'Next month',
    previousMonth: 'Previous month',
    nextYear: 'Next year',
    previousYear: 'Previous year',
    nextDecade: 'Next decade',
    previousDecade: 'Previous decade',
    monthLevelControl: 'Choose the month',
    yearLevelControl: 'Choose the year',
  },
  getDayAriaLabel: (date: string) => dayjs(date).format('D MMMM YYYY'),
  timePickerProps: { hoursInputLabel: 'Hours', minutesInputLabel: 'Minutes' },
  submitButtonProps: { 'aria-label': 'Set the date and time' },
} as const;

/** The board's "New work order" button and the dialog it opens. */
export function NewWorkOrder() {
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Button onClick={open} data-testid="new-work-order">
        New work order
      </Button>
      <Modal opened={opened} onClose={close} title="New work order" size="lg">
        <CreateWorkOrderForm onCreated={close} />
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
 * A new work order: what, where, which equipment, how urgent, and optionally when (a time window),
 * which qualifications the driver needs beyond the equipment's, notes and the ERP's reference.
 * Checked here before it is sent (see work-order-form.ts); the API's answer is shown if it refuses.
 */
export function CreateWorkOrderForm({ onCreated }: { onCreated: () => void }) {
  const sites = useSitesList({ limit: 200 });
  const types = useEquipmentTypesList({ limit: 200 });
  const qualifications = useQualificationsList({ limit: 200 });
  const create = useWorkOrdersCreate();
  const form = useForm<WorkOrderFormValues, unknown, CheckedWorkOrderForm>({
    resolver: zodResolver(workOrderFormSchema),
    defaultValues: EMPTY_WORK_ORDER_FORM,
  });
  const { errors } = form.formState;

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
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="sm">
        <TextInput
          label="Title"
          required
          maxLength={TITLE_MAX}
          data-autofocus
          className="span-all"
          error={errors.title?.message}
          {...form.register('title')}
        />
        <Controller
          control={form.control}
          name="siteId"
          render={({ field }) => (
            <Select
              label="Site"
              required
              searchable
              placeholder={sites.isPending ? 'Loading…' : 'Choose a site'}
              nothingFoundMessage="No site matches"
              data={(sites.data?.items ?? []).map((site) => ({
                value: site.id,
                label: site.name,
              }))}
              name={field.name}
              value={field.value}
              onChange={field.onChange}
              onBlur={field.onBlur}
              error={errors.siteId?.message}
            />
          )}
        />
        <Controller
          control={form.control}
          name="equipmentTypeId"
          render={({ field }) => (
            <Select
              label="Equipment type"
              required
              searchable
              placeholder={types.isPending ? 'Loading…' : 'Choose a type'}
              nothingFoundMessage="No type matches"
              data={(types.data?.items ?? []).map((type) => ({
                value: type.id,
                label: `${type.name} (${type.code})`,
              }))}
              name={field.name}
              value={field.value}
              onChange={field.onChange}
              onBlur={field.onBlur}
              error={errors.equipmentTypeId?.message}
            />
          )}
        />
        <Controller
          control={form.control}
          name="priority"
          render={({ field }) => (
            <Select
              label="Priority"
              required
              allowDeselect={false}
              data={PRIORITY_OPTIONS}
              name={field.name}
              value={field.value}
              onChange={(value) => field.onChange(value ?? 'standard')}
              onBlur={field.onBlur}
              error={errors.priority?.message}
            />
          )}
        />
        <TextInput
          label="External reference"
          description="The order’s key in your ERP, if it has one"
          maxLength={EXTERNAL_REF_MAX}
          error={errors.externalRef?.message}
          {...form.register('externalRef')}
        />
        <Controller
          control={form.control}
          name="requiredQualificationIds"
          render={({ field }) => (
            <MultiSelect
              label="Extra qualifications"
              description="Drivers need these on top of what the equipment type requires"
              className="span-all"
              searchable
              clearable
              placeholder={field.value.length === 0 ? 'None' : undefined}
              nothingFoundMessage="No qualification matches"
              data={(qualifications.data?.items ?? []).map((qualification) => ({
                value: qualification.id,
                label: `${qualification.code} · ${qualification.name}`,
              }))}
              name={field.name}
              value={field.value}
              onChange={field.onChange}
              onBlur={field.onBlur}
              error={errors.requiredQualificationIds?.message}
            />
          )}
        />
        <Controller
          control={form.control}
          name="windowStart"
          render={({ field }) => (
            <DateTimePicker
              label="Window starts"
              description="Optional: when the work may begin"
              {...PICKER_LABELS}
              clearable
              valueFormat={WINDOW_FORMAT}
              placeholder="Any time"
              name={field.name}
              value={field.value}
              onChange={field.onChange}
              onBlur={field.onBlur}
              error={errors.windowStart?.message}
            />
          )}
        />
        <Controller
          control={form.control}
          name="windowEnd"
          render={({ field }) => (
            <DateTimePicker
              label="Window ends"
              description="Optional: by when it must be done"
              {...PICKER_LABELS}
              clearable
              valueFormat={WINDOW_FORMAT}
              placeholder="Any time"
              name={field.name}
              value={field.value}
              onChange={field.onChange}
              onBlur={field.onBlur}
              error={errors.windowEnd?.message}
            />
          )}
        />
        <Textarea
          label="Notes"
          autosize
          minRows={2}
          maxRows={8}
          maxLength={NOTES_MAX}
          className="span-all"
          error={errors.notes?.message}
          {...form.register('notes')}
        />
      </SimpleGrid>
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
