import { type ApiClient, createdId } from '@dispatch/testing';
import type { Browser, Locator, Page } from 'playwright-core';
import { consoleUrl, launchChromium, screenshotPath, signIn } from './support/browser';
import { chooseOption } from './support/select';
import { untilPasses, waitForText } from './support/wait';
import { adminApi, seedWorld } from './support/world';

describe('console in Chromium against the real API, PostgreSQL and Keycloak', () => {
  let browser: Browser;
  let dispatcher: Page;
  let admin: ApiClient;
  const world: Record<string, string> = {};

  beforeAll(async () => {
    admin = await adminApi();
    Object.assign(
      world,
      await seedWorld(admin, {
        site: {
          name: 'Riverside Tower',
          address: '500 River Road',
          latitude: 39.75,
          longitude: -105,
        },
        type: { code: 'boom-lift', name: 'Boom lift' },
        unit: { code: 'BL-001', name: 'Genie S-65', latitude: 39.7, longitude: -105 },
        driver: {
          name: 'Dana Driver',
          username: 'acme-driver',
          dutyStatus: 'on_duty',
          qualifications: [],
        },
      }),
    );
    browser = await launchChromium();
    dispatcher = await signIn(browser, 'acme-dispatcher');
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('lets a dispatcher create a work order and see it dispatched', async () => {
    await dispatcher.getByRole('button', { name: 'New work order' }).click();
    const dialog = dispatcher.getByRole('dialog', { name: 'New work order' });
    const form = dialog.locator('[data-testid="create-work-order"]');
    await form.getByLabel('Title').fill('Replace facade lights');
    await chooseOption(form, 'Site', 'Riverside Tower');
    await chooseOption(form, 'Equipment type', 'Boom lift (boom-lift)');
    await chooseOption(form, 'Priority', 'Urgent');
    // The choices are the records meant, by id, as the form sends them.
    const chosen = (name: string) => form.locator(`input[type="hidden"][name="${name}"]`);
    await untilPasses(async () =>
      expect([
        await chosen('siteId').inputValue(),
        await chosen('equipmentTypeId').inputValue(),
        await chosen('priority').inputValue(),
      ]).toEqual([world.site, world.type, 'urgent']),
    );
    await form.getByRole('button', { name: 'Create work order' }).click();
    const result = dispatcher.locator('[data-testid="create-result"]', {
      hasText: 'dispatched at once',
    });
    world.workOrder = await untilPasses(async () => {
      const id = await result.getAttribute('data-work-order');
      expect(id).toEqual(expect.any(String));
      return id as string;
    });
    await dialog.waitFor({ state: 'detached' });
    await dispatcher
      .locator(`[data-testid="column-assigned"] [data-work-order="${world.workOrder}"]`)
      .waitFor({ timeout: 5_000 });
    await dispatcher.screenshot({
      animations: 'disabled',
      path: screenshotPath('board-after-dispatch.png'),
      fullPage: true,
    });
  });

  it('checks the new work order in the form, and sends a time window, extra qualifications and the ERP key', async () => {
    const qualification = await createdId(
      admin.post('/qualifications', { code: 'night-shift', name: 'Night shift' }),
    );
    await dispatcher.getByRole('button', { name: 'New work order' }).click();
    const dialog = dispatcher.getByRole('dialog', { name: 'New work order' });
    const form = dialog.locator('[data-testid="create-work-order"]');
    // Nothing is sent without a title, a site and a type: each field says what it lacks.
    await form.getByRole('button', { name: 'Create work order' }).click();
    await form.getByText('Give the work order a title').waitFor();
    await form.getByText('Choose the site').waitFor();
    await form.getByText('Choose the equipment type').waitFor();

    await form.getByLabel('Title').fill('Night inspection of the facade');
    await chooseOption(form, 'Site', 'Riverside Tower');
    await chooseOption(form, 'Equipment type', 'Boom lift (boom-lift)');
    await chooseOption(form, 'Extra qualifications', 'night-shift');
    await form.getByLabel('External reference').fill('SAP-E2E-4711');
    await form.getByLabel('Notes').fill('Gate code 4711');
    // The window, picked in the date-time pickers: tomorrow 20:00 to 19:00 is refused, then 22:00.
    const tomorrow = new Date(Date.now() + 86_400_000);
    await pickDateTime(form, 'Window starts', tomorrow, '20:00');
    await pickDateTime(form, 'Window ends', tomorrow, '19:00');
    await form.getByRole('button', { name: 'Create work order' }).click();
    await form.getByText('The window must end after it starts').waitFor();
    await pickDateTime(form, 'Window ends', tomorrow, '22:00');
    await form.getByRole('button', { name: 'Create work order' }).click();

    const result = dispatcher.locator('[data-testid="create-result"]', { hasText: 'queued' });
    const id = await untilPasses(async () => {
      const value = await result.getAttribute('data-work-order');
      expect(value).toEqual(expect.any(String));
      return value as string;
    });
    const order = await admin.get(`/work-orders/${id}`);
    expect(order.body).toMatchObject({
      title: 'Night inspection of the facade',
      siteId: world.site,
      equipmentTypeId: world.type,
      priority: 'standard',
      requiredQualificationIds: [qualification],
      externalRef: 'SAP-E2E-4711',
      notes: 'Gate code 4711',
      status: 'queued',
    });
    const start = new Date(order.body.window.start);
    const end = new Date(order.body.window.end);
    expect([start.getDate(), start.getHours(), start.getMinutes()]).toEqual([
      tomorrow.getDate(),
      20,
      0,
    ]);
    expect(end.getTime() - start.getTime()).toBe(2 * 3_600_000);
    // Out of the way of the tests below: nobody holds the qualification, so it would stay queued.
    expect((await admin.post(`/work-orders/${id}/cancel`)).status).toBe(200);
  });

  it('shows every step the driver takes on the dispatcher’s board, live, without a reload', async () => {
    const driver = await signIn(browser, 'acme-driver', { width: 390, height: 844 });
    await driver.locator('[data-testid="current-job"]').waitFor();
    await driver.locator('[data-testid="site-address"]:has-text("500 River Road")').waitFor();
    await driver.screenshot({
      animations: 'disabled',
      path: screenshotPath('driver.png'),
      fullPage: true,
    });
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
    const dialog = dispatcher.getByRole('dialog', {
      name: `Dispatch ${scheduled.body.number} by hand`,
    });
    const form = dialog.locator('[data-testid="hand-dispatch"]');
    await chooseOption(form, 'Unit', /^BL-001/);
    await chooseOption(form, 'Driver', /^Dana Driver/);
    await untilPasses(async () =>
      expect([
        await form.locator('input[type="hidden"][name="unit"]').inputValue(),
        await form.locator('input[type="hidden"][name="driver"]').inputValue(),
      ]).toEqual([world.unit, world.driver]),
    );
    await form.getByRole('button', { name: 'Dispatch', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
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
    await page.getByTestId('tab-admin').click();
    await page.waitForURL(/\/admin\/users$/);
    await page.getByTestId('nav-admin-drivers').click();
    // The panel is there before its list: the driver is waited for, not read once.
    await page.locator('[data-testid="admin-drivers"]', { hasText: 'Dana Driver' }).waitFor();
    await page.getByTestId('nav-admin-users').click();
    // A new user is made in a dialog (Mantine inputs, a Mantine select for the role).
    await page.getByRole('button', { name: 'New user' }).click();
    const users = page.locator('[data-testid="create-user"]');
    // Keycloak outlives a run (and is shared): a name of this run's own, so a second run can create it.
    const username = `acme-new-${Date.now().toString(36)}`;
    await users.locator('input[name="username"]').fill(username);
    await users.locator('input[name="email"]').fill(`${username}@acme.example`);
    await users.locator('input[name="firstName"]').fill('Nora');
    await users.locator('input[name="lastName"]').fill('New');
    await chooseOption(users, 'Role', 'Dispatcher');
    await users.locator('input[name="password"]').fill('temporary-123');
    await users.getByRole('button', { name: 'Create user' }).click();
    const created = page.locator(`[data-testid="users"] tr[data-username="${username}"]`);
    await created.waitFor();
    // A new temporary password, asked for in a dialog (no browser prompt).
    await created.getByRole('button', { name: 'Reset password' }).click();
    const reset = page.getByRole('dialog', { name: `Reset the password of ${username}` });
    await reset.getByLabel('Temporary password').fill('short');
    await reset.getByRole('button', { name: 'Reset password' }).click();
    await reset.getByText('At least 8 characters').waitFor();
    await reset.getByLabel('Temporary password').fill('another-temporary-456');
    await reset.getByRole('button', { name: 'Reset password' }).click();
    await reset.waitFor({ state: 'detached' });
    await page.getByText(`Password of ${username} reset`).waitFor();
    await page.getByTestId('nav-admin-sites').click();
    await page.getByRole('button', { name: 'Add site' }).click();
    const site = page.locator('[data-testid="site-form"]');
    await site.locator('input[name="name"]').fill('Harbour Crane Yard');
    await site.locator('input[name="address"]').fill('2 Dock Street');
    await site.locator('input[name="latitude"]').fill('39.76');
    await site.locator('input[name="longitude"]').fill('-105.01');
    await site.getByRole('button', { name: 'Add site' }).click();
    await site.waitFor({ state: 'detached' });
    await page.locator('[data-testid="sites"] tr:has-text("Harbour Crane Yard")').waitFor();
    expect((await admin.get('/sites?q=Harbour')).body.total).toBe(1);
    await page.screenshot({
      animations: 'disabled',
      path: screenshotPath('admin.png'),
      fullPage: true,
    });
    await page.context().close();
  });

  it('opens a work order from a link a colleague sent, through the login, and keeps other pages to their roles', async () => {
    const link = `/work-orders/${world.workOrder}`;
    const viewer = await signIn(browser, 'acme-viewer', undefined, link);
    expect(new URL(viewer.url()).pathname).toBe(link);
    const order = viewer.locator('[data-testid="work-order-page"]');
    await order.locator('h1', { hasText: 'Replace facade lights' }).waitFor();
    await order.locator('[data-testid="work-order-status"]:text-is("completed")').waitFor();
    await order
      .locator('[data-testid="work-order-facts"]', { hasText: 'Riverside Tower' })
      .waitFor();
    await order
      .locator(
        '[data-testid="timeline"] [data-testid="timeline-event"][data-action="work_order.completed"]',
      )
      .waitFor();
    // A viewer reads it, and may not cancel it.
    expect(await order.getByRole('button').count()).toBe(0);
    await viewer.screenshot({
      animations: 'disabled',
      path: screenshotPath('work-order.png'),
      fullPage: true,
    });

    // The admin pages are not the viewer's: the address says so instead of showing them.
    await viewer.goto(new URL('/admin/users', consoleUrl()).href);
    await waitForText(
      viewer.locator('[data-testid="not-available"] h1'),
      'Admin is not available for your role',
    );
    expect(await viewer.locator('[data-testid="create-user"], [data-testid="users"]').count()).toBe(
      0,
    );
    await viewer.context().close();
  });
});

/**
 * Sets the Mantine DateTimePicker labelled `label` to `date` at `time` (HH:mm), as a user does:
 * opens its calendar (the dialog its button controls), clicks the day (by its label, a month on if
 * need be, decided once the calendar is drawn), types the hours and minutes and confirms.
 */
async function pickDateTime(scope: Locator, label: string, date: Date, time: string) {
  const page = scope.page();
  const button = scope.getByRole('button', { name: label, exact: true });
  await button.click();
  await button.and(page.locator('[aria-expanded="true"]')).waitFor();
  const calendar = page.locator(`[id="${await button.getAttribute('aria-controls')}"]`);
  const month = new Intl.DateTimeFormat('en-US', { month: 'long' }).format(date);
  const day = calendar.getByRole('button', {
    name: `${date.getDate()} ${month} ${date.getFullYear()}`,
    exact: true,
  });
  // The calendar opens on the month it holds (or this month), so the day may be one month on.
  // Whether it is shown can be read only once the month's grid is drawn; its header comes with it.
  const nextMonth = calendar.getByRole('button', { name: 'Next month' });
  await nextMonth.waitFor();
  if ((await day.count()) === 0) await nextMonth.click();
  await day.click();
  const [hours, minutes] = time.split(':');
  // Each field holds two digits; typed over, the hours move on to the minutes by themselves.
  await calendar.getByRole('spinbutton', { name: 'Hours' }).selectText();
  await page.keyboard.type(hours);
  await calendar.getByRole('spinbutton', { name: 'Minutes' }).selectText();
  await page.keyboard.type(minutes);
  await calendar.getByRole('button', { name: 'Set the date and time' }).click();
  await calendar.waitFor({ state: 'hidden' });
  await waitForText(button, (text) => text.endsWith(time));
}
