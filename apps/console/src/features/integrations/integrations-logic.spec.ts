import { EventName } from '@dispatch/api-client';
import { describe, expect, it } from 'vitest';
import {
  deliveryStatusLabel,
  deliveryTiming,
  eventLabel,
  eventSummary,
  formatDateTime,
  formatDuration,
  formatRelative,
  groupEvents,
  groupSelection,
  lastAnswer,
  pageRange,
  prettyJson,
  shellQuote,
  toggleEvent,
  toggleGroup,
  tokenRequestCurl,
  tokenUrl,
  webhookState,
} from './integrations-logic';

const CATALOGUE: string[] = Object.values(EventName);

describe('event types', () => {
  it('reads as words, the test message included', () => {
    expect(eventLabel('work_order.created')).toBe('Work order created');
    expect(eventLabel('dispatch.en_route')).toBe('Dispatch en route');
    expect(eventLabel('equipment.maintenance_started')).toBe('Equipment unit into maintenance');
    expect(eventLabel('equipment_type.deleted')).toBe('Equipment type deleted');
    expect(eventLabel('api_client.secret_rotated')).toBe('API client secret rotated');
    expect(eventLabel('webhook.test')).toBe('Test event');
    // A type of a newer API still reads as words rather than as an identifier.
    expect(eventLabel('invoice.paid_in_full')).toBe('Invoice paid in full');
  });

  it('groups the catalogue by entity, in the admin’s order, each in lifecycle order', () => {
    const groups = groupEvents(CATALOGUE);
    expect(groups.map((group) => group.prefix)).toEqual([
      'work_order',
      'dispatch',
      'equipment',
      'equipment_type',
      'driver',
      'qualification',
      'site',
      'user',
      'webhook',
      'api_client',
      'tenant',
    ]);
    expect(groups[1].types).toEqual([
      'dispatch.assigned',
      'dispatch.acknowledged',
      'dispatch.en_route',
      'dispatch.on_site',
      'dispatch.completed',
      'dispatch.cancelled',
      'dispatch.reassigned',
    ]);
    // Every event of the catalogue is in exactly one group: none is left out of the picker.
    expect(groups.flatMap((group) => group.types).sort()).toEqual([...CATALOGUE].sort());
  });

  it('puts an unknown entity after the known ones', () => {
    expect(
      groupEvents(['invoice.paid', 'site.created', 'site.created']).map((group) => [
        group.title,
        group.types,
      ]),
    ).toEqual([
      ['Sites', ['site.created']],
      ['Invoice', ['invoice.paid']],
    ]);
  });

  it('chooses or clears a whole group, and tells none, some or all', () => {
    const [workOrders] = groupEvents(CATALOGUE);
    expect(groupSelection(workOrders, new Set())).toBe('none');
    const some = ['work_order.created', 'dispatch.assigned'];
    expect(groupSelection(workOrders, new Set(some))).toBe('some');
    const all = toggleGroup(workOrders, some);
    expect(groupSelection(workOrders, new Set(all))).toBe('all');
    expect(all).toContain('dispatch.assigned');
    expect(toggleGroup(workOrders, all)).toEqual(['dispatch.assigned']);
    expect(toggleEvent('site.created', ['a'])).toEqual(['a', 'site.created']);
    expect(toggleEvent('a', ['a', 'b'])).toEqual(['b']);
  });

  it('sums a subscription up in one line', () => {
    expect(eventSummary(CATALOGUE, CATALOGUE)).toBe('Every event');
    const workOrders = CATALOGUE.filter((type) => type.startsWith('work_order.'));
    expect(
      eventSummary([...workOrders, 'dispatch.completed', 'dispatch.assigned'], CATALOGUE),
    ).toBe('Work orders (all); Dispatches: assigned, completed');
    expect(eventSummary([], CATALOGUE)).toBe('No events');
  });
});

describe('webhook endpoints', () => {
  const healthy = { enabled: true, failingSince: null, disabledBy: null };

  it('tells active, failing, paused and disabled-after-failing apart', () => {
    expect(webhookState(healthy)).toBe('active');
    expect(webhookState({ ...healthy, failingSince: '2026-11-21T10:00:00Z' })).toBe('failing');
    expect(webhookState({ enabled: false, failingSince: null, disabledBy: 'admin' })).toBe(
      'paused',
    );
    // An admin who pauses a failing endpoint paused it: it was not disabled by the API.
    expect(
      webhookState({ enabled: false, failingSince: '2026-11-21T10:00:00Z', disabledBy: 'admin' }),
    ).toBe('paused');
    expect(
      webhookState({
        enabled: false,
        failingSince: '2026-11-20T10:00:00Z',
        disabledBy: 'failures',
      }),
    ).toBe('disabled');
  });
});

describe('deliveries', () => {
  const now = new Date('2026-11-21T10:00:00Z');
  const base = {
    status: 'pending' as const,
    attempts: 0,
    deliveredAt: null,
    nextAttemptAt: '2026-11-21T10:04:00Z',
    lastAttemptAt: null,
    lastStatusCode: null,
    lastError: null,
  };

  it('names the status in words, a retry apart from a first try', () => {
    expect(deliveryStatusLabel(base)).toBe('Pending');
    expect(deliveryStatusLabel({ ...base, attempts: 2 })).toBe('Retrying');
    expect(deliveryStatusLabel({ status: 'delivered', attempts: 1 })).toBe('Delivered');
    expect(deliveryStatusLabel({ status: 'failed', attempts: 8 })).toBe('Failed');
  });

  it('gives the receiver’s last answer, or what went wrong', () => {
    expect(lastAnswer(base)).toBe('Not sent yet');
    expect(lastAnswer({ ...base, attempts: 1, lastStatusCode: 503 })).toBe('HTTP 503');
    expect(lastAnswer({ ...base, attempts: 1, lastError: 'connection refused' })).toBe(
      'connection refused',
    );
  });

  it('says when it was delivered, is tried next, or was given up', () => {
    const utc = 'UTC';
    expect(deliveryTiming(base, now, utc)).toBe(
      'Next attempt Nov 21, 2026, 10:04:00 AM (in 4 min)',
    );
    expect(
      deliveryTiming(
        { ...base, status: 'delivered', deliveredAt: '2026-11-21T09:59:58Z' },
        now,
        utc,
      ),
    ).toBe('Delivered Nov 21, 2026, 9:59:58 AM');
    expect(
      deliveryTiming(
        { ...base, status: 'failed', lastAttemptAt: '2026-11-20T08:00:00Z' },
        now,
        utc,
      ),
    ).toBe('Gave up Nov 20, 2026, 8:00:00 AM');
    expect(deliveryTiming({ ...base, nextAttemptAt: null }, now)).toBe('Waiting');
  });
});

describe('times and durations', () => {
  it('formats durations from milliseconds to minutes', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(235.4)).toBe('235 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(10_000)).toBe('10 s');
    expect(formatDuration(125_000)).toBe('2 min 05 s');
  });

  it('formats instants and distances from now', () => {
    const now = new Date('2026-11-21T10:00:00Z');
    expect(formatDateTime('2026-11-21T10:05:03Z', 'UTC')).toBe('Nov 21, 2026, 10:05:03 AM');
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime('soon')).toBe('soon');
    expect(formatRelative('2026-11-21T10:00:02Z', now)).toBe('now');
    expect(formatRelative('2026-11-21T10:00:30Z', now)).toBe('in 30 s');
    expect(formatRelative('2026-11-21T09:55:00Z', now)).toBe('5 min ago');
    expect(formatRelative('2026-11-21T12:30:00Z', now)).toBe('in 2.5 h');
    expect(formatRelative('2026-11-23T10:00:00Z', now)).toBe('in 2 d');
  });

  it('says which part of a list a page shows', () => {
    expect(pageRange(0, 20, 53)).toBe('1–20 of 53');
    expect(pageRange(40, 13, 53)).toBe('41–53 of 53');
    expect(pageRange(0, 0, 0)).toBe('0 of 0');
  });

  it('indents a JSON body and leaves anything else as it came', () => {
    expect(prettyJson('{"type":"webhook.test","data":{}}')).toBe(
      '{\n  "type": "webhook.test",\n  "data": {}\n}',
    );
    expect(prettyJson('not json')).toBe('not json');
  });
});

describe('the token request of an API client', () => {
  it('points at the realm’s token endpoint', () => {
    expect(tokenUrl('http://localhost:8080/', 'dispatch')).toBe(
      'http://localhost:8080/realms/dispatch/protocol/openid-connect/token',
    );
  });

  it('is a curl command a shell takes as it is, whatever the secret holds', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(
      tokenRequestCurl(
        'https://auth.example.com/realms/dispatch/protocol/openid-connect/token',
        'acme-sap-1a2b3c4d',
        's3cr-et_',
      ),
    ).toBe(
      [
        "curl -s -X POST 'https://auth.example.com/realms/dispatch/protocol/openid-connect/token' \\",
        '  -d grant_type=client_credentials \\',
        "  --data-urlencode 'client_id=acme-sap-1a2b3c4d' \\",
        "  --data-urlencode 'client_secret=s3cr-et_'",
      ].join('\n'),
    );
  });
});
