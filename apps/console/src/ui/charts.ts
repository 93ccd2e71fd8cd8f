/** The console's chart colours, matched to the badges and borders of styles.css. */
export const CHART = {
  accent: '#1f5eff',
  violet: '#7e57c2',
  amber: '#ef9c00',
  grey: '#a9b3c6',
  green: '#2e9d4f',
  red: '#c62828',
  navy: '#11182a',
  grid: '#e4e8f0',
  axis: '#5b6680',
} as const;

/** A tooltip or axis value (recharts hands over numbers, text or pairs) with a unit appended. */
export function withUnit(unit: string): (value: unknown) => string {
  return (value) =>
    typeof value === 'number' || typeof value === 'string' ? `${value}${unit}` : '—';
}

/** A legend sorter that keeps the series in the order given (recharts sorts by label otherwise). */
export function inOrder(...dataKeys: string[]): (item: { dataKey?: unknown }) => number {
  return (item) => dataKeys.indexOf(String(item.dataKey));
}
