import { getReportsQueueQueryOptions, type QueueRow } from '@dispatch/api-client';
import { useQuery } from '@tanstack/react-query';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { CHART, inOrder, withUnit } from '../../ui/charts';
import { queueBars } from './report-charts';
import { formatCount, formatMinutes } from './report-format';
import { type ReportColumn, ReportTable } from './ReportTable';
import { REPORT_QUERY } from './report-query';
import type { ReportParams } from './report-range';
import { ReportSection } from './ReportSection';

/** How long work waited for a unit and a driver, by priority, and what waits right now. */
export function QueueSection({ params }: { params: ReportParams }) {
  const query = useQuery({ ...getReportsQueueQueryOptions(params), ...REPORT_QUERY });
  const report = query.data;
  const bars = queueBars(report?.rows ?? []);
  return (
    <ReportSection
      name="queue"
      title="Queue"
      description="Waiting from when work was due to its first dispatch, by priority; depth as of now."
      params={params}
      state={query}
    >
      {report && (
        <>
          <div className="report__split">
            <div className="chart" data-testid="chart">
              <h3>Wait before dispatch</h3>
              {report.total.dispatched === 0 ? (
                <p className="muted empty-report">Nothing was dispatched in this range.</p>
              ) : (
                <BarChart
                  responsive
                  style={{ width: '100%', height: 240 }}
                  data={bars}
                  margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
                >
                  <CartesianGrid stroke={CHART.grid} vertical={false} />
                  <XAxis dataKey="priority" stroke={CHART.axis} />
                  <YAxis unit=" min" stroke={CHART.axis} width={64} />
                  <Tooltip formatter={withUnit(' min')} />
                  <Legend itemSorter={inOrder('median', 'p90', 'p99')} />
                  <Bar
                    isAnimationActive={false}
                    dataKey="median"
                    name="Median"
                    fill={CHART.accent}
                  />
                  <Bar
                    isAnimationActive={false}
                    dataKey="p90"
                    name="90th percentile"
                    fill={CHART.amber}
                  />
                  <Bar
                    isAnimationActive={false}
                    dataKey="p99"
                    name="99th percentile"
                    fill={CHART.red}
                  />
                </BarChart>
              )}
            </div>
            <div className="chart" data-testid="chart">
              <h3>In the queue now</h3>
              {report.total.waitingNow + report.total.scheduledNow === 0 ? (
                <p className="muted empty-report">Nothing is queued right now.</p>
              ) : (
                <BarChart
                  responsive
                  style={{ width: '100%', height: 240 }}
                  data={bars}
                  margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
                >
                  <CartesianGrid stroke={CHART.grid} vertical={false} />
                  <XAxis dataKey="priority" stroke={CHART.axis} />
                  <YAxis allowDecimals={false} stroke={CHART.axis} width={40} />
                  <Tooltip />
                  <Legend itemSorter={inOrder('waitingNow', 'scheduledNow')} />
                  <Bar
                    isAnimationActive={false}
                    dataKey="waitingNow"
                    name="Waiting"
                    stackId="now"
                    fill={CHART.red}
                  />
                  <Bar
                    isAnimationActive={false}
                    dataKey="scheduledNow"
                    name="Scheduled"
                    stackId="now"
                    fill={CHART.grey}
                  />
                </BarChart>
              )}
            </div>
          </div>
          <QueueTable rows={report.rows} total={report.total} />
        </>
      )}
    </ReportSection>
  );
}

const QUEUE_COLUMNS: readonly ReportColumn<QueueRow>[] = [
  { heading: 'Waiting now', cell: (row) => formatCount(row.waitingNow) },
  { heading: 'Scheduled', cell: (row) => formatCount(row.scheduledNow) },
  {
    heading: 'Longest wait now',
    cell: (row) => (
      <>
        {formatMinutes(row.longestWaitMinutes)}
        {row.longestWaitingWorkOrderNumber !== null && (
          <span className="muted"> ({row.longestWaitingWorkOrderNumber})</span>
        )}
      </>
    ),
  },
  { heading: 'Dispatched', cell: (row) => formatCount(row.dispatched) },
  { heading: 'Wait median', cell: (row) => formatMinutes(row.waitMedianMinutes) },
  { heading: 'Wait p90', cell: (row) => formatMinutes(row.waitP90Minutes) },
  { heading: 'Wait p99', cell: (row) => formatMinutes(row.waitP99Minutes) },
];

export function QueueTable({ rows, total }: { rows: readonly QueueRow[]; total: QueueRow }) {
  return (
    <ReportTable
      testId="queue-table"
      heading="Priority"
      columns={QUEUE_COLUMNS}
      rows={rows}
      total={total}
      rowKey={(row) => row.priority}
      rowProps={(row) => ({ 'data-priority': row.priority })}
      rowHeader={(row) => (
        <th scope="row">
          <span className={`badge badge--${row.priority}`}>{row.priority}</span>
        </th>
      )}
    />
  );
}
