import type { ReportsCompletionParams } from '@dispatch/api-client';

/** A calendar day, `YYYY-MM-DD`, as the reports take them. */
export type LocalDate = string;

export interface DateRange {
  from: LocalDate;
  to: LocalDate;
}

/** What the reports page asks for: whole local days in a time zone, optionally one site and one type. */
export interface ReportFilters extends DateRange {
  timeZone: string;
  siteId: string;
  equipmentTypeId: string;
}

/** The API's longest range: two years of days, both ends included. */
export const MAX_REPORT_DAYS = 731;

export type PresetId = 'last7' | 'last30' | 'thisMonth' | 'last12Months';

export const PRESETS: readonly { id: PresetId; label: string }[] = [
  { id: 'last7', label: 'Last 7 days' },
  { id: 'last30', label: 'Last 30 days' },
  { id: 'thisMonth', label: 'This month' },
  { id: 'last12Months', label: 'Last 12 months' },
];

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function toUtcMs(date: LocalDate): number {
  const match = DATE.exec(date);
  if (!match) return Number.NaN;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  // 2026-02-31 is not a day: Date.UTC would roll it over into March.
  return new Date(ms).getUTCDate() === day ? ms : Number.NaN;
}

function fromUtcMs(ms: number): LocalDate {
  return new Date(ms).toISOString().slice(0, 10);
}

export function isLocalDate(value: string): boolean {
  return !Number.isNaN(toUtcMs(value));
}

/** Today's date where the days of the report begin and end. */
export function todayIn(timeZone: string, now: Date = new Date()): LocalDate {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(now);
  const part = (type: string) => parts.find((item) => item.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return fromUtcMs(toUtcMs(date) + days * 86_400_000);
}

/** The same day `months` later (or earlier), on the month's last day when it has no such day. */
export function addMonths(date: LocalDate, months: number): LocalDate {
  const start = new Date(toUtcMs(date));
  const index = start.getUTCFullYear() * 12 + start.getUTCMonth() + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return fromUtcMs(Date.UTC(year, month, Math.min(start.getUTCDate(), lastDay)));
}

/** Each preset ends today, so the latest figures are always in it. */
export function presetRange(preset: PresetId, today: LocalDate): DateRange {
  switch (preset) {
    case 'last7':
      return { from: addDays(today, -6), to: today };
    case 'last30':
      return { from: addDays(today, -29), to: today };
    case 'thisMonth':
      return { from: `${today.slice(0, 8)}01`, to: today };
    case 'last12Months':
      return { from: addDays(addMonths(today, -12), 1), to: today };
  }
}

/** The preset that gives exactly this range today, to show it as chosen. */
export function matchingPreset(range: DateRange, today: LocalDate): PresetId | undefined {
  return PRESETS.find(({ id }) => {
    const preset = presetRange(id, today);
    return preset.from === range.from && preset.to === range.to;
  })?.id;
}

/** Days in the range, both ends included. */
export function daysInRange(range: DateRange): number {
  return Math.round((toUtcMs(range.to) - toUtcMs(range.from)) / 86_400_000) + 1;
}

/** Why the API would refuse this range, said before asking it; undefined when it is fine. */
export function rangeProblem(range: DateRange): string | undefined {
  if (!isLocalDate(range.from) || !isLocalDate(range.to)) return 'Choose a first and a last day.';
  const days = daysInRange(range);
  if (days < 1) return 'The range ends before it begins.';
  if (days > MAX_REPORT_DAYS) return `A report covers at most ${MAX_REPORT_DAYS} days.`;
  return undefined;
}

/** The query of every report: blank filters left out, never a format (JSON unless downloading). */
export type ReportParams = Omit<ReportsCompletionParams, 'format'>;

export function reportParams(filters: ReportFilters): ReportParams {
  return {
    from: filters.from,
    to: filters.to,
    tz: filters.timeZone,
    ...(filters.siteId ? { siteId: filters.siteId } : {}),
    ...(filters.equipmentTypeId ? { equipmentTypeId: filters.equipmentTypeId } : {}),
  };
}

export type ReportName = 'utilization' | 'completion' | 'queue' | 'drivers';

/** `completion-2026-11-01-to-2026-11-30.csv`, as the API names the attachment. */
export function csvFileName(report: ReportName, range: DateRange): string {
  return `${report}-${range.from}-to-${range.to}.csv`;
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Every IANA zone the browser knows, UTC and the current choice included, sorted. */
export function timeZoneOptions(
  current: string,
  known: readonly string[] = supportedZones(),
): string[] {
  return [...new Set([...known, 'UTC', current])].sort((a, b) => a.localeCompare(b));
}

function supportedZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

/** The reports page's starting point: the last 30 days in the browser's zone, all sites and types. */
export function initialFilters(
  timeZone: string = browserTimeZone(),
  now: Date = new Date(),
): ReportFilters {
  return {
    ...presetRange('last30', todayIn(timeZone, now)),
    timeZone,
    siteId: '',
    equipmentTypeId: '',
  };
}
