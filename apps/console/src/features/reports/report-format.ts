/** Figures of the reports as people read them; `—` wherever the API has no figure (null). */

const DASH = '—';

const counts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? DASH : counts.format(value);
}

/** `12.5 h` */
export function formatHours(value: number | null | undefined): string {
  return value === null || value === undefined ? DASH : `${oneDecimal.format(value)} h`;
}

/** A share 0–1 as `42.5 %`. */
export function formatShare(value: number | null | undefined): string {
  return value === null || value === undefined ? DASH : `${oneDecimal.format(value * 100)} %`;
}

/** A share 0–1 as a percentage for a chart axis (null stays null: no bar, not a zero one). */
export function toPercent(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : Math.round(value * 1000) / 10;
}

/** `4.5 min`, `1 h 05 min`, `2 d 3 h`: durations from minutes to days. */
export function formatMinutes(value: number | null | undefined): string {
  if (value === null || value === undefined) return DASH;
  const tenths = Math.round(value * 10) / 10;
  if (tenths < 60) return `${oneDecimal.format(tenths)} min`;
  const minutes = Math.round(value);
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** `Nov 21, 2026, 10:05` in the report's time zone. */
export function formatInstant(iso: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat('en-US', {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(timeZone ? { timeZone } : {}),
  }).format(date);
}
