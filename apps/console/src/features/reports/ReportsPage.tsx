import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { CompletionSection } from './CompletionSection';
import { DriversSection } from './DriversSection';
import { QueueSection } from './QueueSection';
import { initialFilters, rangeProblem, type ReportFilters, reportParams } from './report-range';
import { ReportFilterBar } from './ReportFilterBar';
import { UtilizationSection } from './UtilizationSection';

/** The four reports over one range of local days, each with a chart, a table and a CSV download. */
export function ReportsPage() {
  const queryClient = useQueryClient();
  const [filters, setFilters] = useState<ReportFilters>(() => initialFilters());
  const problem = rangeProblem(filters);
  const params = problem ? undefined : reportParams(filters);
  return (
    <div className="reports" data-testid="reports">
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
        <>
          <CompletionSection params={params} />
          <UtilizationSection params={params} />
          <QueueSection params={params} />
          <DriversSection params={params} />
        </>
      )}
    </div>
  );
}
