import { Button, Group } from '@mantine/core';
import type { ReactNode } from 'react';
import { DataTable, type DataTableProps, tableColumns } from '../../ui/DataTable';
import { type Question, AskButton, useQuestion } from './Questions';
import { useEditor } from './EditorDialog';

/** The button of a row that asks first ("Delete", "Retire") and what it asks. */
export interface RowQuestion {
  label: string;
  question: Question;
}

type TableProps<T extends { id: string }> = Omit<
  DataTableProps<T>,
  'columns' | 'data' | 'loading' | 'error' | 'rowId'
>;

/**
 * An admin section of one kind of record: its heading, its table (the columns given, then a row's
 * Edit and the question it may ask), the editor of a record or a new one, and the question asked.
 */
export function RecordSection<T extends { id: string }>({
  headingId,
  heading,
  list,
  loadError,
  columns,
  rowName,
  rowQuestion,
  addLabel,
  addTestId,
  editor: renderEditor,
  ...table
}: TableProps<T> & {
  headingId: string;
  heading: string;
  /** The query of the page shown. */
  list: { data: DataTableProps<T>['data']; isFetching: boolean; isError: boolean };
  loadError: string;
  columns: DataTableProps<T>['columns'];
  /** How a row's buttons name it for a screen reader ("Edit North Yard"). */
  rowName: (row: T) => string;
  /** The row's question, if it may be asked of this row. */
  rowQuestion: (row: T) => RowQuestion | undefined;
  addLabel: string;
  addTestId?: string;
  /** The editor's dialog, of `record` (undefined for a new one). */
  editor: (record: T | undefined, close: () => void) => ReactNode;
}) {
  const editor = useEditor<T>();
  const question = useQuestion();
  const helper = tableColumns<T>();
  const withActions = [
    ...columns,
    helper.display({
      id: 'actions',
      header: () => <span className="visually-hidden">Actions</span>,
      cell: ({ row }) => {
        const asked = rowQuestion(row.original);
        return (
          <Group gap={4} wrap="nowrap">
            <Button
              size="compact-sm"
              variant="subtle"
              aria-label={`Edit ${rowName(row.original)}`}
              onClick={() => editor.edit(row.original)}
            >
              Edit
            </Button>
            {asked && (
              <AskButton
                label={asked.label}
                ariaLabel={`${asked.label} ${rowName(row.original)}`}
                onAsk={() => question.ask(asked.question)}
              />
            )}
          </Group>
        );
      },
    }),
  ];
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{heading}</h2>
      <DataTable
        {...table}
        columns={withActions}
        data={list.data}
        loading={list.isFetching}
        error={list.isError ? loadError : undefined}
        rowId={(row) => row.id}
        actions={
          <Button onClick={editor.create} data-testid={addTestId}>
            {addLabel}
          </Button>
        }
      />
      {editor.editing && renderEditor(editor.editing.record, editor.close)}
      {question.dialog}
    </section>
  );
}
