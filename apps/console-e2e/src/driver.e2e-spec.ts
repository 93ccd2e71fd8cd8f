import type { ApiClient } from '@dispatch/testing';
import type { Browser, Page } from 'playwright-core';
import { expectAccessible } from './support/axe';
import { consoleUrl, launchChromium, screenshotPath, signIn } from './support/browser';
import { untilPasses, waitForText } from './support/wait';
import { adminApi, seedWorld } from './support/world';

const PHONE = { width: 390, height: 844 };

/** The site the driver is sent to: a name with parentheses, which a geo: label must keep. */
const SITE = {
  name: 'North Quay (Gate 3)',
  address: '2 Wharf Road, Port of Auckland',
  latitude: -36.8406,
  longitude: 174.7679,
  contactName: 'Sam Rivera',
  contactPhone: '+64 21 555 0199',
};

/**
 * A driver's phone (390×844), in Chromium against the real API: the job with a way to navigate
 * and to call the site, every step to completion with a note (stored on the dispatch and shown on
 * the order's timeline), and going off and on duty. It runs in the globex tenant with its own demo
 * driver, so it shares no driver with the acme suites beside it.
 */
describe('a driver’s phone', () => {
  let browser: Browser;
  let admin: ApiClient;
  let driver: Page;
  /** Every request the pages sent off this machine (there must be none). */
  const offMachine: string[] = [];
  const world: Record<string, string> = {};

  beforeAll(async () => {
    admin = await adminApi('globex');
    Object.assign(
      world,
      await seedWorld(admin, {
        site: SITE,
        type: { code: 'harbour-crane', name: 'Harbour crane' },
        unit: { code: 'HC-07', name: 'Liebherr LHM 550', latitude: -36.84, longitude: 174.77 },
        driver: {
          name: 'Mere Tane',
          username: 'globex-driver',
          dutyStatus: 'on_duty',
          qualifications: [],
        },
      }),
    );
    // Due now (its window starts within the dispatch lead time): dispatched at once to Mere.
    const start = new Date(Date.now() + 10 * 60_000);
    const order = await admin.post('/work-orders', {
      title: 'Unload transformer from MV Kaitaki',
      siteId: world.site,
      equipmentTypeId: world.type,
      priority: 'urgent',
      notes: 'Report to the harbour master first',
      window: {
        start: start.toISOString(),
        end: new Date(start.getTime() + 2 * 3_600_000).toISOString(),
      },
    });
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({
      status: 'dispatched',
      dispatch: { driverId: world.driver },
    });
    world.workOrder = order.body.id;
    world.number = order.body.number;
    world.dispatch = order.body.dispatch.id;
    world.windowStart = start.toISOString();
    world.windowEnd = new Date(start.getTime() + 2 * 3_600_000).toISOString();

    browser = await launchChromium();
    driver = await signIn(browser, 'globex-driver', PHONE);
    driver.on('request', (request) => {
      const { protocol, hostname } = new URL(request.url());
      if (
        (protocol === 'http:' || protocol === 'https:') &&
        !['localhost', '127.0.0.1'].includes(hostname)
      )
        offMachine.push(request.url());
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the job: order, site, window, and links to navigate to and call the site', async () => {
    const job = driver.locator(`[data-testid="current-job"][data-status="assigned"]`);
    await job.waitFor();
    await waitForText(job.getByTestId('job-number'), world.number);
    await waitForText(job.locator('h1'), 'Unload transformer from MV Kaitaki');
    await waitForText(job.getByTestId('site-name'), SITE.name);
    await waitForText(job.getByTestId('site-address'), SITE.address);
    // The window in the phone's own time zone and words, as the phone itself writes the range.
    const plain = (text: string) => text.replace(/[\u2009\u202f]/g, ' ');
    const range = plain(
      await driver.evaluate(
        ([from, to]) =>
          new Intl.DateTimeFormat(undefined, {
            dateStyle: 'medium',
            timeStyle: 'short',
          }).formatRange(new Date(from), new Date(to)),
        [world.windowStart, world.windowEnd],
      ),
    );
    await waitForText(job.getByTestId('job-window'), (text) => plain(text) === `When: ${range}`);

    // Navigate: the geo: URI of the site's coordinates, labelled with its name.
    const geo = 'geo:-36.8406,174.7679?q=-36.8406,174.7679(North%20Quay%20%28Gate%203%29)';
    await untilPasses(async () =>
      expect(await job.getByRole('link', { name: 'Navigate' }).getAttribute('href')).toBe(geo),
    );
    // Without a navigation app, the same destination on the web: a link only, nothing loaded.
    expect(await job.getByTestId('web-maps').getAttribute('href')).toBe(
      'https://www.google.com/maps/dir/?api=1&destination=-36.8406%2C174.7679',
    );
    // Call the site's contact.
    expect(await job.getByTestId('call-site').getAttribute('href')).toBe('tel:+64215550199');
    await waitForText(job.getByTestId('site-contact'), 'Contact: Sam Rivera, +64 21 555 0199');
  });

  it('names the driver in a one-line header, and keeps duty on while on the job, saying why', async () => {
    await waitForText(driver.getByTestId('user-name'), 'Mere Tane');
    expect((await driver.locator('header.topbar').boundingBox())?.height).toBeLessThanOrEqual(57);
    const duty = driver.getByRole('switch', { name: 'On duty' });
    await untilPasses(async () => {
      expect(await duty.isChecked()).toBe(true);
      expect(await duty.isDisabled()).toBe(true);
    });
    await driver.getByText('You are on a job: complete it before going off duty.').waitFor();
    await driver.screenshot({
      animations: 'disabled',
      path: screenshotPath('driver-phone.png'),
      fullPage: true,
    });
  });

  it('takes the job to completion with a note, stored on the dispatch and shown on its timeline', async () => {
    for (const step of ['acknowledged', 'en_route', 'on_site']) {
      await driver.getByTestId('next-step').click();
      await driver.locator(`[data-testid="current-job"][data-status="${step}"]`).waitFor();
    }
    // Completing asks first, with room for a note.
    await waitForText(driver.getByTestId('next-step'), 'Complete job');
    await driver.getByTestId('next-step').click();
    const dialog = driver.getByRole('dialog', { name: 'Complete the job?' });
    await waitForText(
      dialog.getByText(`${world.number} · Unload transformer from MV Kaitaki`),
      `${world.number} · Unload transformer from MV Kaitaki`,
    );
    const note = 'Transformer on berth 4; harbour master signed the delivery sheet.';
    await dialog.getByLabel('Note for the office (optional)').fill(`  ${note}  `);
    await driver.screenshot({
      animations: 'disabled',
      path: screenshotPath('driver-phone-complete.png'),
    });
    await expectAccessible(driver, 'the complete-job dialog');
    await dialog.getByRole('button', { name: 'Complete job' }).click();
    await dialog.waitFor({ state: 'detached' });
    await driver.getByTestId('no-job').waitFor();

    // Stored on the dispatch, trimmed, and in the order's story.
    const dispatch = await admin.get(`/dispatches/${world.dispatch}`);
    expect(dispatch.body).toMatchObject({ status: 'completed', completionNote: note });
    const timeline = await admin.get(`/work-orders/${world.workOrder}/timeline`);
    expect(
      (timeline.body as { action: string; event: { payload: { note?: string } } | null }[]).find(
        (entry) => entry.action === 'dispatch.completed',
      )?.event?.payload.note,
    ).toBe(note);

    // The driver's history says which job, where, when, and the note.
    const done = driver.locator(`[data-testid="history-item"][data-dispatch="${world.dispatch}"]`);
    await waitForText(done, (text) =>
      [world.number, SITE.name, 'Completed', 'Assigned', note].every((part) => text.includes(part)),
    );

    // A dispatcher reads the note on the work order's page.
    const dispatcher = await signIn(browser, 'globex-dispatcher', { width: 1440, height: 900 });
    await dispatcher.goto(new URL(`/work-orders/${world.workOrder}`, consoleUrl()).href);
    await waitForText(
      dispatcher.locator(
        '[data-testid="timeline-event"][data-action="dispatch.completed"] [data-testid="timeline-sentence"]',
      ),
      `Job completed by Mere Tane (HC-07), noting “${note}”`,
    );
    await dispatcher.context().close();
  });

  it('goes off duty and back on with the switch', async () => {
    const duty = driver.getByRole('switch', { name: 'On duty' });
    await untilPasses(async () => expect(await duty.isDisabled()).toBe(false));
    await duty.click();
    await untilPasses(async () => expect(await duty.isChecked()).toBe(false));
    await driver.getByText('Off duty: you get no jobs until you go on duty.').waitFor();
    await untilPasses(async () =>
      expect((await admin.get(`/drivers/${world.driver}`)).body.dutyStatus).toBe('off_duty'),
    );
    await duty.click();
    await untilPasses(async () => expect(await duty.isChecked()).toBe(true));
    await untilPasses(async () =>
      expect((await admin.get(`/drivers/${world.driver}`)).body.dutyStatus).toBe('on_duty'),
    );
  });

  it('sent nothing off this machine: navigation and maps are links, not loaded', () => {
    expect(offMachine).toEqual([]);
  });
});
