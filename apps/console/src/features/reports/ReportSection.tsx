import { downloadCsv } from '@dispatch/api-client';
import type { ReactNode } from 'react';
import { DownloadButton } from '../../ui/DownloadButton';
import { problemText } from '../board/problem-text';
import { formatInstant } from './report-format';
import { csvFileName, type ReportName, type ReportParams } from './report-range';

/** What a section needs to know of its report's query. */
export interface ReportState {
  isPending: boolean;
  isError: boolean;
  isFetching: boolean;
  error: unknown;
  data?: { generatedAt: string; timeZone: string };
}

/**
 * The frame of one report: its title, a CSV download of exactly what is shown, and the loading,
 * error or content below.
 */
export function ReportSection({
  name,
  title,
  description,
  params,
  state,
  children,
}: {
  name: ReportName;
  title: string;
  description: string;
  params: ReportParams;
  state: ReportState;
  children: ReactNode;
}) {
  const titleId = `report-${name}-title`;
  return (
    <section
      className="panel report"
      aria-labelledby={titleId}
      aria-busy={state.isFetching}
      data-testid={`report-${name}`}
    >
      <header className="report__head">
        <h2 id={titleId}>{title}</h2>
        <span className="muted report__description">{description}</span>
        <DownloadButton
          label="Download CSV"
          testId={`download-${name}`}
          download={() =>
            downloadCsv(
              `/api/v1/reports/${name}`,
              { ...params, format: 'csv' },
              csvFileName(name, params),
            )
          }
        />
      </header>
      {state.isPending ? (
        <p className="muted">Loading…</p>
      ) : state.isError ? (
        <p className="error" role="alert">
          The report could not be made: {problemText(state.error)}
        </p>
      ) : (
        <>
          {children}
          {state.data && (
            <p className="muted report__generated">
              {state.isFetching ? 'Refreshing… · ' : ''}Made{' '}
              {formatInstant(state.data.generatedAt, state.data.timeZone)} ({state.data.timeZone})
            </p>
          )}
        </>
      )}
    </section>
  );
}
