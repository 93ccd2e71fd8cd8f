import { useEquipmentTypesList, useSitesList } from '@dispatch/api-client';
import { RangePicker } from './RangePicker';
import { type ReportFilters, todayIn } from './report-range';
import { TimeZoneSelect } from './TimeZoneSelect';

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
  const sites = useSitesList({ limit: 200 });
  const types = useEquipmentTypesList({ limit: 200 });
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
        <label>
          Site
          <select
            name="site"
            value={filters.siteId}
            onChange={(event) => onChange({ ...filters, siteId: event.target.value })}
          >
            <option value="">All sites</option>
            {sites.data?.items.map((site) => (
              <option key={site.id} value={site.id}>
                {site.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Equipment type
          <select
            name="equipmentType"
            value={filters.equipmentTypeId}
            onChange={(event) => onChange({ ...filters, equipmentTypeId: event.target.value })}
          >
            <option value="">All types</option>
            {types.data?.items.map((type) => (
              <option key={type.id} value={type.id}>
                {type.name} ({type.code})
              </option>
            ))}
          </select>
        </label>
      </form>
      {problem && (
        <p className="error" role="alert" data-testid="range-problem">
          {problem}
        </p>
      )}
    </section>
  );
}
