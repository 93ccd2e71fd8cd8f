import {
  getWebhooksDeliveriesQueryKey,
  getWebhooksDeliveriesQueryOptions,
  getWebhooksDeliveryQueryKey,
  getWebhooksDeliveryQueryOptions,
  getWebhooksListQueryKey,
  useWebhooksRedeliver,
  type WebhookDeliveryView,
  WebhooksDeliveriesStatus,
  type WebhookView,
} from '@dispatch/api-client';
import { Select } from '@mantine/core';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useEffect, useRef, useState } from 'react';
import { CopyButton } from '../../ui/CopyButton';
import { toast } from '../../ui/toast';
import { problemText } from '../board/problem-text';
import {
  DELIVERY_STATUS_LABEL,
  deliveryStatusLabel,
  deliveryTiming,
  eventLabel,
  formatDateTime,
  formatDuration,
  lastAnswer,
  pageRange,
  prettyJson,
} from './integrations-logic';

export const DELIVERY_PAGE_SIZE = 20;
/** Deliveries are no domain events: while one is pending its progress is read this often. */
const PENDING_REFRESH_MS = 2_000;
/** And otherwise, to show deliveries of new events. */
const IDLE_REFRESH_MS = 15_000;

const STATUSES = Object.values(WebhooksDeliveriesStatus);

const hasPending = (items: readonly WebhookDeliveryView[] | undefined) =>
  Boolean(items?.some((item) => item.status === 'pending'));

/** The delivery log of one endpoint, newest first: filter by status, page, open one to redeliver. */
export function DeliveriesPanel({
  webhook,
  onClose,
}: {
  webhook: WebhookView;
  onClose: () => void;
}) {
  const [status, setStatus] = useState<WebhooksDeliveriesStatus | ''>('');
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState<string>();
  const params = { limit: DELIVERY_PAGE_SIZE, offset, ...(status ? { status } : {}) };
  const deliveries = useQuery({
    ...getWebhooksDeliveriesQueryOptions(webhook.id, params),
    placeholderData: keepPreviousData,
    refetchInterval: (query) =>
      hasPending(query.state.data?.items) || webhook.pendingDeliveries > 0
        ? PENDING_REFRESH_MS
        : IDLE_REFRESH_MS,
  });
  const page = deliveries.data;
  const now = new Date();
  useSettledRefresh(page?.items);

  const filter = (next: WebhooksDeliveriesStatus | '') => {
    setStatus(next);
    setOffset(0);
    setOpen(undefined);
  };
  const goTo = (next: number) => {
    setOffset(next);
    setOpen(undefined);
  };

  return (
    <section
      className="panel"
      aria-labelledby="integrations-deliveries"
      data-testid="deliveries-panel"
    >
      <div className="panel__head">
        <h2 id="integrations-deliveries">
          Deliveries to <code className="mono">{webhook.url}</code>
        </h2>
        <button type="button" className="small" aria-label="Close the deliveries" onClick={onClose}>
          Close
        </button>
      </div>
      <div className="toolbar">
        <Select
          label="Status"
          name="deliveryStatus"
          clearable
          placeholder="All"
          data={STATUSES.map((value) => ({ value, label: DELIVERY_STATUS_LABEL[value] }))}
          value={status || null}
          onChange={(value) => filter((value ?? '') as WebhooksDeliveriesStatus | '')}
        />
        <button
          type="button"
          className="small"
          disabled={deliveries.isFetching}
          onClick={() => void deliveries.refetch()}
        >
          Refresh
        </button>
        {page && (
          <span className="muted" data-testid="deliveries-range">
            {pageRange(page.offset, page.items.length, page.total)}
          </span>
        )}
        <span className="toolbar__end">
          <button
            type="button"
            className="small"
            aria-label="Newer deliveries"
            disabled={offset === 0}
            onClick={() => goTo(Math.max(0, offset - DELIVERY_PAGE_SIZE))}
          >
            Newer
          </button>
          <button
            type="button"
            className="small"
            aria-label="Older deliveries"
            disabled={!page || offset + page.items.length >= page.total}
            onClick={() => goTo(offset + DELIVERY_PAGE_SIZE)}
          >
            Older
          </button>
        </span>
      </div>
      {deliveries.isPending ? (
        <p className="muted">Loading…</p>
      ) : deliveries.isError ? (
        <p className="error" role="alert">
          The deliveries could not be loaded: {problemText(deliveries.error)}
        </p>
      ) : deliveries.data.items.length === 0 ? (
        <p className="muted">
          {status
            ? `No ${DELIVERY_STATUS_LABEL[status].toLowerCase()} deliveries.`
            : 'Nothing was sent to this endpoint yet. Send a test event to try it.'}
        </p>
      ) : (
        <div className="table-scroll">
          <table className="table deliveries-table" data-testid="deliveries">
            <caption className="visually-hidden">Deliveries to {webhook.url}</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Message ID</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Attempts
                </th>
                <th scope="col">Last answer</th>
                <th scope="col" className="num">
                  Took
                </th>
                <th scope="col">When</th>
                <th scope="col">
                  <span className="visually-hidden">Details</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {deliveries.data.items.map((delivery) => (
                <Fragment key={delivery.id}>
                  <DeliveryRow
                    delivery={delivery}
                    now={now}
                    open={open === delivery.id}
                    onToggle={() => setOpen(open === delivery.id ? undefined : delivery.id)}
                  />
                  {open === delivery.id && (
                    <tr className="delivery__detail">
                      <td colSpan={8}>
                        <DeliveryDetail webhookId={webhook.id} deliveryId={delivery.id} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/**
 * When a delivery on screen stops being pending (delivered, or given up), the endpoint's counts
 * and failure state in the webhook list change too: that list is read again at once.
 */
function useSettledRefresh(items: readonly WebhookDeliveryView[] | undefined): void {
  const queryClient = useQueryClient();
  const pending = useRef<ReadonlySet<string>>(new Set());
  useEffect(() => {
    if (!items) return;
    const settled = items.some((item) => item.status !== 'pending' && pending.current.has(item.id));
    pending.current = new Set(
      items.filter((item) => item.status === 'pending').map((item) => item.id),
    );
    if (settled) void queryClient.invalidateQueries({ queryKey: getWebhooksListQueryKey() });
  }, [items, queryClient]);
}

export function DeliveryRow({
  delivery,
  now,
  open,
  onToggle,
}: {
  delivery: WebhookDeliveryView;
  now: Date;
  open: boolean;
  onToggle: () => void;
}) {
  const label = eventLabel(delivery.eventType);
  return (
    <tr data-testid="delivery" data-status={delivery.status} data-event-type={delivery.eventType}>
      <td>{label}</td>
      <td>
        <code className="mono">{delivery.messageId}</code>
      </td>
      <td>
        <span className={`badge badge--delivery-${delivery.status}`} data-testid="delivery-status">
          {deliveryStatusLabel(delivery)}
        </span>
      </td>
      <td className="num">{delivery.attempts}</td>
      <td className={delivery.lastError ? 'error small' : undefined}>{lastAnswer(delivery)}</td>
      <td className="num">{formatDuration(delivery.lastDurationMs)}</td>
      <td className="small">{deliveryTiming(delivery, now)}</td>
      <td>
        <button
          type="button"
          className="small"
          aria-expanded={open}
          aria-label={`${open ? 'Hide' : 'Details'} of ${label} ${delivery.messageId}`}
          onClick={onToggle}
        >
          {open ? 'Hide' : 'Details'}
        </button>
      </td>
    </tr>
  );
}

/** One delivery: every attempt with the receiver's answer, the body as sent, and redelivery. */
export function DeliveryDetail({
  webhookId,
  deliveryId,
}: {
  webhookId: string;
  deliveryId: string;
}) {
  const queryClient = useQueryClient();
  const detail = useQuery({
    ...getWebhooksDeliveryQueryOptions(webhookId, deliveryId),
    refetchInterval: (query) =>
      query.state.data?.status === 'pending' ? PENDING_REFRESH_MS : false,
  });
  const redeliver = useWebhooksRedeliver();

  const send = () => {
    redeliver.mutate(
      { id: webhookId, deliveryId },
      {
        onSuccess: () => {
          toast('Queued again: it is sent in a moment, as a new attempt of the same message.');
          void queryClient.invalidateQueries({
            queryKey: getWebhooksDeliveryQueryKey(webhookId, deliveryId),
          });
          void queryClient.invalidateQueries({
            queryKey: getWebhooksDeliveriesQueryKey(webhookId),
          });
          void queryClient.invalidateQueries({ queryKey: getWebhooksListQueryKey() });
        },
      },
    );
  };

  if (detail.isPending) return <p className="muted">Loading…</p>;
  if (detail.isError)
    return (
      <p className="error" role="alert">
        The delivery could not be loaded: {problemText(detail.error)}
      </p>
    );
  const delivery = detail.data;
  return (
    <div className="delivery-detail" data-testid="delivery-detail">
      <dl className="facts-grid">
        <dt>Event</dt>
        <dd>{eventLabel(delivery.eventType)}</dd>
        <dt>Message ID</dt>
        <dd>
          <code className="mono">{delivery.messageId}</code>{' '}
          <CopyButton value={delivery.messageId} what="message ID" />
        </dd>
        <dt>Status</dt>
        <dd>{deliveryStatusLabel(delivery)}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(delivery.createdAt)}</dd>
        <dt>{delivery.status === 'delivered' ? 'Delivered' : 'Next attempt'}</dt>
        <dd>
          {delivery.status === 'delivered'
            ? formatDateTime(delivery.deliveredAt)
            : delivery.status === 'failed'
              ? 'None: every retry failed'
              : formatDateTime(delivery.nextAttemptAt)}
        </dd>
      </dl>
      <div className="actions">
        <button type="button" disabled={redeliver.isPending} onClick={send}>
          {redeliver.isPending ? 'Queueing…' : 'Redeliver'}
        </button>
      </div>
      {redeliver.isError && (
        <p className="error" role="alert">
          {problemText(redeliver.error)}
        </p>
      )}
      <h4>Attempts</h4>
      {delivery.attemptLog.length === 0 ? (
        <p className="muted">Not sent yet.</p>
      ) : (
        <table className="table attempts-table" data-testid="attempts">
          <thead>
            <tr>
              <th scope="col" className="num">
                #
              </th>
              <th scope="col">Time</th>
              <th scope="col">Answer</th>
              <th scope="col" className="num">
                Took
              </th>
              <th scope="col">Error</th>
              <th scope="col">Response</th>
            </tr>
          </thead>
          <tbody>
            {delivery.attemptLog.map((attempt) => (
              <tr key={attempt.attempt}>
                <td className="num">{attempt.attempt}</td>
                <td className="small">{formatDateTime(attempt.startedAt)}</td>
                <td>{attempt.statusCode === null ? 'No answer' : `HTTP ${attempt.statusCode}`}</td>
                <td className="num">{formatDuration(attempt.durationMs)}</td>
                <td className={attempt.error ? 'error small' : 'muted'}>{attempt.error ?? '—'}</td>
                <td>
                  {attempt.responseExcerpt ? (
                    <pre className="excerpt">{attempt.responseExcerpt}</pre>
                  ) : (
                    <span className="muted">empty</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h4>Body</h4>
      <pre className="body" data-testid="delivery-body">
        {prettyJson(delivery.body)}
      </pre>
      <CopyButton value={delivery.body} what="body" />
    </div>
  );
}
