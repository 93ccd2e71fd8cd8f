import { getReportsUtilizationQueryOptions, type UtilizationRow } from '@dispatch/api-client';
import { useQuery } from '@tanstack/react-query';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { CHART, inOrder, withUnit } from '../../ui/charts';
import { hasOtherSites, utilizationBars } from './report-charts';
import { formatCount, formatHours, formatShare } from './report-format';
import { type ReportColumn, ReportTable } from './ReportTable';
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

function utilizationColumns(otherSites: boolean): ReportColumn<UtilizationRow>[] {
  return [
    { heading: 'Units', cell: (row) => formatCount(row.units) },
    { heading: 'Dispatches', cell: (row) => formatCount(row.dispatches) },
    { heading: 'In service', cell: (row) => formatHours(row.inServiceHours) },
    { heading: 'Dispatched', cell: (row) => formatHours(row.dispatchedHours) },
    ...(otherSites
      ? [
          {
            heading: 'Other sites',
            cell: (row: UtilizationRow) => formatHours(row.otherSitesHours),
          },
        ]
      : []),
    { heading: 'Maintenance', cell: (row) => formatHours(row.maintenanceHours) },
    { heading: 'Idle', cell: (row) => formatHours(row.idleHours) },
    { heading: 'Dispatched %', cell: (row) => formatShare(row.dispatchedShare) },
    { heading: 'Maintenance %', cell: (row) => formatShare(row.maintenanceShare) },
    { heading: 'Idle %', cell: (row) => formatShare(row.idleShare) },
  ];
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
  return (
    <ReportTable
      testId="utilization-table"
      heading="Type / unit"
      columns={utilizationColumns(otherSites)}
      rows={rows}
      total={total}
      rowKey={(row) =>
        row.level === 'type' ? `type-${row.equipmentTypeCode}` : `unit-${row.equipmentId}`
      }
      rowProps={(row) => (row.level === 'type' ? { className: 'row--group' } : {})}
      rowHeader={(row) =>
        row.level === 'type' ? (
          <th scope="row">
            {row.equipmentTypeName} ({row.equipmentTypeCode})
          </th>
        ) : (
          <td className="indent">
            {row.equipmentCode} <span className="muted">{row.equipmentName}</span>
          </td>
        )
      }
    />
  );
}
