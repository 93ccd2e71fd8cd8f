import { Drawer, Group } from '@mantine/core';
import { useWorkOrdersGet, useWorkOrdersTimeline } from '@dispatch/api-client';
import { entrySentence } from '../../events/event-text';
import { useEventTextContext } from '../../events/useEventText';
import { RouterAnchor } from '../../ui/links';
import { problemText } from './problem-text';

const time = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/**
 * One work order's story from the audit trail: who did what, when, and what changed. It follows
 * live updates, so a step taken elsewhere appears while it is shown.
 */
export function WorkOrderStory({ workOrderId }: { workOrderId: string }) {
  const timeline = useWorkOrdersTimeline(workOrderId);
  const context = useEventTextContext(true);
  const steps = timeline.data ?? [];
  if (timeline.isPending) return <p className="muted">Loading…</p>;
  if (timeline.isError)
    return (
      <p className="error" role="alert">
        The timeline could not be loaded: {problemText(timeline.error)}
      </p>
    );
  if (steps.length === 0) return <p className="muted">Nothing recorded yet.</p>;
  return (
    <ol className="timeline">
      {steps.map((step) => (
        <li key={step.id} data-testid="timeline-event" data-action={step.action}>
          <time dateTime={step.occurredAt}>{time.format(new Date(step.occurredAt))}</time>
          <p className="timeline__sentence" data-testid="timeline-sentence">
            {entrySentence(step, context)}
          </p>
          <details className="raw" data-testid="timeline-raw">
            <summary>Show raw</summary>
            <pre>{JSON.stringify(step, null, 2)}</pre>
          </details>
        </li>
      ))}
    </ol>
  );
}

/** A work order's status as a badge (queued, dispatched, completed, cancelled). */
export function WorkOrderStatus({ status, testId }: { status: string; testId?: string }) {
  return (
    <span className={`badge badge--${status}`} data-testid={testId}>
      {status}
    </span>
  );
}

/**
 * A work order's story in a side panel over the page it was opened from (the audit trail keeps its
 * filters and place), with the way to the order's own page.
 */
export function WorkOrderTimeline({
  workOrderId,
  onClose,
}: {
  workOrderId: string;
  onClose: () => void;
}) {
  const order = useWorkOrdersGet(workOrderId);
  return (
    <Drawer
      opened
      onClose={onClose}
      position="right"
      size="md"
      data-testid="timeline"
      data-work-order-id={workOrderId}
      closeButtonProps={{ 'aria-label': 'Close timeline' }}
      title={
        <Group gap="xs" wrap="nowrap" component="span">
          <span>{order.data ? `${order.data.number} · ${order.data.title}` : 'Work order'}</span>
          {order.data && <WorkOrderStatus status={order.data.status} testId="timeline-status" />}
        </Group>
      }
    >
      <p>
        <RouterAnchor
          to="/work-orders/$workOrderId"
          params={{ workOrderId }}
          size="sm"
          data-testid="work-order-page-link"
        >
          Open the work order’s page
        </RouterAnchor>
      </p>
      <WorkOrderStory workOrderId={workOrderId} />
    </Drawer>
  );
}
