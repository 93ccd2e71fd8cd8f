import { type CompletionRow, getReportsCompletionQueryOptions } from '@dispatch/api-client';
import { useQuery } from '@tanstack/react-query';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { CHART, inOrder } from '../../ui/charts';
import { completionSeries, isActiveDay, leadTimes } from './report-charts';
import { formatCount, formatMinutes, formatShare } from './report-format';
import { type ReportColumn, ReportTable } from './ReportTable';
import { REPORT_QUERY } from './report-query';
import type { ReportParams } from './report-range';
import { ReportSection } from './ReportSection';

/** Up to a month, each day gets its bars; longer ranges read better as lines. */
const MAX_DAYS_AS_BARS = 31;

const SERIES = [
  { key: 'created', name: 'Created', color: CHART.accent },
  { key: 'completed', name: 'Completed', color: CHART.green },
  { key: 'cancelled', name: 'Cancelled', color: CHART.red },
] as const;

/** Work orders created, dispatched, completed and cancelled per day, with lead times and punctuality. */
export function CompletionSection({ params }: { params: ReportParams }) {
  const query = useQuery({ ...getReportsCompletionQueryOptions(params), ...REPORT_QUERY });
  const report = query.data;
  return (
    <ReportSection
      name="completion"
      title="Completion"
      description="Work orders per day, how long they took, and whether units arrived within the window."
      params={params}
      state={query}
    >
      {report && !isActiveDay(report.total) ? (
        <p className="muted empty-report">
          No work order was created, dispatched or closed in this range.
        </p>
      ) : (
        report && (
          <>
            <div className="chart" data-testid="chart">
              <CompletionChart rows={report.rows} />
            </div>
            <div className="report__split">
              <LeadTimes total={report.total} />
              <OnTime total={report.total} />
            </div>
            <CompletionTable rows={report.rows} total={report.total} />
          </>
        )
      )}
    </ReportSection>
  );
}

function CompletionChart({ rows }: { rows: readonly CompletionRow[] }) {
  const data = completionSeries(rows);
  const common = {
    responsive: true,
    style: { width: '100%', height: 260 },
    data,
    margin: { top: 8, right: 16, bottom: 0, left: 0 },
  };
  const axes = (
    <>
      <CartesianGrid stroke={CHART.grid} vertical={false} />
      <XAxis dataKey="day" stroke={CHART.axis} minTickGap={24} />
      <YAxis allowDecimals={false} stroke={CHART.axis} width={40} />
      <Tooltip />
      <Legend itemSorter={inOrder(...SERIES.map((series) => series.key))} />
    </>
  );
  return data.length <= MAX_DAYS_AS_BARS ? (
    <BarChart {...common}>
      {axes}
      {SERIES.map((series) => (
        <Bar
          isAnimationActive={false}
          key={series.key}
          dataKey={series.key}
          name={series.name}
          fill={series.color}
        />
      ))}
    </BarChart>
  ) : (
    <LineChart {...common}>
      {axes}
      {SERIES.map((series) => (
        <Line
          isAnimationActive={false}
          key={series.key}
          dataKey={series.key}
          name={series.name}
          stroke={series.color}
          dot={false}
          type="monotone"
        />
      ))}
    </LineChart>
  );
}

function LeadTimes({ total }: { total: CompletionRow }) {
  return (
    <table className="table report-table report-table--small" data-testid="lead-times">
      <caption>Lead times of the orders created in the range</caption>
      <thead>
        <tr>
          <th>From creation to</th>
          <th className="num">Median</th>
          <th className="num">90th percentile</th>
        </tr>
      </thead>
      <tbody>
        {leadTimes(total).map((row) => (
          <tr key={row.stage}>
            <th scope="row">{row.stage.replace('Created → ', '')}</th>
            <td className="num">{formatMinutes(row.median)}</td>
            <td className="num">{formatMinutes(row.p90)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OnTime({ total }: { total: CompletionRow }) {
  if (total.windowsClosed === 0)
    return (
      <p className="muted on-time">
        No order’s time window closed in the range: punctuality has nothing to measure yet.
      </p>
    );
  return (
    <p className="on-time">
      <span className="figure">{formatShare(total.onTimeRate)}</span> on time:{' '}
      {formatCount(total.onTime)} of {formatCount(total.windowsClosed)} orders whose window closed
      in the range had their unit on site by its end.
    </p>
  );
}

const COMPLETION_COLUMNS: readonly ReportColumn<CompletionRow>[] = [
  { heading: 'Created', name: 'created', cell: (row) => formatCount(row.created) },
  { heading: 'Dispatched', name: 'dispatched', cell: (row) => formatCount(row.dispatched) },
  { heading: 'Completed', name: 'completed', cell: (row) => formatCount(row.completed) },
  { heading: 'Cancelled', name: 'cancelled', cell: (row) => formatCount(row.cancelled) },
  { heading: 'To dispatch (median)', cell: (row) => formatMinutes(row.toDispatchMedianMinutes) },
  { heading: 'To on site (median)', cell: (row) => formatMinutes(row.toOnSiteMedianMinutes) },
  {
    heading: 'To completion (median)',
    cell: (row) => formatMinutes(row.toCompletionMedianMinutes),
  },
  { heading: 'Windows closed', cell: (row) => formatCount(row.windowsClosed) },
  { heading: 'On time', cell: (row) => formatShare(row.onTimeRate) },
];

export function CompletionTable({
  rows,
  total,
}: {
  rows: readonly CompletionRow[];
  total: CompletionRow;
}) {
  const active = rows.filter(isActiveDay);
  const quiet = rows.length - active.length;
  return (
    <>
      <ReportTable
        testId="completion-table"
        heading="Day"
        columns={COMPLETION_COLUMNS}
        rows={active}
        total={total}
        rowKey={(row) => row.day}
        rowProps={(row) => ({ 'data-day': row.day })}
        totalProps={{ 'data-day': 'total' }}
        rowHeader={(row) => <th scope="row">{row.day}</th>}
      />
      {quiet > 0 && (
        <p className="muted">
          {quiet} {quiet === 1 ? 'day' : 'days'} without any activity not listed.
        </p>
      )}
    </>
  );
}
