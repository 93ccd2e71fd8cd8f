import {
  type DateRange,
  type LocalDate,
  matchingPreset,
  PRESETS,
  presetRange,
} from './report-range';

/** First and last day of a report, typed or taken from a preset that ends today. */
export function RangePicker({
  range,
  today,
  onChange,
}: {
  range: DateRange;
  today: LocalDate;
  onChange: (range: DateRange) => void;
}) {
  const active = matchingPreset(range, today);
  return (
    <fieldset className="range" data-testid="range-picker">
      <legend>Days</legend>
      <label>
        From
        <input
          type="date"
          name="from"
          value={range.from}
          max={range.to || undefined}
          onChange={(event) => onChange({ ...range, from: event.target.value })}
        />
      </label>
      <label>
        To
        <input
          type="date"
          name="to"
          value={range.to}
          min={range.from || undefined}
          onChange={(event) => onChange({ ...range, to: event.target.value })}
        />
      </label>
      <div className="presets" role="group" aria-label="Presets">
        {PRESETS.map((preset) => (
          <button
            key={preset.id}
            type="button"
            className={preset.id === active ? 'small preset preset--active' : 'small preset'}
            aria-pressed={preset.id === active}
            onClick={() => onChange(presetRange(preset.id, today))}
          >
            {preset.label}
          </button>
        ))}
      </div>
    </fieldset>
  );
}
