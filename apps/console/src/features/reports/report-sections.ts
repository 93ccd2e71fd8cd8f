import type { ReportName } from './report-range';

/** The reports, each at /reports/<name> (all four together at /reports), in the page's order. */
export const REPORT_SECTIONS = [
  'completion',
  'utilization',
  'queue',
  'drivers',
] as const satisfies readonly ReportName[];

export const REPORT_LABEL: Record<ReportName, string> = {
  completion: 'Completion',
  utilization: 'Utilization',
  queue: 'Queue',
  drivers: 'Drivers',
};

export function isReportName(value: string): value is ReportName {
  return (REPORT_SECTIONS as readonly string[]).includes(value);
}
