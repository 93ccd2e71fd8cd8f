import { Select } from '@mantine/core';
import { RangePicker } from './RangePicker';
import { type ReportFilters, todayIn } from './report-range';
import { TimeZoneSelect } from './TimeZoneSelect';
import { useAllEquipmentTypes, useAllSites } from '../records/whole-lists';

/** Everything the four reports share: the days, their time zone, and an optional site and type. */
export function ReportFilterBar({
  filters,
  problem,
  onChange,
}: {
  filters: ReportFilters;
  problem: string | undefined;
  onChange: (filters: ReportFilters) => void;
}) {
  const sites = useAllSites();
  const types = useAllEquipmentTypes();
  return (
    <section className="panel report-filters" aria-label="Report filters">
      <form
        className="form"
        data-testid="report-filters"
        onSubmit={(event) => event.preventDefault()}
      >
        <RangePicker
          range={filters}
          today={todayIn(filters.timeZone)}
          onChange={(range) => onChange({ ...filters, ...range })}
        />
        <TimeZoneSelect
          value={filters.timeZone}
          onChange={(timeZone) => onChange({ ...filters, timeZone })}
        />
        <Select
          label="Site"
          name="site"
          searchable
          clearable
          placeholder="All sites"
          nothingFoundMessage="No site matches"
          data={(sites.data?.items ?? []).map((site) => ({ value: site.id, label: site.name }))}
          value={filters.siteId || null}
          onChange={(siteId) => onChange({ ...filters, siteId: siteId ?? '' })}
        />
        <Select
          label="Equipment type"
          name="equipmentType"
          searchable
          clearable
          placeholder="All types"
          nothingFoundMessage="No type matches"
          data={(types.data?.items ?? []).map((type) => ({
            value: type.id,
            label: `${type.name} (${type.code})`,
          }))}
          value={filters.equipmentTypeId || null}
          onChange={(equipmentTypeId) =>
            onChange({ ...filters, equipmentTypeId: equipmentTypeId ?? '' })
          }
        />
      </form>
      {problem && (
        <p className="error" role="alert" data-testid="range-problem">
          {problem}
        </p>
      )}
    </section>
  );
}
