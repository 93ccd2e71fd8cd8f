import {
  type SiteView,
  useSitesCreate,
  useSitesList,
  useSitesRemove,
  useSitesUpdate,
} from '@dispatch/api-client';
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Group, NumberInput, SimpleGrid, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { Controller, useForm, useWatch } from 'react-hook-form';
import { DataTable, tableColumns, useListPaging } from '../../ui/DataTable';
import type { MapPoint } from '../../ui/MapCanvas';
import { toast } from '../../ui/toast';
import {
  type CheckedSiteForm,
  siteFormFromRecord,
  siteFormSchema,
  type SiteFormValues,
  toSiteDto,
} from './admin-forms';
import { AskButton, useQuestion } from './Questions';
import { EditorDialog, FormFooter, useEditor } from './EditorDialog';
import { SiteMapPicker } from './SiteMapPicker';

const columns = tableColumns<SiteView>();

/** The organization's sites: find, add, edit (placed on a map) and delete. */
export function SitesSection() {
  const paging = useListPaging();
  const list = useSitesList(paging.query);
  const remove = useSitesRemove();
  const editor = useEditor<SiteView>();
  const question = useQuestion();
  const siteColumns = columns.columns([
    columns.accessor('name', { header: 'Site', enableSorting: true }),
    columns.accessor('address', { header: 'Address', enableSorting: true }),
    columns.display({
      id: 'place',
      header: 'Latitude, longitude',
      cell: ({ row }) => `${row.original.latitude}, ${row.original.longitude}`,
    }),
    columns.display({
      id: 'contact',
      header: 'Contact',
      cell: ({ row }) =>
        [row.original.contactName, row.original.contactPhone].filter(Boolean).join(' · ') || '—',
    }),
    columns.display({
      id: 'actions',
      header: () => <span className="visually-hidden">Actions</span>,
      cell: ({ row }) => (
        <Group gap={4} wrap="nowrap">
          <Button
            size="compact-sm"
            variant="subtle"
            aria-label={`Edit ${row.original.name}`}
            onClick={() => editor.edit(row.original)}
          >
            Edit
          </Button>
          <AskButton
            label="Delete"
            ariaLabel={`Delete ${row.original.name}`}
            onAsk={() =>
              question.ask({
                title: `Delete ${row.original.name}?`,
                confirmLabel: 'Delete site',
                done: `${row.original.name} deleted.`,
                run: () => remove.mutateAsync({ id: row.original.id }),
                body: 'The site is removed for good. A site that work orders name cannot be deleted.',
              })
            }
          />
        </Group>
      ),
    }),
  ]);
  return (
    <section className="panel" aria-labelledby="admin-sites">
      <h2 id="admin-sites">Sites</h2>
      <DataTable
        label="Sites"
        testId="sites"
        columns={siteColumns}
        data={list.data}
        loading={list.isFetching}
        error={list.isError ? 'The sites could not be loaded.' : undefined}
        paging={paging}
        rowId={(site) => site.id}
        searchPlaceholder="Name or address"
        actions={<Button onClick={editor.create}>Add site</Button>}
        empty="No site yet: add the first one."
      />
      {editor.editing && (
        <EditorDialog
          title={editor.editing.record ? `Edit ${editor.editing.record.name}` : 'New site'}
          testId="site-dialog"
          onClose={editor.close}
        >
          <SiteForm
            site={editor.editing.record}
            others={(list.data?.items ?? [])
              .filter((site) => site.id !== editor.editing?.record?.id)
              .map((site) => [site.latitude, site.longitude] as const)}
            onDone={editor.close}
          />
        </EditorDialog>
      )}
      {question.dialog}
    </section>
  );
}

/** A coordinate the form holds, as a number if it is one yet. */
function asNumber(value: number | string): number | undefined {
  const number = typeof value === 'number' ? value : value === '' ? Number.NaN : Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** A site, new or edited: its name, address, place (typed, or clicked on the map) and contact. */
export function SiteForm({
  site,
  others,
  onDone,
}: {
  site: SiteView | undefined;
  others: readonly MapPoint[];
  onDone: () => void;
}) {
  const create = useSitesCreate();
  const update = useSitesUpdate();
  const queryClient = useQueryClient();
  const form = useForm<SiteFormValues, unknown, CheckedSiteForm>({
    resolver: zodResolver(siteFormSchema),
    defaultValues: siteFormFromRecord(site),
  });
  const { errors } = form.formState;
  const [latitude, longitude] = useWatch({
    control: form.control,
    name: ['latitude', 'longitude'],
  });
  const lat = asNumber(latitude);
  const lng = asNumber(longitude);
  const place: MapPoint | undefined =
    lat !== undefined && lng !== undefined ? [lat, lng] : undefined;
  const mutation = site ? update : create;

  const submit = form.handleSubmit((checked) => {
    const data = toSiteDto(checked);
    const saved = (saved: SiteView) => {
      toast(`${saved.name} ${site ? 'saved' : 'added'}.`);
      void queryClient.invalidateQueries();
      onDone();
    };
    if (site) update.mutate({ id: site.id, data }, { onSuccess: saved });
    else create.mutate({ data }, { onSuccess: saved });
  });

  return (
    <form onSubmit={(event) => void submit(event)} noValidate data-testid="site-form">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="sm">
        <TextInput
          label="Name"
          required
          data-autofocus
          error={errors.name?.message}
          {...form.register('name')}
        />
        <TextInput
          label="Address"
          required
          error={errors.address?.message}
          {...form.register('address')}
        />
        <div className="span-all">
          <SiteMapPicker
            place={place}
            initial={site ? [site.latitude, site.longitude] : undefined}
            others={others}
            onPick={(pickedLatitude, pickedLongitude) => {
              form.setValue('latitude', pickedLatitude, {
                shouldValidate: true,
                shouldDirty: true,
              });
              form.setValue('longitude', pickedLongitude, {
                shouldValidate: true,
                shouldDirty: true,
              });
            }}
          />
          <p className="muted small">Click the map to place the site, or type its coordinates.</p>
        </div>
        <Controller
          control={form.control}
          name="latitude"
          render={({ field }) => (
            <NumberInput
              label="Latitude"
              required
              decimalScale={6}
              min={-90}
              max={90}
              hideControls
              name={field.name}
              value={field.value}
              onChange={field.onChange}
              onBlur={field.onBlur}
              error={errors.latitude?.message}
            />
          )}
        />
        <Controller
          control={form.control}
          name="longitude"
          render={({ field }) => (
            <NumberInput
              label="Longitude"
              required
              decimalScale={6}
              min={-180}
              max={180}
              hideControls
              name={field.name}
              value={field.value}
              onChange={field.onChange}
              onBlur={field.onBlur}
              error={errors.longitude?.message}
            />
          )}
        />
        <TextInput
          label="Contact at the site"
          error={errors.contactName?.message}
          {...form.register('contactName')}
        />
        <TextInput
          label="Contact phone"
          type="tel"
          error={errors.contactPhone?.message}
          {...form.register('contactPhone')}
        />
        <TextInput
          label="ERP reference"
          description="The site's key in your ERP, if it has one"
          error={errors.externalRef?.message}
          {...form.register('externalRef')}
        />
      </SimpleGrid>
      <FormFooter
        submitLabel={site ? 'Save site' : 'Add site'}
        pending={mutation.isPending}
        error={mutation.error}
        onCancel={onDone}
      />
    </form>
  );
}
