import { type ApiClient, createdId } from '@dispatch/testing';
import { adminApi } from './support/world';
import type { Browser, Page } from 'playwright-core';
import { expectAccessible } from './support/axe';
import { consoleUrl, launchChromium, screenshotPath, signIn } from './support/browser';
import { horizontalOverflow } from './support/overflow';
import { chooseOption } from './support/select';
import { untilPasses, waitForText } from './support/wait';

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

/**
 * The dispatcher's board in Chromium against the real API: the map of the tenant's sites and units
 * (drawn offline, nothing requested off the machine), the unit timeline with a dispatch made while
 * it is shown, the keyboard's help, and a queued work order edited and cancelled from its page.
 *
 * Its equipment type needs a qualification only its own driver holds, so its orders go to its own
 * unit and driver and no other suite's order can take them (and the reverse).
 */
describe('the dispatcher’s board', () => {
  let browser: Browser;
  let admin: ApiClient;
  let page: Page;
  /** Every request the board sent off this machine (there must be none: no tiles configured). */
  const offMachine: string[] = [];
  const world: Record<string, string> = {};

  beforeAll(async () => {
    admin = await adminApi();
    world.qualification = await createdId(
      admin.post('/qualifications', { code: 'board-rigging', name: 'Board rigging' }),
    );
    world.type = await createdId(
      admin.post('/equipment-types', {
        code: 'board-excavator',
        name: 'Board excavator',
        requiredQualificationIds: [world.qualification],
      }),
    );
    world.site = await createdId(
      admin.post('/sites', {
        name: 'Board Test Quarry',
        address: '7 Gravel Pit Lane',
        latitude: 39.68,
        longitude: -104.94,
      }),
    );
    world.unit = await createdId(
      admin.post('/equipment', {
        code: 'BX-101',
        name: 'Komatsu PC210',
        equipmentTypeId: world.type,
        latitude: 39.66,
        longitude: -104.9,
      }),
    );
    browser = await launchChromium();
    page = await signIn(browser, 'acme-dispatcher', DESKTOP);
    page.on('request', (request) => {
      const { hostname } = new URL(request.url());
      if (request.url().startsWith('http') && !['localhost', '127.0.0.1'].includes(hostname))
        offMachine.push(request.url());
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the tenant’s sites and units on the map, by name, with a legend', async () => {
    await page.goto(new URL('/board', consoleUrl()).href);
    const map = page.getByRole('region', { name: 'Map', exact: true });
    await map.getByRole('button', { name: 'Site Board Test Quarry' }).waitFor();
    await map.getByRole('button', { name: 'Unit BX-101, free' }).waitFor();
    await page.getByRole('list', { name: 'Map legend' }).getByText('Unit in maintenance').waitFor();
    // A marker opens a note about its site.
    await map.getByRole('button', { name: 'Site Board Test Quarry' }).click();
    await map.locator('.leaflet-popup', { hasText: '7 Gravel Pit Lane' }).waitFor();
    await page.keyboard.press('Escape');
    await map.locator('.leaflet-popup').waitFor({ state: 'detached' });
  });

  it('draws a dispatch made while the board is open on the unit timeline, and the unit as dispatched', async () => {
    const timeline = page.getByRole('region', { name: 'Unit timeline' });
    await timeline
      .locator(`[data-testid="unit-timeline-row"][data-unit="${world.unit}"]`)
      .waitFor();
    // Only this driver holds the type's qualification: the order goes to BX-101 and Rhea at once.
    world.driver = await createdId(
      admin.post('/drivers', {
        name: 'Rhea Board',
        dutyStatus: 'on_duty',
        qualifications: [{ qualificationId: world.qualification, expiresAt: '2099-12-31' }],
      }),
    );
    const order = await admin.post('/work-orders', {
      title: 'Dig the drainage trench',
      siteId: world.site,
      equipmentTypeId: world.type,
      priority: 'urgent',
    });
    expect(order.body).toMatchObject({
      status: 'dispatched',
      dispatch: { equipmentId: world.unit, driverId: world.driver },
    });
    world.dispatched = order.body.id;
    world.dispatchedNumber = order.body.number;

    const bar = timeline.getByRole('link', {
      name: new RegExp(`^${order.body.number} · Rhea Board, \\d{2}:\\d{2}–now \\(Assigned\\)$`),
    });
    await bar.waitFor();
    expect(await bar.getAttribute('href')).toBe(`/work-orders/${order.body.id}`);
    // The same dispatch as a card (its site, time in step and age) and on the map.
    const card = page.locator(
      `[data-testid="column-assigned"] [data-testid="dispatch-card"][data-work-order="${order.body.id}"]`,
    );
    await waitForText(card.locator('.card__site'), 'Board Test Quarry');
    await waitForText(card.getByTestId('card-times'), /in step · age/);
    const map = page.getByRole('region', { name: 'Map', exact: true });
    await map.getByRole('button', { name: 'Unit BX-101, dispatched' }).waitFor();

    // A fresh view for the pictures: the popup opened above panned the map.
    await page.reload();
    await page.locator('[data-testid="live-state"]:has-text("Live")').waitFor();
    await map.getByRole('button', { name: 'Unit BX-101, dispatched' }).waitFor();
    await bar.waitFor();
    await page.screenshot({ animations: 'disabled', path: screenshotPath('board.png') });
    await map.screenshot({ animations: 'disabled', path: screenshotPath('map.png') });
    await timeline.screenshot({
      animations: 'disabled',
      path: screenshotPath('unit-timeline.png'),
    });
    // The whole board fits the window: panels scroll inside, the page does not; nothing sticks out.
    await untilPasses(async () => {
      const screen = await page.locator('.dispatch-board__screen').boundingBox();
      expect(screen && screen.y + screen.height).toBeLessThanOrEqual(DESKTOP.height);
    }, 5_000);
    await untilPasses(async () => expect(await horizontalOverflow(page)).toEqual([]), 5_000);
    // Map markers, timeline bars and cards, with their data: nothing serious for axe.
    await expectAccessible(page, 'the board with its map and unit timeline');
  });

  it('opens the keyboard shortcuts with ?, and a new work order with N', async () => {
    // Nothing focused in a field: the keys are the board's.
    await page.getByRole('heading', { name: 'Board', level: 1 }).click();
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.getByRole('cell', { name: 'New work order' }).waitFor();
    await help.getByRole('cell', { name: 'Show these shortcuts' }).waitFor();
    await expectAccessible(page, 'the keyboard shortcuts dialog', '[role="dialog"]');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    // The same list from the button.
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    await help.waitFor();
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });

    await page.keyboard.press('n');
    const create = page.getByRole('dialog', { name: 'New work order' });
    await create.getByLabel('Title').waitFor();
    await page.keyboard.press('Escape');
    await create.waitFor({ state: 'detached' });

    // `/` puts the cursor in the search, where keys are text again.
    await page.keyboard.press('/');
    const search = page.getByRole('searchbox', { name: 'Find a work order' });
    await untilPasses(async () =>
      expect(await search.evaluate((element) => element === document.activeElement)).toBe(true),
    );
    await page.keyboard.type('n?');
    await untilPasses(async () => expect(await search.inputValue()).toBe('n?'));
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await search.fill('');

    // S takes the selected card (clicked, so focused) to its next step.
    const card = (step: string) =>
      page.locator(
        `[data-testid="column-${step}"] [data-testid="dispatch-card"][data-work-order="${world.dispatched}"]`,
      );
    await card('assigned').locator('.card__site').click();
    await page.keyboard.press('s');
    await card('acknowledged').waitFor();
    await untilPasses(async () =>
      expect((await admin.get(`/work-orders/${world.dispatched}`)).body.dispatch.status).toBe(
        'acknowledged',
      ),
    );
  });

  it('edits a queued order, shows what would unblock it, and cancels it once confirmed', async () => {
    // BX-101 is busy: a second order of its type waits in the queue.
    const queued = await admin.post('/work-orders', {
      title: 'Backfill the trench',
      siteId: world.site,
      equipmentTypeId: world.type,
      priority: 'standard',
    });
    expect(queued.body.status).toBe('queued');
    await page.goto(new URL(`/work-orders/${queued.body.id}`, consoleUrl()).href);
    const order = page.locator('[data-testid="work-order-page"]');
    await order.locator('h1', { hasText: 'Backfill the trench' }).waitFor();
    await order
      .getByTestId('unblock-advice')
      .filter({ hasText: 'Wait for a unit of this type to be freed' })
      .waitFor();
    await order
      .getByRole('button', { name: 'See the units and drivers that could take it' })
      .click();
    const candidates = page.getByRole('dialog', { name: `Dispatch ${queued.body.number} by hand` });
    await candidates.getByRole('combobox', { name: 'Unit' }).waitFor();
    await page.keyboard.press('Escape');
    await candidates.waitFor({ state: 'detached' });

    await order.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: `Edit ${queued.body.number}` });
    const title = edit.getByLabel('Title');
    await untilPasses(async () => expect(await title.inputValue()).toBe('Backfill the trench'));
    await title.fill('Backfill and compact the trench');
    await chooseOption(edit, 'Priority', 'Emergency');
    await edit.getByLabel('Notes').fill('Compact in 30 cm layers');
    await expectAccessible(page, 'the edit dialog', '[role="dialog"]');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'detached' });
    await order.locator('h1', { hasText: 'Backfill and compact the trench' }).waitFor();
    await untilPasses(async () =>
      expect((await admin.get(`/work-orders/${queued.body.id}`)).body).toMatchObject({
        title: 'Backfill and compact the trench',
        priority: 'emergency',
        notes: 'Compact in 30 cm layers',
        status: 'queued',
      }),
    );
    await page.screenshot({
      animations: 'disabled',
      path: screenshotPath('work-order-blocked.png'),
      fullPage: true,
    });

    await order.getByRole('button', { name: 'Cancel work order' }).click();
    const confirm = page.getByRole('dialog', { name: `Cancel ${queued.body.number}?` });
    await confirm.getByRole('button', { name: 'Keep it' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect((await admin.get(`/work-orders/${queued.body.id}`)).body.status).toBe('queued');
    await order.getByRole('button', { name: 'Cancel work order' }).click();
    await confirm.getByRole('button', { name: `Cancel ${queued.body.number}` }).click();
    await waitForText(order.getByTestId('work-order-status'), 'cancelled');
  });

  it('stacks the board on a phone, the map and the timeline still there', async () => {
    const phone = await signIn(browser, 'acme-dispatcher', PHONE, '/board');
    await phone
      .getByRole('region', { name: 'Map', exact: true })
      .getByRole('button', { name: 'Unit BX-101, dispatched' })
      .waitFor();
    await phone
      .getByRole('region', { name: 'Unit timeline' })
      .locator(`[data-testid="unit-timeline-bar"][data-work-order-id="${world.dispatched}"]`)
      .waitFor();
    await untilPasses(async () => expect(await horizontalOverflow(phone)).toEqual([]), 5_000);
    await phone.screenshot({
      animations: 'disabled',
      path: screenshotPath('board-phone.png'),
      fullPage: true,
    });
    await expectAccessible(phone, 'the board on a phone');
    await phone.context().close();
  });

  it('asked nothing of any server off this machine: the map draws without tiles', () => {
    expect(offMachine).toEqual([]);
  });
});
