import {
  type DriverView,
  type DutyStatus,
  useDriversCreate,
  useDriversUpdate,
} from '@dispatch/api-client';
import { Divider, Select } from '@mantine/core';
import { useState } from 'react';
import { Controller } from 'react-hook-form';
import { controlled } from '../../ui/controlled';
import { TextField } from '../../ui/TextField';
import { driverFormFromRecord, driverFormSchema, DUTY_LABEL, toDriverDto } from './admin-forms';
import { EditorDialog, EditorForm } from './EditorDialog';
import { HeldQualifications } from './HeldQualifications';
import { useRecordForm } from './useRecordForm';

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
  const { form, formProps } = useRecordForm({
    record: driver,
    schema: driverFormSchema,
    defaultValues: driverFormFromRecord(driver),
    create: useDriversCreate(),
    update: useDriversUpdate(),
    toCreate: (checked) => ({ ...toDriverDto(checked), qualifications: [] }),
    toUpdate: toDriverDto,
    nameOf: (saved) => saved.name,
    onDone,
    // A new driver's dialog goes on as theirs, for their qualifications.
    added: {
      toast: (created) => `${created.name} added: now add their qualifications.`,
      then: onSaved,
    },
  });
  return (
    <EditorForm
      testId="driver-form"
      submitLabel={driver ? 'Save driver' : 'Add driver'}
      {...formProps}
    >
      <TextField form={form} name="name" label="Name" required data-autofocus />
      <TextField form={form} name="phone" label="Phone" type="tel" />
      <TextField form={form} name="email" label="Email" type="email" />
      <TextField form={form} name="username" label="Login (Keycloak username)" />
      <Controller
        control={form.control}
        name="dutyStatus"
        render={({ field, fieldState }) => (
          <Select
            label="Duty"
            allowDeselect={false}
            data={DUTY_OPTIONS}
            {...controlled(field, fieldState)}
            onChange={(value) => field.onChange(value ?? 'off_duty')}
          />
        )}
      />
    </EditorForm>
  );
}
