/**
 * Plays an ERP system against a running Dispatch (`npm start`), as README's ERP guide describes:
 *
 *   npx tsx tools/erp-example/erp-example.ts [--api http://localhost:3000/api/v1]
 *                                            [--keycloak http://localhost:8080] [--tenant acme]
 *
 * 1. As the organization's admin (the demo login, development realm only): creates an API client
 *    (the ERP's credentials) and a webhook subscription to a receiver this script runs.
 * 2. As the ERP: gets a token with client credentials, pushes work orders by its own keys
 *    (`PUT /work-orders/by-external-ref/{ref}`) with an Idempotency-Key, retrying one as if the
 *    answer had been lost, changes one, and cancels them at the end.
 * 3. Receives the webhooks, verifies each signature with the `standardwebhooks` library and prints
 *    what happened to its orders; then catches up with the incremental sync (`sort=updatedAt`).
 * 4. Cleans up: deletes the webhook and the API client.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

const API = option('api', process.env.DISPATCH_API_URL ?? 'http://localhost:3000/api/v1');
const KEYCLOAK = option('keycloak', process.env.KEYCLOAK_URL ?? 'http://localhost:8080');
const TENANT = option('tenant', 'acme');
const TOKEN_URL = `${KEYCLOAK}/realms/dispatch/protocol/openid-connect/token`;
const ORDER_EVENTS = [
  'work_order.created',
  'work_order.queued',
  'work_order.updated',
  'work_order.cancelled',
  'work_order.completed',
  'dispatch.assigned',
  'dispatch.cancelled',
];

const log = (line: string) => console.log(line);

async function token(form: Record<string, string>): Promise<string> {
  const response = await fetch(TOKEN_URL, { method: 'POST', body: new URLSearchParams(form) });
  if (!response.ok)
    throw new Error(`token request refused: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the example prints what it gets
  body: any;
  headers: Headers;
}

async function call(
  bearer: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${API}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : undefined,
    headers: response.headers,
  };
}

function must(answer: Answer, what: string, ...ok: number[]): Answer {
  if (!ok.includes(answer.status))
    throw new Error(`${what}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer;
}

/** The ERP's webhook endpoint: verifies every message before believing it. */
async function startReceiver(secret: () => string) {
  const seen = new Set<string>();
  const events: { type: string; number?: number; externalRef?: string | null; detail: string }[] =
    [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      try {
        const headers = Object.fromEntries(
          Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
        );
        // Throws unless the signature matches this body and the timestamp is recent.
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a verified event of the catalogue
        const message = new Webhook(secret()).verify(body, headers) as any;
        response.statusCode = 204;
        // At least once: the same webhook-id may come again; handle each once.
        if (!seen.has(headers['webhook-id'])) {
          seen.add(headers['webhook-id']);
          const payload = message.data?.payload ?? {};
          const detail =
            payload.unit && payload.driver
              ? `${payload.unit.code} with ${payload.driver.name}`
              : (payload.blockedBy
                  ?.map((blocker: { message: string }) => blocker.message)
                  .join('; ') ?? '');
          events.push({
            type: message.type,
            number: payload.workOrder?.number,
            externalRef: payload.workOrder?.externalRef,
            detail,
          });
          log(
            `  ← webhook ${headers['webhook-id']}: ${message.type}${payload.workOrder ? ` WO-${String(payload.workOrder.number).padStart(6, '0')} (${payload.workOrder.externalRef ?? 'no externalRef'})` : ''}${detail ? ` — ${detail}` : ''} [signature verified]`,
          );
        }
      } catch (error) {
        response.statusCode = 400;
        log(`  ← webhook REFUSED: ${String(error)}`);
      }
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/dispatch-webhooks`,
    events,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 100));
  return condition();
}

async function main(): Promise<void> {
  const run = randomUUID().slice(0, 6).toUpperCase();
  log(`Dispatch ERP example against ${API} (organization ${TENANT})\n`);

  log('1. The admin sets the ERP up (console → Integrations, or the API):');
  const admin = await token({
    grant_type: 'password',
    client_id: 'dispatch-cli',
    username: `${TENANT}-admin`,
    password: 'demo',
  });
  const client = must(
    await call(admin, 'POST', '/api-clients', { name: `ERP example ${run}`, role: 'dispatcher' }),
    'create API client',
    201,
  ).body as { id: string; clientId: string; clientSecret: string };
  log(`  API client ${client.clientId} (role dispatcher); its secret is shown once`);
  let webhookSecret = '';
  const receiver = await startReceiver(() => webhookSecret);
  const webhook = must(
    await call(admin, 'POST', '/webhooks', {
      url: receiver.url,
      events: ORDER_EVENTS,
      description: `ERP example ${run}`,
    }),
    'create webhook',
    201,
  ).body as { id: string; secret: string };
  webhookSecret = webhook.secret;
  log(
    `  webhook ${webhook.id} → ${receiver.url} (${ORDER_EVENTS.length} event types, secret whsec_…)`,
  );

  const orderIds: string[] = [];
  try {
    log('\n2. The ERP pushes its orders:');
    const erp = await token({
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret,
    });
    log('  token from the client-credentials grant');
    const sites = must(await call(erp, 'GET', '/sites?limit=1'), 'list sites', 200).body.items;
    const types = must(await call(erp, 'GET', '/equipment-types?limit=1'), 'list types', 200).body
      .items;
    if (!sites[0] || !types[0])
      throw new Error('the organization has no site or equipment type yet');
    const syncFrom = new Date(Date.now() - 1000).toISOString();

    for (let index = 1; index <= 3; index += 1) {
      const ref = `PM-${run}-${index}`;
      const body = {
        title: `Maintenance notification ${ref}`,
        siteId: sites[0].id,
        equipmentTypeId: types[0].id,
        priority: index === 1 ? 'urgent' : 'standard',
        notes: 'Pushed by the ERP example',
      };
      const key = randomUUID();
      const first = must(
        await call(erp, 'PUT', `/work-orders/by-external-ref/${ref}`, body, {
          'Idempotency-Key': key,
        }),
        `PUT ${ref}`,
        200,
        201,
      );
      orderIds.push(first.body.id);
      log(
        `  PUT ${ref} → ${first.status} ${first.body.number} ${first.body.status}${first.body.blockedBy?.length ? ` (${first.body.blockedBy[0].message})` : ''}`,
      );
      if (index === 1) {
        // The answer was "lost": the ERP sends the very same request again, with the same key.
        const retry = await call(erp, 'PUT', `/work-orders/by-external-ref/${ref}`, body, {
          'Idempotency-Key': key,
        });
        log(
          `  retry of PUT ${ref} with the same Idempotency-Key → ${retry.status}, Idempotent-Replayed: ${retry.headers.get('idempotent-replayed')}, same order: ${retry.body.id === first.body.id}`,
        );
      }
    }
    const duplicate = await call(erp, 'POST', '/work-orders', {
      title: 'Duplicate',
      siteId: sites[0].id,
      equipmentTypeId: types[0].id,
      priority: 'standard',
      externalRef: `PM-${run}-1`,
    });
    log(
      `  POST with an externalRef that is already open → ${duplicate.status}, existing order ${duplicate.body.existingNumber ?? '?'} (${duplicate.body.existingLocation ?? '?'})`,
    );

    log('\n3. What Dispatch did, as webhooks tell it (signed, at least once, in order per order):');
    await waitFor(() => receiver.events.length >= 3, 10_000);

    log('\n   The ERP catches up with the incremental sync (as after a downtime):');
    let cursor: string | undefined;
    let pages = 0;
    const synced = new Map<string, string>();
    for (;;) {
      const query = cursor ? `cursor=${cursor}` : `updatedSince=${encodeURIComponent(syncFrom)}`;
      const page = must(
        await call(erp, 'GET', `/work-orders?sort=updatedAt&limit=2&${query}`),
        'sync',
        200,
      ).body;
      pages += 1;
      for (const order of page.items) synced.set(order.externalRef ?? order.id, order.status);
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
    log(
      `  ${pages} pages, ${synced.size} orders: ${[...synced].map(([ref, status]) => `${ref} ${status}`).join(', ')}; keep the last cursor for next time`,
    );

    log('\n4. The ERP cancels its orders again (the demo data stays as it was):');
    for (const id of orderIds) {
      const cancelled = await call(erp, 'POST', `/work-orders/${id}/cancel`, undefined, {
        'Idempotency-Key': randomUUID(),
      });
      log(
        `  cancel ${id.slice(0, 8)}… → ${cancelled.status} ${cancelled.body.status ?? cancelled.body.detail}`,
      );
    }
    await waitFor(
      () =>
        receiver.events.filter((event) => event.type === 'work_order.cancelled').length >=
        orderIds.length,
      10_000,
    );
  } finally {
    await call(admin, 'DELETE', `/webhooks/${webhook.id}`);
    await call(admin, 'DELETE', `/api-clients/${client.id}`);
    await receiver.close();
    log('\nRemoved the webhook and the API client.');
  }
  const counts = receiver.events.reduce<Record<string, number>>((all, event) => {
    all[event.type] = (all[event.type] ?? 0) + 1;
    return all;
  }, {});
  log(`Received and verified ${receiver.events.length} webhooks: ${JSON.stringify(counts)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
