import {
  type QualificationView,
  useQualificationsCreate,
  useQualificationsList,
  useQualificationsRemove,
  useQualificationsUpdate,
} from '@dispatch/api-client';
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Group, SimpleGrid, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { DataTable, tableColumns, useListPaging } from '../../ui/DataTable';
import { toast } from '../../ui/toast';
import {
  type CheckedQualificationForm,
  qualificationFormFromRecord,
  qualificationFormSchema,
  type QualificationFormValues,
  toQualificationDto,
} from './admin-forms';
import { AskButton, useQuestion } from './Questions';
import { EditorDialog, FormFooter, useEditor } from './EditorDialog';

const columns = tableColumns<QualificationView>();

/** The qualifications drivers hold and equipment types require: find, add, rename, delete. */
export function QualificationsSection() {
  const paging = useListPaging();
  const list = useQualificationsList(paging.query);
  const remove = useQualificationsRemove();
  const editor = useEditor<QualificationView>();
  const question = useQuestion();
  const qualificationColumns = columns.columns([
    columns.accessor('code', { header: 'Code', enableSorting: true }),
    columns.accessor('name', { header: 'Name', enableSorting: true }),
    columns.display({
      id: 'actions',
      header: () => <span className="visually-hidden">Actions</span>,
      cell: ({ row }) => (
        <Group gap={4} wrap="nowrap">
          <Button
            size="compact-sm"
            variant="subtle"
            aria-label={`Edit ${row.original.code}`}
            onClick={() => editor.edit(row.original)}
          >
            Edit
          </Button>
          <AskButton
            label="Delete"
            ariaLabel={`Delete ${row.original.code}`}
            onAsk={() =>
              question.ask({
                title: `Delete ${row.original.code}?`,
                confirmLabel: 'Delete qualification',
                done: `${row.original.code} deleted.`,
                run: () => remove.mutateAsync({ id: row.original.id }),
                body: `${row.original.name} is removed for good. A qualification that drivers hold or equipment types require cannot be deleted.`,
              })
            }
          />
        </Group>
      ),
    }),
  ]);
  return (
    <section className="panel" aria-labelledby="admin-qualifications">
      <h2 id="admin-qualifications">Qualifications</h2>
      <DataTable
        label="Qualifications"
        testId="qualifications"
        columns={qualificationColumns}
        data={list.data}
        loading={list.isFetching}
        error={list.isError ? 'The qualifications could not be loaded.' : undefined}
        paging={paging}
        rowId={(qualification) => qualification.id}
        searchPlaceholder="Code or name"
        actions={
          <Button onClick={editor.create} data-testid="create-qualification">
            Add qualification
          </Button>
        }
        empty="No qualification yet: add the first one."
      />
      {editor.editing && (
        <EditorDialog
          title={editor.editing.record ? `Edit ${editor.editing.record.code}` : 'New qualification'}
          testId="qualification-dialog"
          onClose={editor.close}
        >
          <QualificationForm qualification={editor.editing.record} onDone={editor.close} />
        </EditorDialog>
      )}
      {question.dialog}
    </section>
  );
}

function QualificationForm({
  qualification,
  onDone,
}: {
  qualification: QualificationView | undefined;
  onDone: () => void;
}) {
  const create = useQualificationsCreate();
  const update = useQualificationsUpdate();
  const queryClient = useQueryClient();
  const form = useForm<QualificationFormValues, unknown, CheckedQualificationForm>({
    resolver: zodResolver(qualificationFormSchema),
    defaultValues: qualificationFormFromRecord(qualification),
  });
  const { errors } = form.formState;
  const mutation = qualification ? update : create;
  const submit = form.handleSubmit((checked) => {
    const data = toQualificationDto(checked);
    const saved = (saved: QualificationView) => {
      toast(`${saved.code} ${qualification ? 'saved' : 'added'}.`);
      void queryClient.invalidateQueries();
      onDone();
    };
    if (qualification) update.mutate({ id: qualification.id, data }, { onSuccess: saved });
    else create.mutate({ data }, { onSuccess: saved });
  });
  return (
    <form onSubmit={(event) => void submit(event)} noValidate data-testid="qualification-form">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="sm">
        <TextInput
          label="Code"
          required
          data-autofocus
          error={errors.code?.message}
          {...form.register('code')}
        />
        <TextInput label="Name" required error={errors.name?.message} {...form.register('name')} />
      </SimpleGrid>
      <FormFooter
        submitLabel={qualification ? 'Save qualification' : 'Add qualification'}
        pending={mutation.isPending}
        error={mutation.error}
        onCancel={onDone}
      />
    </form>
  );
}
