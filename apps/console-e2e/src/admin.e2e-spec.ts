import { randomUUID } from 'node:crypto';
import { provisionTenant } from '@dispatch/domain';
import { type ApiClient, createdId, KeycloakAdmin } from '@dispatch/testing';
import { adminApi } from './support/world';
import dayjs from 'dayjs';
import type { Browser, Locator, Page } from 'playwright-core';
import { consoleUrl, launchChromium, screenshotPath, signIn } from './support/browser';
import { chooseOption } from './support/select';
import { untilPasses, waitForText } from './support/wait';

const DESKTOP = { width: 1440, height: 900 };
const DAY = 'YYYY-MM-DD';

interface HeldQualification {
  qualificationId: string;
  code: string;
  expiresAt: string;
}

/**
 * The admin editors in Chromium against the real API, PostgreSQL and Keycloak: a driver's
 * qualifications added, renewed until a day picked in the calendar and removed, each asked first;
 * a unit edited and retired; a site placed with a click on its map (no request off the machine);
 * the last admin of an organization refused a demotion in the console, as the API refuses it; a
 * unit's and a driver's pages opened from a link. Its records carry an `adm` prefix, so they meet
 * no other suite's.
 */
describe('admin editors', () => {
  let browser: Browser;
  let admin: ApiClient;
  let page: Page;
  /** Every request the admin's pages sent off this machine (there must be none). */
  const offMachine: string[] = [];
  const world: Record<string, string> = {};
  const rigging = { code: 'adm-rigging', expiresAt: dayjs().add(10, 'day').format(DAY) };

  beforeAll(async () => {
    admin = await adminApi();
    world.rigging = await createdId(
      admin.post('/qualifications', { code: rigging.code, name: 'Crane rigging, admin suite' }),
    );
    world.night = await createdId(
      admin.post('/qualifications', { code: 'adm-night', name: 'Night work, admin suite' }),
    );
    world.site = await createdId(
      admin.post('/sites', {
        name: 'Admin Suite Yard',
        address: '8 Ledger Lane',
        latitude: 39.74,
        longitude: -104.99,
      }),
    );
    // Only the suite's driver holds rigging: the engine sends them, not another suite's driver.
    world.type = await createdId(
      admin.post('/equipment-types', {
        code: 'adm-crane',
        name: 'Admin suite crane',
        requiredQualificationIds: [world.rigging],
      }),
    );
    world.unit = await createdId(
      admin.post('/equipment', {
        code: 'ADM-001',
        name: 'Tadano GR-1000',
        equipmentTypeId: world.type,
        latitude: 39.73,
        longitude: -104.98,
      }),
    );
    world.driver = await createdId(
      admin.post('/drivers', {
        name: 'Adele Adminova',
        phone: '+1 303 555 0100',
        dutyStatus: 'on_duty',
        qualifications: [{ qualificationId: world.rigging, expiresAt: rigging.expiresAt }],
      }),
    );
    const order = await admin.post('/work-orders', {
      title: 'Lift rooftop chiller for the admin suite',
      siteId: world.site,
      equipmentTypeId: world.type,
      priority: 'standard',
    });
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({
      status: 'dispatched',
      dispatch: { driverId: world.driver },
    });
    world.workOrder = order.body.id;
    world.number = order.body.number;
    // A second unit, made after the dispatch so the first is the one sent: this one is edited.
    world.spare = await createdId(
      admin.post('/equipment', {
        code: 'ADM-002',
        name: 'Spare crane',
        equipmentTypeId: world.type,
      }),
    );

    browser = await launchChromium();
    page = await signIn(browser, 'acme-admin', DESKTOP);
    page.on('request', (request) => {
      const { protocol, hostname } = new URL(request.url());
      if (
        (protocol === 'http:' || protocol === 'https:') &&
        !['localhost', '127.0.0.1'].includes(hostname)
      )
        offMachine.push(request.url());
    });
  });

  afterAll(async () => {
    await admin?.post(`/work-orders/${world.workOrder}/cancel`);
    await page?.context().close();
    await browser?.close();
  });

  const open = async (path: string) => {
    await page.goto(new URL(path, consoleUrl()).href);
    await page.locator('[data-testid="live-state"]:has-text("Live")').waitFor();
  };

  const heldOf = async (driverId: string): Promise<HeldQualification[]> =>
    (await admin.get(`/drivers/${driverId}`)).body.qualifications as HeldQualification[];

  it('adds a second qualification to a driver, renews one until a day picked, and removes one, each asked first', async () => {
    await open('/admin/drivers');
    const drivers = page.getByRole('table', { name: 'Drivers' });
    // Found through the API's search, not a list cut at 200 rows.
    await page.getByRole('searchbox', { name: 'Search' }).fill('Adminova');
    const row = drivers.locator(`tr[data-driver="${world.driver}"]`);
    await row.locator('text=adm-rigging').waitFor();
    await waitForText(page.getByTestId('table-range'), '1–1 of 1');
    await page.screenshot({
      animations: 'disabled',
      path: screenshotPath('admin-drivers.png'),
      fullPage: true,
    });

    await row.getByRole('button', { name: 'Edit Adele Adminova' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit Adele Adminova' });
    const held = dialog.getByRole('table', { name: 'Qualifications of Adele Adminova' });
    await held.locator('tr[data-code="adm-rigging"]').waitFor();

    // Add: a second qualification, valid a year from today (the date offered).
    const adding = dialog.getByTestId('add-qualification');
    await chooseOption(adding, 'Add a qualification', /^adm-night/);
    await adding.getByRole('button', { name: 'Add' }).click();
    await held.locator('tr[data-code="adm-night"]').waitFor();
    await untilPasses(async () =>
      expect((await heldOf(world.driver)).map((entry) => entry.code).sort()).toEqual([
        'adm-night',
        'adm-rigging',
      ]),
    );

    // Renew: until the 15th of the month the calendar opens at (a year after it runs out).
    await held.getByRole('button', { name: 'Renew adm-rigging' }).click();
    const renew = page.getByRole('dialog', { name: 'Renew adm-rigging of Adele Adminova?' });
    const offered = dayjs(rigging.expiresAt).add(1, 'year');
    const picked = offered.date(15);
    await renew.getByLabel('Valid until').click();
    await page.getByRole('button', { name: picked.format('D MMMM YYYY'), exact: true }).click();
    const confirm = renew.getByRole('button', {
      name: `Renew until ${picked.format('D MMM YYYY')}`,
    });
    await confirm.click();
    await renew.waitFor({ state: 'detached' });
    await waitForText(
      held.locator('tr[data-code="adm-rigging"] [data-testid="held-expiry"]'),
      picked.format('D MMM YYYY'),
    );
    await untilPasses(async () =>
      expect(
        (await heldOf(world.driver)).find((entry) => entry.code === 'adm-rigging')?.expiresAt,
      ).toBe(picked.format(DAY)),
    );
    await page.screenshot({
      animations: 'disabled',
      path: screenshotPath('admin-driver-dialog.png'),
      fullPage: true,
    });

    // Remove: asked first, then gone from the dialog and from the API.
    await held.getByRole('button', { name: 'Remove adm-night' }).click();
    const remove = page.getByRole('dialog', { name: 'Remove adm-night from Adele Adminova?' });
    await remove.getByRole('button', { name: 'Remove qualification' }).click();
    await remove.waitFor({ state: 'detached' });
    await held.locator('tr[data-code="adm-night"]').waitFor({ state: 'detached' });
    await untilPasses(async () =>
      expect((await heldOf(world.driver)).map((entry) => entry.code)).toEqual(['adm-rigging']),
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    // The list shows the renewed day too.
    await row.locator(`text=adm-rigging · ${picked.format(DAY)}`).waitFor();
  });

  it('pages a list through the API, past its first page, and sorts the whole list', async () => {
    for (let index = 1; index <= 27; index += 1)
      await createdId(
        admin.post('/qualifications', {
          code: `adm-page-${String(index).padStart(2, '0')}`,
          name: `Paged qualification ${index}`,
        }),
      );
    await open('/admin/qualifications');
    await page.getByRole('searchbox', { name: 'Search' }).fill('adm-page');
    const range = page.getByTestId('table-range');
    await waitForText(range, '1–25 of 27');
    await page.getByRole('button', { name: 'Page 2' }).click();
    await waitForText(range, '26–27 of 27');
    const table = page.getByRole('table', { name: 'Qualifications' });
    await table.locator('tr', { hasText: 'adm-page-27' }).waitFor();

    // Turned round by its header, the whole list runs from its last code: back on page one.
    const code = table.getByRole('columnheader', { name: /Code/ });
    await untilPasses(async () => expect(await code.getAttribute('aria-sort')).toBe('ascending'));
    await code.getByRole('button').click();
    await untilPasses(async () => expect(await code.getAttribute('aria-sort')).toBe('descending'));
    await waitForText(range, '1–25 of 27');
    await untilPasses(async () =>
      expect(await table.locator('tbody tr td:first-child').first().textContent()).toBe(
        'adm-page-27',
      ),
    );
    await page.getByRole('button', { name: 'Page 2' }).click();
    await waitForText(range, '26–27 of 27');
    await untilPasses(async () =>
      expect(await table.locator('tbody tr td:first-child').allTextContents()).toEqual([
        'adm-page-02',
        'adm-page-01',
      ]),
    );
  });

  it('edits a unit (name and status in one dialog) and retires it after asking', async () => {
    await open('/admin/equipment');
    const units = page.getByRole('table', { name: 'Units' });
    await page.getByRole('searchbox', { name: 'Search' }).first().fill('ADM-00');
    const spare = units.locator('tr[data-code="ADM-002"]');
    await spare.waitFor();
    await spare.getByRole('button', { name: 'Edit ADM-002' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit ADM-002' });
    await dialog.getByLabel('Name').fill('Spare crane, rebuilt boom');
    await chooseOption(dialog, 'Status', 'In maintenance');
    await dialog.getByRole('button', { name: 'Save unit' }).click();
    await dialog.waitFor({ state: 'detached' });
    await spare.locator('text=Spare crane, rebuilt boom').waitFor();
    await spare.locator('text=In maintenance').waitFor();
    await untilPasses(async () =>
      expect((await admin.get(`/equipment/${world.spare}`)).body).toMatchObject({
        name: 'Spare crane, rebuilt boom',
        status: 'maintenance',
      }),
    );
    // The dispatched unit's status is the dispatch's: its editor does not offer to change it.
    const sent = units.locator('tr[data-code="ADM-001"]');
    await sent.getByRole('button', { name: 'Edit ADM-001' }).click();
    const sentDialog = page.getByRole('dialog', { name: 'Edit ADM-001' });
    await sentDialog.getByText('On a dispatch: its status follows the job').waitFor();
    await sentDialog.getByRole('button', { name: 'Cancel' }).click();
    await sentDialog.waitFor({ state: 'detached' });

    await spare.getByRole('button', { name: 'Retire ADM-002' }).click();
    const retire = page.getByRole('dialog', { name: 'Retire ADM-002?' });
    await retire.getByRole('button', { name: 'Retire unit' }).click();
    await retire.waitFor({ state: 'detached' });
    await spare.locator('text=Retired').waitFor();
    await untilPasses(async () =>
      expect((await admin.get(`/equipment/${world.spare}`)).body.status).toBe('retired'),
    );
  });

  it('places a new site with a click on its map, and asks nothing of any server off the machine', async () => {
    await open('/admin/sites');
    await page.getByRole('button', { name: 'Add site' }).click();
    const dialog = page.getByRole('dialog', { name: 'New site' });
    await dialog.getByLabel('Name').fill('Map Placed Depot');
    await dialog.getByLabel('Address').fill('1 Clicked Street');
    const map = dialog.getByRole('region', { name: 'Site on the map' });
    await map.waitFor();
    const box = await untilPasses(async () => {
      const measured = await map.boundingBox();
      expect(measured?.height).toBeGreaterThan(100);
      return measured;
    });
    if (!box) throw new Error('the map has no box');
    await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.4);
    // The click fills both coordinates and puts the site's marker there.
    const latitude = dialog.getByRole('textbox', { name: 'Latitude' });
    const longitude = dialog.getByRole('textbox', { name: 'Longitude' });
    const place = await untilPasses(async () => {
      const values = [Number(await latitude.inputValue()), Number(await longitude.inputValue())];
      expect(values.every((value) => Number.isFinite(value) && value !== 0)).toBe(true);
      return values;
    });
    await map.locator('path.site-map__place').waitFor();
    await page.screenshot({
      animations: 'disabled',
      path: screenshotPath('admin-site-map.png'),
      fullPage: true,
    });
    await dialog.getByRole('button', { name: 'Add site' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page
      .getByRole('table', { name: 'Sites' })
      .locator('tr', { hasText: 'Map Placed Depot' })
      .waitFor();
    const saved = await untilPasses(async () => {
      const found = (await admin.get('/sites?q=Map%20Placed%20Depot')).body.items;
      expect(found).toHaveLength(1);
      return found[0] as { latitude: number; longitude: number };
    });
    expect([saved.latitude, saved.longitude]).toEqual(place);
    expect(offMachine).toEqual([]);
  });

  it('opens a unit’s and a driver’s pages from a link, with their current dispatch', async () => {
    const dispatcher = await signIn(browser, 'acme-dispatcher', DESKTOP, `/units/${world.unit}`);
    const unit = dispatcher.getByTestId('unit-page');
    await unit.locator('h1', { hasText: 'ADM-001 · Tadano GR-1000' }).waitFor();
    await waitForText(unit.getByTestId('unit-status'), 'Dispatched');
    const current = unit
      .getByTestId('unit-current')
      .getByRole('link', { name: new RegExp(world.number) });
    await current.waitFor();
    await unit.getByTestId('record-dispatches').locator('tr[data-status="assigned"]').waitFor();
    await dispatcher.screenshot({
      animations: 'disabled',
      path: screenshotPath('unit-page.png'),
      fullPage: true,
    });
    await current.click();
    await dispatcher.waitForURL(new RegExp(`/work-orders/${world.workOrder}$`));

    await dispatcher.goto(new URL(`/drivers/${world.driver}`, consoleUrl()).href);
    const driver = dispatcher.getByTestId('driver-page');
    await driver.locator('h1', { hasText: 'Adele Adminova' }).waitFor();
    await waitForText(driver.getByTestId('driver-duty'), 'On duty');
    await driver.getByTestId('driver-qualifications').locator('text=adm-rigging').waitFor();
    await driver
      .getByTestId('driver-current')
      .getByRole('link', { name: new RegExp(world.number) })
      .waitFor();
    await dispatcher.screenshot({
      animations: 'disabled',
      path: screenshotPath('driver-page.png'),
      fullPage: true,
    });
    await dispatcher.context().close();

    // An admin edits the unit from its page, in the same dialog as on the admin page.
    await open(`/units/${world.unit}`);
    await page.getByRole('button', { name: 'Edit unit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit ADM-001' });
    await dialog.getByLabel('Code').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  describe('in an organization with one admin', () => {
    const tenant = `adm-solo-${randomUUID().slice(0, 8)}`;
    const username = `${tenant}-admin`;
    let solo: Page;

    beforeAll(async () => {
      const database = process.env.E2E_DATABASE_URL;
      if (!database) throw new Error('E2E_DATABASE_URL is not set');
      await provisionTenant({ url: database }, { slug: tenant, name: 'Solo Admin Ltd' });
      await (await KeycloakAdmin.connect()).createUser(username, tenant, 'admin');
      solo = await signIn(browser, username, DESKTOP, '/admin/users');
    });

    afterAll(async () => {
      await solo?.context().close();
      const keycloak = await KeycloakAdmin.connect();
      const [user] = (await (
        await keycloak.request('GET', `/users?exact=true&username=${encodeURIComponent(username)}`)
      ).json()) as { id: string }[];
      if (user) await keycloak.request('DELETE', `/users/${user.id}`);
    });

    /** The question a change asks, confirmed: the API's refusal is shown in it, in words. */
    async function refused(question: Locator, confirmLabel: string): Promise<void> {
      await question.getByRole('button', { name: confirmLabel }).click();
      await waitForText(question.getByRole('alert'), (text) =>
        text.includes(`${username} is the organization's last enabled admin`),
      );
    }

    it('refuses to demote or disable the last admin, and says why', async () => {
      const row = solo.locator(`[data-testid="users"] tr[data-username="${username}"]`);
      await row.waitFor();
      await chooseOption(solo, `Role of ${username}`, 'Viewer');
      const demote = solo.getByRole('dialog', { name: `Make ${username} viewer?` });
      await refused(demote, 'Make viewer');
      await solo.screenshot({
        animations: 'disabled',
        path: screenshotPath('admin-users.png'),
        fullPage: true,
      });
      await demote.getByRole('button', { name: 'Cancel' }).click();
      await demote.waitFor({ state: 'detached' });

      await row.getByRole('button', { name: 'Disable' }).click();
      const disable = solo.getByRole('dialog', { name: `Disable ${username}?` });
      await refused(disable, 'Disable user');
      await disable.getByRole('button', { name: 'Cancel' }).click();
      await disable.waitFor({ state: 'detached' });
      // Still the admin, still enabled: the select shows the role Keycloak holds.
      await untilPasses(async () =>
        expect(await row.getByRole('combobox', { name: `Role of ${username}` }).inputValue()).toBe(
          'Admin',
        ),
      );
      await row.locator('text=Active').waitFor();
    });

    it('renames a user and changes their email in a dialog, the login kept', async () => {
      const row = solo.locator(`[data-testid="users"] tr[data-username="${username}"]`);
      await row.getByRole('button', { name: `Edit ${username}` }).click();
      const dialog = solo.getByRole('dialog', { name: `Edit ${username}` });
      await dialog.getByLabel('First name').fill('Soledad');
      await dialog.getByLabel('Last name').fill('Ortega');
      await dialog.getByLabel('Email').fill(`soledad@${tenant}.example`);
      await dialog.getByRole('button', { name: 'Save user' }).click();
      await dialog.waitFor({ state: 'detached' });
      await row.locator('td', { hasText: 'Soledad Ortega' }).waitFor();
      const keycloak = await KeycloakAdmin.connect();
      await untilPasses(async () => {
        const [user] = (await (
          await keycloak.request(
            'GET',
            `/users?exact=true&username=${encodeURIComponent(username)}`,
          )
        ).json()) as { firstName: string; lastName: string; email: string; username: string }[];
        expect(user).toMatchObject({
          firstName: 'Soledad',
          lastName: 'Ortega',
          email: `soledad@${tenant}.example`,
          username,
        });
      });
    });
  });
});
