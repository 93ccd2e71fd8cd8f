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
  const zones = useMemo(() => timeZoneOptions(value), [value]);
  return (
    <label>
      Time zone
      <select name="timeZone" value={value} onChange={(event) => onChange(event.target.value)}>
        {zones.map((zone) => (
          <option key={zone} value={zone}>
            {zone === own ? `${zone} (this browser)` : zone}
          </option>
        ))}
      </select>
    </label>
  );
}
