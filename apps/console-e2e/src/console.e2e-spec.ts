import { ApiClient, createdId, tokenFor } from '@dispatch/testing';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath, signIn } from './support/browser';
import { untilPasses, waitForText } from './support/wait';

describe('console in Chromium against the real API, PostgreSQL and Keycloak', () => {
  let browser: Browser;
  let dispatcher: Page;
  let admin: ApiClient;
  const world: Record<string, string> = {};

  beforeAll(async () => {
    admin = new ApiClient(`${process.env.E2E_API_URL}/api/v1`, await tokenFor('acme', 'admin'));
    world.site = await createdId(
      admin.post('/sites', {
        name: 'Riverside Tower',
        address: '500 River Road',
        latitude: 39.75,
        longitude: -105,
      }),
    );
    world.type = await createdId(
      admin.post('/equipment-types', { code: 'boom-lift', name: 'Boom lift' }),
    );
    world.unit = await createdId(
      admin.post('/equipment', {
        code: 'BL-001',
        name: 'Genie S-65',
        equipmentTypeId: world.type,
        latitude: 39.7,
        longitude: -105,
      }),
    );
    world.driver = await createdId(
      admin.post('/drivers', {
        name: 'Dana Driver',
        username: 'acme-driver',
        dutyStatus: 'on_duty',
        qualifications: [],
      }),
    );
    browser = await launchChromium();
    dispatcher = await signIn(browser, 'acme-dispatcher');
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('lets a dispatcher create a work order and see it dispatched', async () => {
    const form = dispatcher.locator('[data-testid="create-work-order"]');
    await form.locator('input[name="title"]').fill('Replace facade lights');
    await form.locator('select[name="site"]').selectOption({ label: 'Riverside Tower' });
    await form.locator('select[name="equipmentType"]').selectOption(world.type);
    await form.locator('select[name="priority"]').selectOption('urgent');
    await form.locator('button[type="submit"]').click();
    const result = dispatcher.locator('[data-testid="create-result"]', {
      hasText: 'dispatched at once',
    });
    world.workOrder = await untilPasses(async () => {
      const id = await result.getAttribute('data-work-order');
      expect(id).toEqual(expect.any(String));
      return id as string;
    });
    await dispatcher
      .locator(`[data-testid="column-assigned"] [data-work-order="${world.workOrder}"]`)
      .waitFor({ timeout: 5_000 });
    await dispatcher.screenshot({ path: screenshotPath('board.png'), fullPage: true });
  });

  it('shows every step the driver takes on the dispatcher’s board, live, without a reload', async () => {
    const driver = await signIn(browser, 'acme-driver', { width: 390, height: 844 });
    await driver.locator('[data-testid="current-job"]').waitFor();
    await driver.locator('[data-testid="site-address"]:has-text("500 River Road")').waitFor();
    await driver.screenshot({ path: screenshotPath('driver.png'), fullPage: true });
    const delays: number[] = [];
    for (const column of ['acknowledged', 'en_route', 'on_site']) {
      const clicked = Date.now();
      await driver.locator('[data-testid="next-step"]').click();
      await dispatcher
        .locator(`[data-testid="column-${column}"] [data-work-order="${world.workOrder}"]`)
        .waitFor({ timeout: 3_000 });
      delays.push(Date.now() - clicked);
      await driver.locator(`[data-testid="current-job"][data-status="${column}"]`).waitFor();
    }
    // Completing asks first (a note is optional): the clock starts at the confirmation.
    await driver.locator('[data-testid="next-step"]').click();
    const clicked = Date.now();
    await driver.getByTestId('confirm-complete').click();
    await dispatcher
      .locator(`[data-testid="dispatch-card"][data-work-order="${world.workOrder}"]`)
      .waitFor({ state: 'detached', timeout: 3_000 });
    delays.push(Date.now() - clicked);
    await driver.locator('[data-testid="no-job"]').waitFor();
    process.stdout.write(`[console-e2e] driver step → dispatcher board: ${delays.join(', ')} ms\n`);
    expect(Math.max(...delays)).toBeLessThan(3_000);
    const order = await admin.get(`/work-orders/${world.workOrder}`);
    expect(order.body.status).toBe('completed');
    await driver.context().close();
  });

  it('lets a dispatcher dispatch scheduled work by hand, choosing only valid units and drivers', async () => {
    const start = new Date(Date.now() + 3 * 86_400_000);
    const scheduled = await admin.post('/work-orders', {
      title: 'Inspect roof anchors',
      siteId: world.site,
      equipmentTypeId: world.type,
      priority: 'standard',
      window: {
        start: start.toISOString(),
        end: new Date(start.getTime() + 7_200_000).toISOString(),
      },
    });
    expect(scheduled.body.status).toBe('queued');
    const row = dispatcher.locator(
      `[data-testid="queue-item"][data-work-order="${scheduled.body.id}"]`,
    );
    await row.filter({ hasText: 'Scheduled' }).waitFor({ timeout: 5_000 });
    await row.getByRole('button', { name: 'Dispatch by hand' }).click();
    const form = row.locator('[data-testid="hand-dispatch"]');
    await form
      .locator('select[name="unit"] option:not([value=""])')
      .first()
      .waitFor({ state: 'attached' });
    await form.locator('select[name="unit"]').selectOption({ value: world.unit });
    await form.locator('select[name="driver"]').selectOption({ value: world.driver });
    await form.getByRole('button', { name: 'Dispatch' }).click();
    await dispatcher
      .locator(
        `[data-testid="column-assigned"] [data-work-order="${scheduled.body.id}"]:has-text("dispatched by hand")`,
      )
      .waitFor({ timeout: 5_000 });
  });

  it('shows a viewer the board without any control that changes something', async () => {
    const viewer = await signIn(browser, 'acme-viewer');
    // Every list the board shows has arrived, so their controls would be there by now.
    await viewer.locator('[data-testid="equipment"] tr').first().waitFor();
    await viewer.locator('[data-testid="drivers"] tr').first().waitFor();
    await waitForText(viewer.locator('#queue-title .count'), /^\d+$/);
    await waitForText(viewer.locator('#dispatches-title .count'), /^\d+$/);
    expect(await viewer.locator('[data-testid="create-work-order"]').count()).toBe(0);
    // Opening an order’s timeline only reads: the one kind of control a viewer gets on the board.
    expect(await viewer.locator('main button:not([data-testid="open-timeline"])').count()).toBe(0);
    await viewer.context().close();
  });

  it('never shows acme data to a globex user', async () => {
    const globex = await signIn(browser, 'globex-dispatcher');
    await waitForText(globex.locator('[data-testid="tenant"]'), 'globex');
    // What globex sees has arrived (its lists and counts) before it is searched.
    await globex.locator('[data-testid="equipment"]').waitFor({ state: 'attached' });
    await globex.locator('[data-testid="drivers"]').waitFor({ state: 'attached' });
    await waitForText(globex.locator('#queue-title .count'), /^\d+$/);
    await waitForText(globex.locator('#dispatches-title .count'), /^\d+$/);
    const text = await globex.locator('main').textContent();
    expect(text).not.toContain('Riverside Tower');
    expect(text).not.toContain('BL-001');
    expect(text).not.toContain('Dana Driver');
    await globex.context().close();
  });

  it('lets an admin see the organization (expiring qualifications highlighted) and create a user in Keycloak', async () => {
    const page = await signIn(browser, 'acme-admin');
    await page.getByRole('button', { name: 'Admin' }).click();
    // The panel is there before its list: the driver is waited for, not read once.
    await page.locator('[data-testid="admin-drivers"]', { hasText: 'Dana Driver' }).waitFor();
    const users = page.locator('[data-testid="create-user"]');
    await users.locator('input[name="username"]').fill('acme-newdispatcher');
    await users.locator('input[name="email"]').fill('new.dispatcher@acme.example');
    await users.locator('input[name="firstName"]').fill('Nora');
    await users.locator('input[name="lastName"]').fill('New');
    await users.locator('select[name="role"]').selectOption('dispatcher');
    await users.locator('input[name="password"]').fill('temporary-123');
    await users.getByRole('button', { name: 'Create user' }).click();
    await page.locator('[data-testid="users"] tr[data-username="acme-newdispatcher"]').waitFor();
    const site = page.locator('[data-testid="create-site"]');
    await site.locator('input[name="name"]').fill('Harbour Crane Yard');
    await site.locator('input[name="address"]').fill('2 Dock Street');
    await site.locator('input[name="latitude"]').fill('39.76');
    await site.locator('input[name="longitude"]').fill('-105.01');
    await site.getByRole('button', { name: 'Add site' }).click();
    await page.locator('[data-testid="sites"] li:has-text("Harbour Crane Yard")').waitFor();
    expect((await admin.get('/sites?q=Harbour')).body.total).toBe(1);
    await page.screenshot({ path: screenshotPath('admin.png'), fullPage: true });
    await page.context().close();
  });
});
