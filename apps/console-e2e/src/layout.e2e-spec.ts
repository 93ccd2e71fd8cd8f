import type { ApiClient } from '@dispatch/testing';
import type { Browser, Page } from 'playwright-core';
import { expectAccessible } from './support/axe';
import { consoleUrl, launchChromium, screenshotPath, signIn } from './support/browser';
import { horizontalOverflow } from './support/overflow';
import { untilPasses, waitForText } from './support/wait';
import { adminApi, seedWorld } from './support/world';

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

/** Each screen of the console, and what shows it has its data (measured only then). */
interface Screen {
  name: string;
  path: string;
  ready: (page: Page) => Promise<unknown>;
}

/**
 * The console's layout at a dispatcher's desk (1440×900) and on a phone (390×844): every screen,
 * with its data, fits the width (nothing sticks out or is cut off sideways), the navigation folds
 * behind a burger on the phone, and the header stays on one line.
 */
describe('layout at 1440×900 and 390×844', () => {
  let browser: Browser;
  let admin: ApiClient;
  const world: Record<string, string> = {};

  beforeAll(async () => {
    admin = await adminApi();
    Object.assign(
      world,
      await seedWorld(admin, {
        site: {
          name: 'Layout Yard with a rather long name for a narrow screen',
          address: '1 Very Long Industrial Estate Access Road, Unit 14b',
          latitude: 39.8,
          longitude: -105.1,
        },
        type: { code: 'lay-telehandler', name: 'Layout telehandler' },
      }),
    );
    const order = await admin.post('/work-orders', {
      title: 'Move pallets of facade panels to the north elevation, level 12',
      siteId: world.site,
      equipmentTypeId: world.type,
      priority: 'emergency',
      notes: 'Long notes that must wrap: '.repeat(10),
      externalRef: 'SAP-LAYOUT-000000000000000000000042',
    });
    expect(order.status).toBe(201);
    world.workOrder = order.body.id;
    world.workOrderNumber = order.body.number;
    // A unit and a driver for their own pages, of a type no order asks for (nothing is dispatched).
    const records = await seedWorld(admin, {
      type: { code: 'lay-forklift', name: 'Layout forklift' },
      unit: {
        code: 'LAY-FORKLIFT-000000000042',
        name: 'Layout forklift with a rather long model name',
        latitude: 39.81,
        longitude: -105.11,
      },
      driver: {
        name: 'Layla Longname-Layoutovich the Second',
        dutyStatus: 'off_duty',
        qualifications: [],
      },
    });
    world.unit = records.unit ?? '';
    world.driver = records.driver ?? '';
    browser = await launchChromium();
  });

  afterAll(async () => {
    await admin?.post(`/work-orders/${world.workOrder}/cancel`);
    await browser?.close();
  });

  const screens: Screen[] = [
    {
      name: 'board',
      path: '/board',
      ready: async (page) => {
        await waitForText(page.locator('#queue-title .count'), /^\d+$/);
        await page
          .locator(`[data-testid="queue-item"][data-work-order="${world.workOrder}"]`)
          .waitFor();
        await page.locator('[data-testid="equipment"]').waitFor({ state: 'attached' });
      },
    },
    {
      name: 'work-order',
      path: '/work-orders/{workOrder}',
      ready: async (page) => {
        await page
          .locator('[data-testid="work-order-page"] h1', { hasText: world.workOrderNumber })
          .waitFor();
        await page.locator('[data-testid="work-order-blockers"]').waitFor();
        await page.locator('[data-testid="timeline-event"]').first().waitFor();
      },
    },
    {
      name: 'unit',
      path: '/units/{unit}',
      ready: async (page) => {
        await page.locator('[data-testid="unit-page"] h1', { hasText: 'LAY-FORKLIFT' }).waitFor();
        await waitForText(
          page.locator('[data-testid="unit-page"] [data-testid="table-range"]'),
          /of \d+$/,
        );
      },
    },
    {
      name: 'driver',
      path: '/drivers/{driver}',
      ready: async (page) => {
        await page.locator('[data-testid="driver-page"] h1', { hasText: 'Layla' }).waitFor();
        await waitForText(
          page.locator('[data-testid="driver-page"] [data-testid="table-range"]'),
          /of \d+$/,
        );
      },
    },
    {
      name: 'reports',
      path: '/reports',
      ready: async (page) => {
        await page.locator('[data-testid="completion-table"]').waitFor();
        // Each of the four reports says when it was made once its answer is there.
        await untilPasses(async () =>
          expect(await page.locator('.report__generated').count()).toBe(4),
        );
      },
    },
    {
      name: 'report-queue',
      path: '/reports/queue',
      ready: async (page) => {
        await page.locator('[data-testid="queue-table"]').waitFor();
        await page.locator('[data-testid="report-queue"] .report__generated').waitFor();
      },
    },
    {
      name: 'audit',
      path: '/audit',
      ready: (page) => page.locator('[data-testid="audit-event"]').first().waitFor(),
    },
    {
      name: 'admin-users',
      path: '/admin/users',
      ready: (page) => page.locator('[data-testid="users"] tr[data-username]').first().waitFor(),
    },
    {
      name: 'admin-drivers',
      path: '/admin/drivers',
      ready: (page) =>
        page.locator('[data-testid="admin-drivers"] tr[data-driver]').first().waitFor(),
    },
    {
      name: 'admin-equipment',
      path: '/admin/equipment',
      ready: (page) => page.getByText('Layout telehandler').first().waitFor(),
    },
    {
      name: 'admin-sites',
      path: '/admin/sites',
      ready: (page) =>
        page.locator('[data-testid="sites"] tr', { hasText: 'Layout Yard' }).waitFor(),
    },
    {
      name: 'admin-qualifications',
      path: '/admin/qualifications',
      ready: (page) => waitForText(page.getByTestId('table-range'), /of \d+$/),
    },
    {
      name: 'integrations',
      path: '/integrations',
      ready: (page) => page.locator('[data-testid="create-api-client"]').waitFor(),
    },
  ];

  /** Opens a screen and waits for its data: the address is typed, as a link sent would be. */
  async function show(page: Page, screen: Screen): Promise<void> {
    const path = screen.path
      .replace('{workOrder}', world.workOrder)
      .replace('{unit}', world.unit)
      .replace('{driver}', world.driver);
    await page.goto(new URL(path, consoleUrl()).href);
    await page.locator('[data-testid="live-state"]:has-text("Live")').waitFor();
    await screen.ready(page);
  }

  /** Nothing sticks out sideways (waited for: a dialog or a chart may still be settling). */
  async function fits(page: Page, what: string): Promise<void> {
    await untilPasses(
      async () =>
        expect({ what, overflow: await horizontalOverflow(page) }).toEqual({ what, overflow: [] }),
      5_000,
    );
  }

  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    describe(`on a ${size} (${viewport.width}×${viewport.height})`, () => {
      let page: Page;

      beforeAll(async () => {
        page = await signIn(browser, 'acme-admin', viewport);
      });

      afterAll(async () => {
        await page?.context().close();
      });

      for (const screen of screens)
        it(`fits the ${screen.name} screen, with no serious accessibility violation`, async () => {
          await show(page, screen);
          await fits(page, `${screen.name} on a ${size}`);
          await expectAccessible(page, `${screen.name} on a ${size}`);
          await page.screenshot({
            animations: 'disabled',
            path: screenshotPath(`layout-${size}-${screen.name}.png`),
            fullPage: true,
          });
        });

      it('keeps the header on one line, naming the user', async () => {
        await show(page, screens[0]);
        // Brand, tenant, live state and the user's name side by side.
        expect((await page.locator('header.topbar').boundingBox())?.height).toBeLessThanOrEqual(57);
        await waitForText(page.getByTestId('user-name'), 'Acme Admin');
      });

      it('fits the new work order form in its dialog, no field over another', async () => {
        await show(page, screens[0]);
        await page.getByRole('button', { name: 'New work order' }).click();
        const form = page.getByRole('dialog', { name: 'New work order' });
        await form.getByLabel('Title').waitFor();
        await fits(page, `the new work order dialog on a ${size}`);
        await expectAccessible(page, `the new work order dialog on a ${size}`);
        const boxes = await form.locator('.mantine-InputWrapper-root').evaluateAll((fields) =>
          fields.map((field) => {
            const box = field.getBoundingClientRect();
            return { left: box.left, right: box.right, top: box.top, bottom: box.bottom };
          }),
        );
        expect(boxes.length).toBeGreaterThanOrEqual(9);
        for (const [index, a] of boxes.entries())
          for (const b of boxes.slice(index + 1))
            expect(
              a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top,
            ).toBe(true);
        await page.screenshot({
          animations: 'disabled',
          path: screenshotPath(`layout-${size}-new-work-order.png`),
        });
        await page.keyboard.press('Escape');
        await form.waitFor({ state: 'detached' });
      });

      if (size === 'phone')
        it('folds the navigation behind a burger, whose links lead on', async () => {
          await show(page, screens[0]);
          const reports = page.getByTestId('tab-reports');
          await reports.waitFor({ state: 'hidden' });
          await page.getByRole('button', { name: 'Open the navigation' }).click();
          await reports.click();
          await page.waitForURL((url) => url.pathname === '/reports');
          await page.locator('[data-testid="completion-table"]').waitFor();
          // Chosen, the navigation folds away again.
          await page.getByRole('button', { name: 'Open the navigation' }).waitFor();
        });
    });
  }

  it('fits a driver’s phone page, with the driver’s name in the header', async () => {
    const page = await signIn(browser, 'acme-driver', PHONE);
    await page.locator('.app--phone main').waitFor();
    await page.locator('[data-testid="no-job"], [data-testid="current-job"]').first().waitFor();
    await fits(page, 'the driver page');
    await expectAccessible(page, 'the driver page');
    const header = page.locator('header.topbar');
    expect((await header.boundingBox())?.height).toBeLessThanOrEqual(57);
    await waitForText(
      page.getByTestId('user-name'),
      (text) => text !== '' && text !== 'acme-driver',
    );
    await page.screenshot({
      animations: 'disabled',
      path: screenshotPath('layout-phone-driver.png'),
      fullPage: true,
    });
    await page.context().close();
  });
});
