import {
  type DriverView,
  type DutyStatus,
  useDriversCreate,
  useDriversUpdate,
} from '@dispatch/api-client';
import { zodResolver } from '@hookform/resolvers/zod';
import { Divider, Select, SimpleGrid, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { toast } from '../../ui/toast';
import {
  type CheckedDriverForm,
  driverFormFromRecord,
  driverFormSchema,
  type DriverFormValues,
  DUTY_LABEL,
  toDriverDto,
} from './admin-forms';
import { EditorDialog, FormFooter } from './EditorDialog';
import { HeldQualifications } from './HeldQualifications';

const DUTY_OPTIONS = (Object.keys(DUTY_LABEL) as DutyStatus[]).map((value) => ({
  value,
  label: DUTY_LABEL[value],
}));

/**
 * The dialog of a driver (on the admin page and the driver's own page): their facts, and once they
 * exist their qualifications. A new driver is created without any, and the dialog then goes on as
 * the driver's, where qualifications are added.
 */
export function DriverEditor({
  driver,
  onClose,
}: {
  driver: DriverView | undefined;
  onClose: () => void;
}) {
  const [current, setCurrent] = useState(driver);
  return (
    <EditorDialog
      title={current ? `Edit ${current.name}` : 'New driver'}
      testId="driver-dialog"
      onClose={onClose}
    >
      <DriverForm
        key={current?.id ?? 'new'}
        driver={current}
        onSaved={setCurrent}
        onDone={onClose}
      />
      {current && (
        <>
          <Divider my="md" />
          <HeldQualifications driver={current} onChanged={setCurrent} />
        </>
      )}
    </EditorDialog>
  );
}

function DriverForm({
  driver,
  onSaved,
  onDone,
}: {
  driver: DriverView | undefined;
  onSaved: (driver: DriverView) => void;
  onDone: () => void;
}) {
  const create = useDriversCreate();
  const update = useDriversUpdate();
  const queryClient = useQueryClient();
  const form = useForm<DriverFormValues, unknown, CheckedDriverForm>({
    resolver: zodResolver(driverFormSchema),
    defaultValues: driverFormFromRecord(driver),
  });
  const { errors } = form.formState;
  const mutation = driver ? update : create;
  const submit = form.handleSubmit((checked) => {
    const data = toDriverDto(checked);
    const refresh = () => void queryClient.invalidateQueries();
    if (driver)
      update.mutate(
        { id: driver.id, data },
        {
          onSuccess: (saved) => {
            toast(`${saved.name} saved.`);
            refresh();
            onDone();
          },
        },
      );
    else
      create.mutate(
        { data: { ...data, qualifications: [] } },
        {
          onSuccess: (saved) => {
            toast(`${saved.name} added: now add their qualifications.`);
            refresh();
            onSaved(saved);
          },
        },
      );
  });
  return (
    <form onSubmit={(event) => void submit(event)} noValidate data-testid="driver-form">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="sm">
        <TextInput
          label="Name"
          required
          data-autofocus
          error={errors.name?.message}
          {...form.register('name')}
        />
        <TextInput
          label="Phone"
          type="tel"
          error={errors.phone?.message}
          {...form.register('phone')}
        />
        <TextInput
          label="Email"
          type="email"
          error={errors.email?.message}
          {...form.register('email')}
        />
        <TextInput
          label="Login (Keycloak username)"
          error={errors.username?.message}
          {...form.register('username')}
        />
        <Controller
          control={form.control}
          name="dutyStatus"
          render={({ field }) => (
            <Select
              label="Duty"
              allowDeselect={false}
              data={DUTY_OPTIONS}
              name={field.name}
              value={field.value}
              onChange={(value) => field.onChange(value ?? 'off_duty')}
              onBlur={field.onBlur}
              error={errors.dutyStatus?.message}
            />
          )}
        />
      </SimpleGrid>
      <FormFooter
        submitLabel={driver ? 'Save driver' : 'Add driver'}
        pending={mutation.isPending}
        error={mutation.error}
        onCancel={onDone}
      />
    </form>
  );
}
