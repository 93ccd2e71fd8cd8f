import { getReportsUtilizationQueryOptions, type UtilizationRow } from '@dispatch/api-client';
import { useQuery } from '@tanstack/react-query';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { CHART, inOrder, withUnit } from '../../ui/charts';
import { hasOtherSites, utilizationBars } from './report-charts';
import { formatCount, formatHours, formatShare } from './report-format';
import { REPORT_QUERY } from './report-query';
import type { ReportParams } from './report-range';
import { ReportSection } from './ReportSection';

/** How each type's (and unit's) in-service time was spent: dispatched, in maintenance, idle. */
export function UtilizationSection({ params }: { params: ReportParams }) {
  const query = useQuery({ ...getReportsUtilizationQueryOptions(params), ...REPORT_QUERY });
  const rows = query.data?.rows ?? [];
  const otherSites = hasOtherSites(rows);
  return (
    <ReportSection
      name="utilization"
      title="Utilization"
      description="Share of each type’s in-service time spent dispatched, in maintenance and idle."
      params={params}
      state={query}
    >
      {rows.length === 0 ? (
        <p className="muted empty-report">No equipment was in service in this range.</p>
      ) : (
        <>
          <div className="chart" data-testid="chart">
            <BarChart
              responsive
              style={{ width: '100%', height: 260 }}
              data={utilizationBars(rows)}
              margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
            >
              <CartesianGrid stroke={CHART.grid} vertical={false} />
              <XAxis dataKey="type" stroke={CHART.axis} />
              <YAxis domain={[0, 100]} allowDataOverflow unit=" %" stroke={CHART.axis} width={56} />
              <Tooltip formatter={withUnit(' %')} />
              <Legend itemSorter={inOrder('dispatched', 'otherSites', 'maintenance', 'idle')} />
              <Bar
                isAnimationActive={false}
                dataKey="dispatched"
                name="Dispatched"
                stackId="time"
                fill={CHART.accent}
              />
              {otherSites && (
                <Bar
                  isAnimationActive={false}
                  dataKey="otherSites"
                  name="Other sites"
                  stackId="time"
                  fill={CHART.violet}
                />
              )}
              <Bar
                isAnimationActive={false}
                dataKey="maintenance"
                name="Maintenance"
                stackId="time"
                fill={CHART.amber}
              />
              <Bar
                isAnimationActive={false}
                dataKey="idle"
                name="Idle"
                stackId="time"
                fill={CHART.grey}
              />
            </BarChart>
          </div>
          <UtilizationTable rows={rows} total={query.data?.total} otherSites={otherSites} />
        </>
      )}
    </ReportSection>
  );
}

export function UtilizationTable({
  rows,
  total,
  otherSites,
}: {
  rows: readonly UtilizationRow[];
  total: UtilizationRow | undefined;
  otherSites: boolean;
}) {
  const cells = (row: UtilizationRow) => (
    <>
      <td className="num">{formatCount(row.units)}</td>
      <td className="num">{formatCount(row.dispatches)}</td>
      <td className="num">{formatHours(row.inServiceHours)}</td>
      <td className="num">{formatHours(row.dispatchedHours)}</td>
      {otherSites && <td className="num">{formatHours(row.otherSitesHours)}</td>}
      <td className="num">{formatHours(row.maintenanceHours)}</td>
      <td className="num">{formatHours(row.idleHours)}</td>
      <td className="num">{formatShare(row.dispatchedShare)}</td>
      <td className="num">{formatShare(row.maintenanceShare)}</td>
      <td className="num">{formatShare(row.idleShare)}</td>
    </>
  );
  return (
    <div className="table-scroll">
      <table className="table report-table" data-testid="utilization-table">
        <thead>
          <tr>
            <th>Type / unit</th>
            <th className="num">Units</th>
            <th className="num">Dispatches</th>
            <th className="num">In service</th>
            <th className="num">Dispatched</th>
            {otherSites && <th className="num">Other sites</th>}
            <th className="num">Maintenance</th>
            <th className="num">Idle</th>
            <th className="num">Dispatched %</th>
            <th className="num">Maintenance %</th>
            <th className="num">Idle %</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) =>
            row.level === 'type' ? (
              <tr key={`type-${row.equipmentTypeCode}`} className="row--group">
                <th scope="row">
                  {row.equipmentTypeName} ({row.equipmentTypeCode})
                </th>
                {cells(row)}
              </tr>
            ) : (
              <tr key={`unit-${row.equipmentId}`}>
                <td className="indent">
                  {row.equipmentCode} <span className="muted">{row.equipmentName}</span>
                </td>
                {cells(row)}
              </tr>
            ),
          )}
        </tbody>
        {total && (
          <tfoot>
            <tr className="row--total">
              <th scope="row">Total</th>
              {cells(total)}
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}
