import { Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { Outlet, useParams } from '@tanstack/react-router';
import { createContext, type ReactNode, use, useState } from 'react';
import { CompletionSection } from './CompletionSection';
import { DriversSection } from './DriversSection';
import { QueueSection } from './QueueSection';
import {
  initialFilters,
  rangeProblem,
  type ReportFilters,
  type ReportName,
  type ReportParams,
  reportParams,
} from './report-range';
import { REPORT_LABEL, REPORT_SECTIONS } from './report-sections';
import { ReportFilterBar } from './ReportFilterBar';
import { UtilizationSection } from './UtilizationSection';

const SECTION = {
  completion: CompletionSection,
  utilization: UtilizationSection,
  queue: QueueSection,
  drivers: DriversSection,
} as const satisfies Record<ReportName, (props: { params: ReportParams }) => ReactNode>;

/** The range every report of the page shows, once it is one the API accepts. */
const ReportParamsContext = createContext<ReportParams | undefined>(undefined);

/**
 * The reports over one range of local days, each with a chart, a table and a CSV download: all four
 * at /reports, one at /reports/<name>. The filters belong to this frame, so they stay as they are
 * while one moves between the reports.
 */
export function ReportsPage() {
  const queryClient = useQueryClient();
  const { report } = useParams({ strict: false });
  const [filters, setFilters] = useState<ReportFilters>(() => initialFilters());
  const problem = rangeProblem(filters);
  const params = problem ? undefined : reportParams(filters);
  return (
    <div className="reports" data-testid="reports">
      <Title order={1} className="page-title">
        {report ? `Reports · ${REPORT_LABEL[report]}` : 'Reports'}
      </Title>
      <ReportFilterBar filters={filters} problem={problem} onChange={setFilters} />
      <div className="reports__toolbar">
        <button
          type="button"
          className="small"
          onClick={() =>
            void queryClient.invalidateQueries({
              predicate: (query) => String(query.queryKey[0]).startsWith('/api/v1/reports/'),
            })
          }
        >
          Refresh
        </button>
      </div>
      {params && (
        <ReportParamsContext value={params}>
          <Outlet />
        </ReportParamsContext>
      )}
    </div>
  );
}

/** /reports: the four reports, one under the other. */
export function AllReports() {
  const params = use(ReportParamsContext);
  if (!params) return null;
  return (
    <>
      {REPORT_SECTIONS.map((name) => {
        const Section = SECTION[name];
        return <Section key={name} params={params} />;
      })}
    </>
  );
}

/** /reports/<name>: one report. */
export function OneReport() {
  const params = use(ReportParamsContext);
  const { report } = useParams({ from: '/reports/$report' });
  if (!params) return null;
  const Section = SECTION[report];
  return <Section params={params} />;
}
