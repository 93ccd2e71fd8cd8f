import { type AuditEventView, auditSearch, downloadCsv } from '@dispatch/api-client';
import { Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Fragment, useCallback, useState } from 'react';
import { entitySubject, entrySentence, type EventTextContext } from '../../events/event-text';
import { useEventTextContext } from '../../events/useEventText';
import { DownloadButton } from '../../ui/DownloadButton';
import { problemText } from '../board/problem-text';
import { actionLabel, actorLabel } from '../board/timeline-logic';
import { WorkOrderTimeline } from '../board/WorkOrderTimeline';
import { AuditChanges } from './AuditChanges';
import { AuditFilterForm } from './AuditFilterForm';
import {
  auditCsvFileName,
  type AuditFilterForm as Filters,
  auditFilterParams,
  auditFilterProblem,
  DEFAULT_PAGE_SIZE,
  EMPTY_AUDIT_FILTER,
} from './audit-logic';
import { AuditVerifyStatus } from './AuditVerifyStatus';

const time = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/**
 * The tenant's audit trail, newest first: filter, page back by cursor, open an event's before and
 * after, export what the filters select as CSV, and see whether the hash chain holds.
 */
export function AuditExplorer() {
  const [filters, setFilters] = useState<Filters>(EMPTY_AUDIT_FILTER);
  const [pageSize, setPageSize] = useState(DEFAULT_PAGE_SIZE);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [timelineFor, setTimelineFor] = useState<string>();
  const closeTimeline = useCallback(() => setTimelineFor(undefined), []);
  const problem = auditFilterProblem(filters);
  const params = auditFilterParams(filters);
  const context = useEventTextContext();

  const events = useInfiniteQuery({
    queryKey: ['/api/v1/audit', 'pages', params, pageSize],
    queryFn: ({ pageParam, signal }) =>
      auditSearch(
        { ...params, limit: pageSize, ...(pageParam ? { cursor: pageParam } : {}) },
        {
          signal,
        },
      ),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    enabled: !problem,
    // A trail that moves while one reads it is hard to read: it refreshes on request.
    meta: { live: false },
  });
  const items = events.data?.pages.flatMap((page) => page.items) ?? [];

  const search = (next: Filters, size = pageSize) => {
    setFilters(next);
    setPageSize(size);
    setExpanded(new Set());
  };
  const toggle = (id: string) =>
    setExpanded((open) => {
      const next = new Set(open);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <div className="audit" data-testid="audit">
      <Title order={1} className="page-title">
        Audit
      </Title>
      <section className="panel" aria-labelledby="audit-title">
        <h2 id="audit-title">Audit trail</h2>
        <AuditVerifyStatus />
        <AuditFilterForm
          key={`${JSON.stringify(filters)}|${pageSize}`}
          value={filters}
          pageSize={pageSize}
          onSearch={search}
        />
        {problem && (
          <p className="error" role="alert">
            {problem}
          </p>
        )}
        <div className="audit__toolbar">
          <span className="muted" data-testid="audit-count">
            {events.isSuccess
              ? `${items.length} ${items.length === 1 ? 'event' : 'events'}${events.hasNextPage ? ', older ones available' : ''}`
              : ''}
          </span>
          <button
            type="button"
            className="small"
            disabled={events.isFetching || Boolean(problem)}
            onClick={() => void events.refetch()}
          >
            Refresh
          </button>
          <DownloadButton
            label="Export CSV"
            testId="audit-export"
            disabled={Boolean(problem)}
            download={() => downloadCsv('/api/v1/audit/export', params, auditCsvFileName())}
          />
        </div>
        {problem ? null : events.isPending ? (
          <p className="muted">Loading…</p>
        ) : events.isError ? (
          <p className="error" role="alert">
            The audit trail could not be read: {problemText(events.error)}
          </p>
        ) : items.length === 0 ? (
          <p className="muted">No event matches these filters.</p>
        ) : (
          <div className="table-scroll">
            <table className="table audit-table" data-testid="audit-events">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>What happened</th>
                  <th>Actor</th>
                  <th>Action</th>
                  <th>About</th>
                  <th>Raw</th>
                </tr>
              </thead>
              <tbody>
                {items.map((event) => (
                  <Fragment key={event.id}>
                    <AuditRow
                      event={event}
                      context={context}
                      open={expanded.has(event.id)}
                      onToggle={() => toggle(event.id)}
                      onFilter={(patch) => search({ ...filters, ...patch })}
                      onOpenTimeline={setTimelineFor}
                    />
                    {expanded.has(event.id) && (
                      <tr className="audit__detail">
                        <td colSpan={6}>
                          <AuditChanges event={event} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {events.hasNextPage && (
          <button
            type="button"
            className="load-older"
            data-testid="load-older"
            disabled={events.isFetchingNextPage}
            onClick={() => void events.fetchNextPage()}
          >
            {events.isFetchingNextPage ? 'Loading…' : 'Load older'}
          </button>
        )}
      </section>
      {timelineFor && <WorkOrderTimeline workOrderId={timelineFor} onClose={closeTimeline} />}
    </div>
  );
}

function AuditRow({
  event,
  context,
  open,
  onToggle,
  onFilter,
  onOpenTimeline,
}: {
  event: AuditEventView;
  context: EventTextContext;
  open: boolean;
  onToggle: () => void;
  onFilter: (patch: Partial<Filters>) => void;
  onOpenTimeline: (workOrderId: string) => void;
}) {
  const subject = entitySubject(event);
  return (
    <tr data-testid="audit-event" data-event-id={event.id} data-action={event.action}>
      <td>
        <time dateTime={event.occurredAt}>{time.format(new Date(event.occurredAt))}</time>
      </td>
      <td className="audit__sentence" data-testid="audit-sentence">
        {entrySentence(event, context)}
      </td>
      <td>
        <button
          type="button"
          className="link"
          title="Only events by this actor"
          // A person by the login name shown; the engine and machines by their subject.
          onClick={() =>
            onFilter({
              actor: event.actorKind === 'person' ? event.actorName : event.actorSubject,
            })
          }
        >
          {actorLabel(event.actorKind, event.actorName)}
        </button>{' '}
        {event.actorRole && <span className="badge">{event.actorRole}</span>}
      </td>
      <td>
        <button
          type="button"
          className="link"
          title="Only events with this action"
          onClick={() => onFilter({ action: event.action })}
        >
          {actionLabel(event.action)}
        </button>
      </td>
      <td>
        {event.entityId ? (
          <button
            type="button"
            className="link"
            title="Only events about this record"
            onClick={() =>
              onFilter({ entityType: event.entityType, entityId: event.entityId ?? '' })
            }
          >
            {subject}
          </button>
        ) : (
          <span className="muted">{subject}</span>
        )}
        {event.entityType === 'work_order' && event.entityId && (
          <button
            type="button"
            className="small"
            onClick={() => onOpenTimeline(event.entityId ?? '')}
          >
            Timeline
          </button>
        )}
      </td>
      <td>
        <button
          type="button"
          className="small"
          aria-expanded={open}
          onClick={onToggle}
          data-testid="toggle-changes"
        >
          {open ? 'Hide raw' : 'Show raw'}
        </button>
      </td>
    </tr>
  );
}
