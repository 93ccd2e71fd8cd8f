import type {
  ApiClientRole,
  WebhookDeliveryView,
  WebhookView,
  WebhooksDeliveriesStatus,
} from '@dispatch/api-client';

/**
 * What the integrations page shows people: event types, webhook and delivery states, times and
 * durations in words, and the token request an ERP's developer pastes into a shell.
 */

const DASH = '—';

// ---------------------------------------------------------------------------------------------
// Event types, grouped by the entity they are about

/** The entity prefixes of the catalogue, in the order an admin thinks of them. */
const GROUPS: readonly { prefix: string; title: string; one: string }[] = [
  { prefix: 'work_order', title: 'Work orders', one: 'Work order' },
  { prefix: 'dispatch', title: 'Dispatches', one: 'Dispatch' },
  { prefix: 'equipment', title: 'Equipment units', one: 'Equipment unit' },
  { prefix: 'equipment_type', title: 'Equipment types', one: 'Equipment type' },
  { prefix: 'driver', title: 'Drivers', one: 'Driver' },
  { prefix: 'qualification', title: 'Qualifications', one: 'Qualification' },
  { prefix: 'site', title: 'Sites', one: 'Site' },
  { prefix: 'user', title: 'Users', one: 'User' },
  { prefix: 'webhook', title: 'Webhooks', one: 'Webhook' },
  { prefix: 'api_client', title: 'API clients', one: 'API client' },
  { prefix: 'tenant', title: 'Organization', one: 'Organization' },
];

/** Actions in the order things happen (a dispatch is assigned before it is completed). */
const ACTION_ORDER = [
  'created',
  'queued',
  'assigned',
  'acknowledged',
  'en_route',
  'on_site',
  'completed',
  'cancelled',
  'reassigned',
  'updated',
  'maintenance_started',
  'maintenance_ended',
  'retired',
  'reinstated',
  'duty_changed',
  'qualification_added',
  'qualification_renewed',
  'qualification_removed',
  'login_linked',
  'disabled',
  'password_reset',
  'secret_rotated',
  'deleted',
  'seeded',
];

/** Actions whose words are not just the name with spaces. */
const ACTION_WORDS: Record<string, string> = {
  maintenance_started: 'into maintenance',
  maintenance_ended: 'back from maintenance',
  seeded: 'loaded with demo data',
};

/** `work_order` → `work order` (a prefix not in the catalogue yet still reads as words). */
const words = (name: string) => name.replaceAll('_', ' ');
const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function splitType(type: string): { prefix: string; action: string } {
  const dot = type.indexOf('.');
  return dot < 0
    ? { prefix: type, action: '' }
    : { prefix: type.slice(0, dot), action: type.slice(dot + 1) };
}

function groupOf(prefix: string) {
  return (
    GROUPS.find((group) => group.prefix === prefix) ?? {
      prefix,
      title: capitalized(words(prefix)),
      one: capitalized(words(prefix)),
    }
  );
}

/** What an action is called inside its group: `en_route` → `en route`. */
export function actionLabel(type: string): string {
  const { action } = splitType(type);
  return ACTION_WORDS[action] ?? words(action);
}

/** An event type as a phrase: `dispatch.en_route` → `Dispatch en route`; the test message too. */
export function eventLabel(type: string): string {
  if (type === 'webhook.test') return 'Test event';
  const { prefix, action } = splitType(type);
  const one = groupOf(prefix).one;
  return action ? `${one} ${actionLabel(type)}` : one;
}

export interface EventGroup {
  prefix: string;
  title: string;
  /** The singular name, the start of each event's label. */
  one: string;
  types: string[];
}

function byAction(a: string, b: string): number {
  const [x, y] = [
    ACTION_ORDER.indexOf(splitType(a).action),
    ACTION_ORDER.indexOf(splitType(b).action),
  ];
  if (x !== y) return (x < 0 ? Infinity : x) - (y < 0 ? Infinity : y);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Event types grouped by entity (known groups first, in their order), each in lifecycle order. */
export function groupEvents(types: readonly string[]): EventGroup[] {
  const byPrefix = new Map<string, string[]>();
  for (const type of new Set(types)) {
    const { prefix } = splitType(type);
    byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), type]);
  }
  const known = GROUPS.map((group) => group.prefix);
  const rank = (prefix: string) => {
    const index = known.indexOf(prefix);
    return index < 0 ? known.length : index;
  };
  return [...byPrefix.keys()]
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map((prefix) => ({ ...groupOf(prefix), types: (byPrefix.get(prefix) ?? []).sort(byAction) }));
}

/** Whether none, some or all of a group's events are chosen (the group's box shows it). */
export function groupSelection(
  group: EventGroup,
  chosen: ReadonlySet<string>,
): 'none' | 'some' | 'all' {
  const count = group.types.filter((type) => chosen.has(type)).length;
  return count === 0 ? 'none' : count === group.types.length ? 'all' : 'some';
}

/** Chooses every event of a group, or none of them when all were chosen already. */
export function toggleGroup(group: EventGroup, chosen: readonly string[]): string[] {
  const set = new Set(chosen);
  if (groupSelection(group, set) === 'all') for (const type of group.types) set.delete(type);
  else for (const type of group.types) set.add(type);
  return [...set];
}

export function toggleEvent(type: string, chosen: readonly string[]): string[] {
  return chosen.includes(type) ? chosen.filter((item) => item !== type) : [...chosen, type];
}

/**
 * A subscription in one line: `Every event`, or per group `Work orders (all)` or
 * `Dispatches: assigned, completed`.
 */
export function eventSummary(events: readonly string[], catalogue: readonly string[]): string {
  if (events.length === 0) return 'No events';
  const chosen = new Set(events);
  if (catalogue.length > 0 && catalogue.every((type) => chosen.has(type))) return 'Every event';
  const complete = new Map(groupEvents(catalogue).map((group) => [group.prefix, group]));
  return groupEvents(events)
    .map((group) => {
      const whole = complete.get(group.prefix);
      if (whole && groupSelection(whole, chosen) === 'all') return `${group.title} (all)`;
      return `${group.title}: ${group.types.map(actionLabel).join(', ')}`;
    })
    .join('; ');
}

// ---------------------------------------------------------------------------------------------
// Webhook endpoints and their deliveries

export type WebhookState = 'active' | 'failing' | 'paused' | 'disabled';

/**
 * Active; active but failing (deliveries are being retried); paused by an admin; or disabled by
 * the API after failing too long (which the admin must notice and re-enable).
 */
export function webhookState(
  webhook: Pick<WebhookView, 'enabled' | 'failingSince' | 'disabledBy'>,
): WebhookState {
  if (webhook.enabled) return webhook.failingSince ? 'failing' : 'active';
  return webhook.disabledBy === 'failures' ? 'disabled' : 'paused';
}

export const WEBHOOK_STATE_LABEL: Record<WebhookState, string> = {
  active: 'Active',
  failing: 'Failing',
  paused: 'Paused',
  disabled: 'Disabled after failing',
};

export const DELIVERY_STATUS_LABEL: Record<WebhooksDeliveriesStatus, string> = {
  pending: 'Pending',
  delivered: 'Delivered',
  failed: 'Failed',
};

/** `Pending`, `Retrying` once an attempt failed, `Delivered`, `Failed` (gave up). */
export function deliveryStatusLabel(delivery: Pick<WebhookDeliveryView, 'status' | 'attempts'>) {
  if (delivery.status === 'pending' && delivery.attempts > 0) return 'Retrying';
  return DELIVERY_STATUS_LABEL[delivery.status];
}

/** The receiver's last answer: `HTTP 204`, or what went wrong when it did not answer. */
export function lastAnswer(
  delivery: Pick<WebhookDeliveryView, 'lastStatusCode' | 'lastError' | 'attempts'>,
): string {
  if (delivery.lastStatusCode !== null) return `HTTP ${delivery.lastStatusCode}`;
  if (delivery.lastError) return delivery.lastError;
  return delivery.attempts === 0 ? 'Not sent yet' : DASH;
}

/** When it was delivered, when it is tried next, or when it was given up. */
export function deliveryTiming(
  delivery: Pick<WebhookDeliveryView, 'status' | 'deliveredAt' | 'nextAttemptAt' | 'lastAttemptAt'>,
  now: Date,
  timeZone?: string,
): string {
  if (delivery.status === 'delivered')
    return delivery.deliveredAt
      ? `Delivered ${formatDateTime(delivery.deliveredAt, timeZone)}`
      : 'Delivered';
  if (delivery.status === 'failed')
    return delivery.lastAttemptAt
      ? `Gave up ${formatDateTime(delivery.lastAttemptAt, timeZone)}`
      : 'Gave up';
  if (!delivery.nextAttemptAt) return 'Waiting';
  return `Next attempt ${formatDateTime(delivery.nextAttemptAt, timeZone)} (${formatRelative(delivery.nextAttemptAt, now)})`;
}

// ---------------------------------------------------------------------------------------------
// Times and durations

/** `Nov 21, 2026, 10:05:03 AM`: deliveries happen seconds apart, so seconds are shown. */
export function formatDateTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return DASH;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat('en-US', {
    dateStyle: 'medium',
    timeStyle: 'medium',
    ...(timeZone ? { timeZone } : {}),
  }).format(date);
}

/** `Nov 21, 2026`. */
export function formatDate(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return DASH;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat('en-US', {
    dateStyle: 'medium',
    ...(timeZone ? { timeZone } : {}),
  }).format(date);
}

const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** `235 ms`, `1.2 s`, `2 min 05 s`: how long an attempt took. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${oneDecimal.format(Math.round(ms / 100) / 10)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/** `in 4 min`, `12 s ago`, `now`: how far an instant is from `now`. */
export function formatRelative(iso: string, now: Date): string {
  const seconds = Math.round((new Date(iso).getTime() - now.getTime()) / 1000);
  if (Number.isNaN(seconds)) return DASH;
  const size = Math.abs(seconds);
  if (size < 5) return 'now';
  const amount =
    size < 60
      ? `${size} s`
      : size < 3600
        ? `${Math.round(size / 60)} min`
        : size < 86_400
          ? `${oneDecimal.format(Math.round(size / 360) / 10)} h`
          : `${oneDecimal.format(Math.round(size / 8640) / 10)} d`;
  return seconds > 0 ? `in ${amount}` : `${amount} ago`;
}

/** `21–40 of 53`, for a page of a list. */
export function pageRange(offset: number, shown: number, total: number): string {
  if (total === 0 || shown === 0) return `0 of ${total}`;
  return `${offset + 1}–${offset + shown} of ${total}`;
}

/** A body as sent, indented when it is JSON (it always should be). */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

// ---------------------------------------------------------------------------------------------
// API clients

export const ROLE_LABEL: Record<ApiClientRole, string> = {
  dispatcher: 'Dispatcher',
  viewer: 'Viewer',
};

/** What each role lets a machine client do, for the create form. */
export const ROLE_HINT: Record<ApiClientRole, string> = {
  dispatcher: 'creates and updates work orders, reads everything a dispatcher reads',
  viewer: 'reads work orders, dispatches and reports, changes nothing',
};

/** Keycloak's token endpoint of the realm: where a client-credentials grant is asked for. */
export function tokenUrl(keycloakUrl: string, realm: string): string {
  return `${keycloakUrl.replace(/\/+$/, '')}/realms/${encodeURIComponent(realm)}/protocol/openid-connect/token`;
}

/** A word quoted for a POSIX shell: safe whatever it contains. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The token request of the client-credentials grant, ready to paste into a shell. */
export function tokenRequestCurl(url: string, clientId: string, clientSecret: string): string {
  return [
    `curl -s -X POST ${shellQuote(url)} \\`,
    `  -d grant_type=client_credentials \\`,
    `  --data-urlencode ${shellQuote(`client_id=${clientId}`)} \\`,
    `  --data-urlencode ${shellQuote(`client_secret=${clientSecret}`)}`,
  ].join('\n');
}
