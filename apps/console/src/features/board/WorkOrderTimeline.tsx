import { useWorkOrdersGet, useWorkOrdersTimeline } from '@dispatch/api-client';
import { useEffect, useRef } from 'react';
import { problemText } from './problem-text';
import { timelineStep } from './timeline-logic';

const time = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/**
 * A side panel telling one work order's story from the audit trail: who did what, when, and what
 * changed. It follows live updates, so a step taken elsewhere appears while it is open.
 */
export function WorkOrderTimeline({
  workOrderId,
  onClose,
}: {
  workOrderId: string;
  onClose: () => void;
}) {
  const order = useWorkOrdersGet(workOrderId);
  const timeline = useWorkOrdersTimeline(workOrderId);
  const close = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    close.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);

  const steps = (timeline.data ?? []).map((event) => timelineStep(event));
  return (
    <aside
      className="drawer"
      role="dialog"
      aria-labelledby="timeline-title"
      data-testid="timeline"
      data-work-order-id={workOrderId}
    >
      <header className="drawer__head">
        <h2 id="timeline-title">
          {order.data ? `${order.data.number} · ${order.data.title}` : 'Work order'}
        </h2>
        {order.data && (
          <span className={`badge badge--${order.data.status}`} data-testid="timeline-status">
            {order.data.status}
          </span>
        )}
        <button
          ref={close}
          type="button"
          className="small drawer__close"
          aria-label="Close timeline"
          onClick={onClose}
        >
          ✕
        </button>
      </header>
      {timeline.isPending ? (
        <p className="muted">Loading…</p>
      ) : timeline.isError ? (
        <p className="error" role="alert">
          The timeline could not be loaded: {problemText(timeline.error)}
        </p>
      ) : steps.length === 0 ? (
        <p className="muted">Nothing recorded yet.</p>
      ) : (
        <ol className="timeline">
          {steps.map((step) => (
            <li key={step.id} data-testid="timeline-event" data-action={step.action}>
              <time dateTime={step.at}>{time.format(new Date(step.at))}</time>
              <div>
                <strong>{step.label}</strong>{' '}
                <span className="muted">
                  by {step.actor}
                  {step.role ? ` (${step.role})` : ''}
                </span>
              </div>
              {step.facts.length > 0 && (
                <ul className="facts">
                  {step.facts.map((fact) => (
                    <li key={fact}>{fact}</li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}
