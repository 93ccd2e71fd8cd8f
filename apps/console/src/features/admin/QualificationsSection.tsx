import {
  QualificationsListSort,
  type QualificationView,
  useQualificationsCreate,
  useQualificationsList,
  useQualificationsRemove,
  useQualificationsUpdate,
} from '@dispatch/api-client';
import { tableColumns, useListPaging } from '../../ui/DataTable';
import {
  qualificationFormFromRecord,
  qualificationFormSchema,
  toQualificationDto,
} from './admin-forms';
import { CodeAndName, EditorDialog, EditorForm } from './EditorDialog';
import { RecordSection } from './RecordSection';
import { useRecordForm } from './useRecordForm';

const columns = tableColumns<QualificationView>();

/** The qualifications drivers hold and equipment types require: find, add, rename, delete. */
export function QualificationsSection() {
  const paging = useListPaging({ sorts: QualificationsListSort, initialSort: 'code' });
  const list = useQualificationsList(paging.query);
  const remove = useQualificationsRemove();
  return (
    <RecordSection
      headingId="admin-qualifications"
      heading="Qualifications"
      label="Qualifications"
      testId="qualifications"
      list={list}
      loadError="The qualifications could not be loaded."
      paging={paging}
      columns={columns.columns([
        columns.accessor('code', { header: 'Code', enableSorting: true }),
        columns.accessor('name', { header: 'Name', enableSorting: true }),
      ])}
      rowName={(qualification) => qualification.code}
      rowQuestion={(qualification) => ({
        label: 'Delete',
        question: {
          title: `Delete ${qualification.code}?`,
          confirmLabel: 'Delete qualification',
          done: `${qualification.code} deleted.`,
          run: () => remove.mutateAsync({ id: qualification.id }),
          body: `${qualification.name} is removed for good. A qualification that drivers hold or equipment types require cannot be deleted.`,
        },
      })}
      searchPlaceholder="Code or name"
      addLabel="Add qualification"
      addTestId="create-qualification"
      empty="No qualification yet: add the first one."
      editor={(qualification, close) => (
        <EditorDialog
          title={qualification ? `Edit ${qualification.code}` : 'New qualification'}
          testId="qualification-dialog"
          onClose={close}
        >
          <QualificationForm qualification={qualification} onDone={close} />
        </EditorDialog>
      )}
    />
  );
}

function QualificationForm({
  qualification,
  onDone,
}: {
  qualification: QualificationView | undefined;
  onDone: () => void;
}) {
  const { form, errors, formProps } = useRecordForm({
    record: qualification,
    schema: qualificationFormSchema,
    defaultValues: qualificationFormFromRecord(qualification),
    create: useQualificationsCreate(),
    update: useQualificationsUpdate(),
    toCreate: toQualificationDto,
    toUpdate: toQualificationDto,
    nameOf: (saved) => saved.code,
    onDone,
  });
  return (
    <EditorForm
      testId="qualification-form"
      submitLabel={qualification ? 'Save qualification' : 'Add qualification'}
      {...formProps}
    >
      <CodeAndName code={form.register('code')} name={form.register('name')} errors={errors} />
    </EditorForm>
  );
}
