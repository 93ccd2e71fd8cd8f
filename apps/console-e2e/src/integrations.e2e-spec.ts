import { clientCredentials } from '@dispatch/testing';
import { adminApi } from './support/world';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { launchChromium, screenshotPath, signIn } from './support/browser';
import { chooseOption } from './support/select';
import { untilPasses, waitForText } from './support/wait';

interface Received {
  headers: Record<string, string>;
  body: string;
}

interface Receiver {
  url: string;
  received: Received[];
  /** The status it answers with (204 unless a test makes it fail). */
  status: number;
  close: () => void;
}

/** An ERP's webhook endpoint: a real HTTP server on 127.0.0.1 that records what it is sent. */
async function startReceiver(path: string): Promise<Receiver> {
  const received: Received[] = [];
  let receiver: Receiver | undefined = undefined;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        headers: Object.fromEntries(
          Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
        ),
        body: Buffer.concat(chunks).toString(),
      });
      response.statusCode = receiver?.status ?? 204;
      response.end(response.statusCode >= 400 ? 'ERP is down for maintenance' : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver = {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    status: 204,
    close: () => server.close(),
  };
  return receiver;
}

/** Waits until `check` holds (for what happens outside the page: the receiver, Keycloak). */
async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, what: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The integrations page in Chromium against the real API, PostgreSQL and Keycloak: an admin
 * connects an ERP by a webhook (delivered to a real receiver, signed with the secret shown once)
 * and an API client (whose secret, shown once, really gets a token from Keycloak).
 */
describe('integrations page in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let receiver: Receiver;
  let failing: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver('/erp/dispatch-events');
    failing = await startReceiver('/erp/down');
    failing.status = 503;
    browser = await launchChromium();
    page = await signIn(browser, 'acme-admin');
    await page.locator('[data-testid="tab-integrations"]').click();
    await page.locator('[data-testid="integrations"]').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    receiver?.close();
    failing?.close();
  });

  it('offers the page to admins only', async () => {
    const dispatcher = await signIn(browser, 'acme-dispatcher');
    await dispatcher.locator('[data-testid="tab-board"]').waitFor();
    expect(await dispatcher.locator('[data-testid="tab-integrations"]').count()).toBe(0);
    await dispatcher.context().close();
  });

  it('creates a webhook, shows its secret once, and delivers a test event to the receiver', async () => {
    const form = page.locator('[data-testid="create-webhook"]');
    await form.getByLabel('Endpoint URL').fill(receiver.url);
    await form.getByLabel('Description (optional)').fill('ERP test receiver');
    await form.getByRole('checkbox', { name: 'Work orders (all events)' }).check();
    await form.getByRole('checkbox', { name: 'Dispatch completed', exact: true }).check();
    await form.getByRole('button', { name: 'Create webhook' }).click();

    const shown = page.getByRole('dialog', { name: 'Webhook created' });
    await shown.getByText('You will not see the secret again.').waitFor();
    const secret = await waitForText(shown.getByTestId('shown-webhook-secret'), /^whsec_/);
    await shown.getByRole('button', { name: /I have stored it/ }).click();
    await shown.waitFor({ state: 'detached' });
    // Once closed, the secret is nowhere on the page.
    expect(await page.getByText(secret).count()).toBe(0);

    const row = page.locator(`[data-testid="webhooks"] tr[data-webhook-url="${receiver.url}"]`);
    await row.locator('[data-testid="webhook-state"]:text-is("Active")').waitFor();
    await row.getByText('Work orders (all); Dispatches: completed').waitFor();

    await row.getByRole('button', { name: 'Send test event' }).click();
    const deliveries = page.locator('[data-testid="deliveries-panel"]');
    const test = deliveries.locator(
      '[data-testid="delivery"][data-event-type="webhook.test"][data-status="delivered"]',
    );
    await test.locator('[data-testid="delivery-status"]:text-is("Delivered")').waitFor({
      timeout: 30_000,
    });
    await test.locator('td:text-is("Test event")').waitFor();
    await test.locator('td:text-is("HTTP 204")').waitFor();

    // The receiver got it, signed with the secret the page showed.
    const message = await eventually(
      () => receiver.received.find((entry) => entry.body.includes('"webhook.test"')),
      'the test message at the receiver',
    );
    expect(new Webhook(secret).verify(message.body, message.headers)).toMatchObject({
      type: 'webhook.test',
    });
    await test.locator(`code:text-is("${message.headers['webhook-id']}")`).waitFor();

    // Its detail: one attempt answered 204, the body as sent; redelivered by hand.
    await test.getByRole('button', { name: /^Details of Test event/ }).click();
    const detail = deliveries.locator('[data-testid="delivery-detail"]');
    await detail.locator('[data-testid="attempts"] td:text-is("HTTP 204")').waitFor();
    await detail.locator('[data-testid="delivery-body"]', { hasText: '"webhook.test"' }).waitFor();
    await page.screenshot({
      animations: 'disabled',
      path: screenshotPath('integrations-webhook.png'),
      fullPage: true,
    });
    await detail.getByRole('button', { name: 'Redeliver' }).click();
    // Said in a toast, over the page.
    await page.getByText(/^Queued again/).waitFor();
    await eventually(
      () =>
        receiver.received.filter(
          (entry) => entry.headers['webhook-id'] === message.headers['webhook-id'],
        ).length >= 2 || undefined,
      'the redelivered message',
    );
    await detail.locator('[data-testid="attempts"] tbody tr').nth(1).waitFor();

    // Edited: fewer events.
    await row.getByRole('button', { name: 'Edit' }).click();
    const edit = page.locator('[data-testid="edit-webhook"]');
    await edit.getByRole('checkbox', { name: 'Dispatch completed', exact: true }).uncheck();
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'detached' });
    await row.locator('td:text-is("Work orders (all)")').waitFor();

    // Paused, the endpoint says so; resumed, it is active again.
    await row.getByRole('button', { name: 'Pause' }).click();
    await row.locator('[data-testid="webhook-state"]:text-is("Paused")').waitFor();
    await row.getByRole('button', { name: 'Resume' }).click();
    await row.locator('[data-testid="webhook-state"]:text-is("Active")').waitFor();
  });

  it('calls out an endpoint disabled after failing, with why and since when, and re-enables it', async () => {
    // Set up through the API: an endpoint whose receiver answers 503 to everything. The suite's
    // API gives up on an endpoint after seconds of failing (WEBHOOK_DISABLE_AFTER_SECONDS).
    const admin = await adminApi();
    const created = await admin.post('/webhooks', {
      url: failing.url,
      events: ['work_order.cancelled'],
      description: 'ERP in maintenance',
    });
    expect(created.status).toBe(201);
    expect((await admin.post(`/webhooks/${created.body.id}/test`)).status).toBe(202);

    const alert = page
      .locator('[data-testid="webhook-disabled"]')
      .filter({ hasText: `Webhook to ${failing.url} was disabled after failing.` });
    await alert.waitFor({ timeout: 60_000 });
    await alert.getByText(/^Every delivery failed for .* \(last: HTTP 503\)/).waitFor();
    await alert.getByText(/Every delivery has failed since [A-Z][a-z]{2} \d{1,2}, \d{4}/).waitFor();
    const row = page.locator(`[data-testid="webhooks"] tr[data-webhook-url="${failing.url}"]`);
    await row.locator('[data-testid="webhook-state"]:text-is("Disabled after failing")').waitFor();
    await row.getByText(/^failing since /).waitFor();
    await page.screenshot({
      animations: 'disabled',
      path: screenshotPath('integrations-disabled.png'),
      fullPage: true,
    });

    // The receiver works again; the admin re-enables the endpoint from the alert.
    failing.status = 204;
    await alert.getByRole('button', { name: 'Re-enable' }).click();
    await alert.waitFor({ state: 'detached' });
    await row.locator('[data-testid="webhook-state"]:text-is("Active")').waitFor();
  });

  it('creates an API client, shows its secret once (it gets a token), rotates and deletes it', async () => {
    const form = page.locator('[data-testid="create-api-client"]');
    await form.getByLabel('Name').fill('SAP S/4 e2e');
    await chooseOption(form, 'Role', /^Viewer/);
    await untilPasses(async () =>
      expect(await form.locator('input[type="hidden"][name="role"]').inputValue()).toBe('viewer'),
    );
    await form.getByLabel('Description (optional)').fill('Reads work order status');
    await form.getByRole('button', { name: 'Create API client' }).click();

    const shown = page.getByRole('dialog', { name: 'API client “SAP S/4 e2e” created' });
    await shown.getByText('You will not see the secret again.').waitFor();
    const clientId = await waitForText(shown.getByTestId('shown-client-id'), /^acme-sap-s-4-e2e-/);
    const secret = await waitForText(shown.getByTestId('shown-client-secret'), /^\S{20,}$/);
    await shown
      .getByTestId('token-curl')
      .filter({ hasText: `client_secret=${secret}` })
      .filter({ hasText: '/realms/dispatch/protocol/openid-connect/token' })
      .waitFor();
    await page.screenshot({
      animations: 'disabled',
      path: screenshotPath('integrations-api-client.png'),
    });
    await shown.getByRole('button', { name: /I have stored it/ }).click();
    await shown.waitFor({ state: 'detached' });
    expect(await page.getByText(secret).count()).toBe(0);

    const row = page.locator('[data-testid="api-clients"] tr[data-client-name="SAP S/4 e2e"]');
    await row.locator(`code:text-is("${clientId}")`).waitFor();
    await row.locator('td:text-is("Viewer")').waitFor();
    expect(await token(clientId, secret)).toBe(200);

    // Rotated: a new secret shown once, the old one refused.
    await row.getByRole('button', { name: 'Rotate secret of SAP S/4 e2e' }).click();
    const confirm = page.getByRole('dialog', { name: 'Rotate the secret of “SAP S/4 e2e”?' });
    await confirm.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = page.getByRole('dialog', { name: 'New secret of “SAP S/4 e2e”' });
    const newSecret = await waitForText(rotated.getByTestId('shown-client-secret'), /^\S{20,}$/);
    expect(newSecret).not.toBe(secret);
    await rotated.getByRole('button', { name: /I have stored it/ }).click();
    await rotated.waitFor({ state: 'detached' });
    expect(await token(clientId, newSecret)).toBe(200);
    expect(await token(clientId, secret)).toBe(401);

    // Deleted after a confirmation that names it.
    await row.getByRole('button', { name: 'Delete SAP S/4 e2e' }).click();
    const remove = page.getByRole('dialog', { name: 'Delete the API client “SAP S/4 e2e”?' });
    await remove.getByRole('button', { name: 'Delete “SAP S/4 e2e”' }).click();
    await row.waitFor({ state: 'detached' });
    await page.getByText('API client “SAP S/4 e2e” deleted').waitFor();
    await eventually(
      async () => ((await token(clientId, newSecret)) !== 200 ? true : undefined),
      'Keycloak to refuse the deleted client',
    );
  });
});

/** The status of a client-credentials token request to the real Keycloak, as an ERP makes it. */
async function token(clientId: string, secret: string): Promise<number> {
  return (await clientCredentials(clientId, secret)).status;
}
