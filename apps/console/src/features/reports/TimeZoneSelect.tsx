import { Select } from '@mantine/core';
import { useMemo } from 'react';
import { browserTimeZone, timeZoneOptions } from './report-range';

/** The zone in which the report's days begin and end; the browser's own is marked. */
export function TimeZoneSelect({
  value,
  onChange,
}: {
  value: string;
  onChange: (timeZone: string) => void;
}) {
  const own = browserTimeZone();
  const zones = useMemo(
    () =>
      timeZoneOptions(value).map((zone) => ({
        value: zone,
        label: zone === own ? `${zone} (this browser)` : zone,
      })),
    [value, own],
  );
  return (
    <Select
      label="Time zone"
      name="timeZone"
      searchable
      allowDeselect={false}
      nothingFoundMessage="No zone matches"
      data={zones}
      value={value}
      onChange={(zone) => zone && onChange(zone)}
    />
  );
}
