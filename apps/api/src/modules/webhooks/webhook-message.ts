import type { DomainEvent } from '@dispatch/domain';
import { type AuditEventRow, toDomainEvent } from '../events/event-row';

/**
 * The body of a webhook message (Standard Webhooks' recommended shape): `type`, `timestamp` and
 * `data`, where `data` is the domain event exactly as the live stream carries it.
 */
export interface WebhookMessage {
  type: string;
  timestamp: string;
  data: DomainEvent | Record<string, unknown>;
}

/** Receivers deduplicate by `webhook-id`: an event keeps its id over retries and redeliveries. */
export function messageIdOf(delivery: { id: string; event_id: string | null }): string {
  return delivery.event_id === null ? `msg_${delivery.id}` : `evt_${delivery.event_id}`;
}

export function eventMessage(row: AuditEventRow): WebhookMessage | undefined {
  const event = toDomainEvent(row);
  return event && { type: event.type, timestamp: event.occurredAt, data: event };
}

/** What `POST /webhooks/{id}/test` sends: not a domain event, so receivers can tell it apart. */
export function testMessage(webhookId: string, at: Date): WebhookMessage {
  return {
    type: 'webhook.test',
    timestamp: at.toISOString(),
    data: { webhook: { id: webhookId }, message: 'A test message from Dispatch' },
  };
}
