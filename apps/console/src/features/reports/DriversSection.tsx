import { type DriverRow, getReportsDriversQueryOptions } from '@dispatch/api-client';
import { useQuery } from '@tanstack/react-query';
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { CHART, withUnit } from '../../ui/charts';
import { topDriversByHours } from './report-charts';
import { formatCount, formatHours } from './report-format';
import { type ReportColumn, ReportTable } from './ReportTable';
import { REPORT_QUERY } from './report-query';
import type { ReportParams } from './report-range';
import { ReportSection } from './ReportSection';

const TOP = 20;

/** Dispatches and hours on dispatch per driver: the busiest charted, everyone in the table. */
export function DriversSection({ params }: { params: ReportParams }) {
  const query = useQuery({ ...getReportsDriversQueryOptions(params), ...REPORT_QUERY });
  const report = query.data;
  const top = topDriversByHours(report?.rows ?? [], TOP);
  return (
    <ReportSection
      name="drivers"
      title="Drivers"
      description={`Hours on dispatch within the range; the ${TOP} busiest charted.`}
      params={params}
      state={query}
    >
      {report && report.rows.length === 0 ? (
        <p className="muted empty-report">No driver was on a dispatch in this range.</p>
      ) : (
        report && (
          <>
            <div className="chart" data-testid="chart">
              <BarChart
                responsive
                layout="vertical"
                style={{ width: '100%', height: 48 + 28 * top.length }}
                data={top}
                margin={{ top: 8, right: 24, bottom: 0, left: 0 }}
              >
                <CartesianGrid stroke={CHART.grid} horizontal={false} />
                <XAxis type="number" unit=" h" stroke={CHART.axis} />
                <YAxis
                  type="category"
                  dataKey="driver"
                  width={160}
                  stroke={CHART.axis}
                  interval={0}
                />
                <Tooltip formatter={withUnit(' h')} />
                <Bar
                  isAnimationActive={false}
                  dataKey="hours"
                  name="Hours on dispatch"
                  fill={CHART.accent}
                />
              </BarChart>
            </div>
            <DriversTable rows={report.rows} total={report.total} />
          </>
        )
      )}
    </ReportSection>
  );
}

const DRIVER_COLUMNS: readonly ReportColumn<DriverRow>[] = [
  { heading: 'Dispatches', cell: (row) => formatCount(row.dispatches) },
  { heading: 'Completed', cell: (row) => formatCount(row.completed) },
  { heading: 'Hours on dispatch', cell: (row) => formatHours(row.hoursOnDispatch) },
];

export function DriversTable({ rows, total }: { rows: readonly DriverRow[]; total: DriverRow }) {
  return (
    <ReportTable
      testId="drivers-table"
      heading="Driver"
      columns={DRIVER_COLUMNS}
      rows={rows}
      total={total}
      rowKey={(row) => row.driverId ?? 'unknown'}
      rowHeader={(row) => <th scope="row">{row.driverName ?? 'Unknown driver'}</th>}
    />
  );
}
