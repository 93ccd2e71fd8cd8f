import {
  type SiteView,
  SitesListSort,
  useSitesCreate,
  useSitesList,
  useSitesRemove,
  useSitesUpdate,
} from '@dispatch/api-client';
import { useWatch } from 'react-hook-form';
import { NumberField } from '../../ui/NumberField';
import { TextField } from '../../ui/TextField';
import { tableColumns, useListPaging } from '../../ui/DataTable';
import type { MapPoint } from '../../ui/MapCanvas';
import { siteFormFromRecord, siteFormSchema, toSiteDto } from './admin-forms';
import { EditorDialog, EditorForm } from './EditorDialog';
import { RecordSection } from './RecordSection';
import { SiteMapPicker } from './SiteMapPicker';
import { useRecordForm } from './useRecordForm';

const columns = tableColumns<SiteView>();

/** The organization's sites: find, add, edit (placed on a map) and delete. */
export function SitesSection() {
  const paging = useListPaging({ sorts: SitesListSort, initialSort: 'name' });
  const list = useSitesList(paging.query);
  const remove = useSitesRemove();
  return (
    <RecordSection
      headingId="admin-sites"
      heading="Sites"
      label="Sites"
      testId="sites"
      list={list}
      loadError="The sites could not be loaded."
      paging={paging}
      columns={columns.columns([
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
            [row.original.contactName, row.original.contactPhone].filter(Boolean).join(' · ') ||
            '—',
        }),
      ])}
      rowName={(site) => site.name}
      rowQuestion={(site) => ({
        label: 'Delete',
        question: {
          title: `Delete ${site.name}?`,
          confirmLabel: 'Delete site',
          done: `${site.name} deleted.`,
          run: () => remove.mutateAsync({ id: site.id }),
          body: 'The site is removed for good. A site that work orders name cannot be deleted.',
        },
      })}
      searchPlaceholder="Name or address"
      addLabel="Add site"
      empty="No site yet: add the first one."
      editor={(site, close) => (
        <EditorDialog
          title={site ? `Edit ${site.name}` : 'New site'}
          testId="site-dialog"
          onClose={close}
        >
          <SiteForm
            site={site}
            others={(list.data?.items ?? [])
              .filter((other) => other.id !== site?.id)
              .map((other) => [other.latitude, other.longitude] as const)}
            onDone={close}
          />
        </EditorDialog>
      )}
    />
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
  const { form, formProps } = useRecordForm({
    record: site,
    schema: siteFormSchema,
    defaultValues: siteFormFromRecord(site),
    create: useSitesCreate(),
    update: useSitesUpdate(),
    toCreate: toSiteDto,
    toUpdate: toSiteDto,
    nameOf: (saved) => saved.name,
    onDone,
  });
  const [latitude, longitude] = useWatch({
    control: form.control,
    name: ['latitude', 'longitude'],
  });
  const lat = asNumber(latitude);
  const lng = asNumber(longitude);
  const place: MapPoint | undefined =
    lat !== undefined && lng !== undefined ? [lat, lng] : undefined;

  return (
    <EditorForm testId="site-form" submitLabel={site ? 'Save site' : 'Add site'} {...formProps}>
      <TextField form={form} name="name" label="Name" required data-autofocus />
      <TextField form={form} name="address" label="Address" required />
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
      <NumberField
        control={form.control}
        name="latitude"
        label="Latitude"
        required
        decimalScale={6}
        min={-90}
        max={90}
        hideControls
      />
      <NumberField
        control={form.control}
        name="longitude"
        label="Longitude"
        required
        decimalScale={6}
        min={-180}
        max={180}
        hideControls
      />
      <TextField form={form} name="contactName" label="Contact at the site" />
      <TextField form={form} name="contactPhone" label="Contact phone" type="tel" />
      <TextField
        form={form}
        name="externalRef"
        label="ERP reference"
        description="The site's key in your ERP, if it has one"
      />
    </EditorForm>
  );
}
