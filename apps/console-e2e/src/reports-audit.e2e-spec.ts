import { type ApiClient, createdId } from '@dispatch/testing';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import type { Browser, Download, Page } from 'playwright-core';
import { consoleUrl, launchChromium, screenshotPath, signIn } from './support/browser';
import { chooseOption } from './support/select';
import { untilPasses, waitForText } from './support/wait';
import { adminApi, seedWorld } from './support/world';

/** Today's date in a time zone, as the reports count days. */
function todayIn(timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());
}

function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

/** Clicks what starts a download and reads the file the browser saved. */
async function download(
  page: Page,
  click: () => Promise<void>,
): Promise<{ file: Download; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), click()]);
  const saved = await file.path();
  return { file, text: readFileSync(saved, 'utf8') };
}

/** The steps a dispatch takes after it is assigned, in order. */
const STEPS = ['acknowledged', 'en_route', 'on_site', 'completed'] as const;

/**
 * Reports, the audit explorer and the work order timeline, in Chromium against the real API. The
 * data lives apart from the other suite's (its own qualification, type, unit and driver), so the two
 * may run side by side: no order of theirs fits this unit, and their driver lacks the qualification.
 */
describe('reports, audit trail and timeline in Chromium', () => {
  let browser: Browser;
  let admin: ApiClient;
  const world: Record<string, string> = {};

  beforeAll(async () => {
    admin = await adminApi();
    world.qualification = await createdId(
      admin.post('/qualifications', { code: 'tower-rigging', name: 'Tower crane rigging' }),
    );
    Object.assign(
      world,
      await seedWorld(admin, {
        site: {
          name: 'North Quarry',
          address: '12 Quarry Lane',
          latitude: 39.9,
          longitude: -105.2,
        },
        type: {
          code: 'tower-crane',
          name: 'Tower crane',
          requiredQualificationIds: [world.qualification],
        },
        unit: { code: 'TC-001', name: 'Liebherr 172 EC-B', latitude: 39.9, longitude: -105.2 },
        driver: {
          name: 'Rita Rigger',
          dutyStatus: 'on_duty',
          qualifications: [{ qualificationId: world.qualification, expiresAt: '2099-12-31' }],
        },
      }),
    );
    // The order every test follows: the first watches it dispatched and completed live.
    const order = await admin.post('/work-orders', {
      title: 'Lift roof trusses',
      siteId: world.site,
      equipmentTypeId: world.type,
      priority: 'urgent',
    });
    expect(order.status).toBe(201);
    expect(order.body.status).toBe('dispatched');
    world.workOrder = order.body.id;
    world.workOrderNumber = order.body.number;
    world.dispatch = order.body.dispatch.id;
    browser = await launchChromium();
  });

  /**
   * Takes the order's dispatch through the steps it has not taken yet. The first test takes them
   * while it watches; the reports and the audit trail need the order completed even when that test
   * stopped early, or they would wait for a completion that never comes and fail in its place.
   */
  async function completeTheOrder(): Promise<void> {
    const dispatch = await admin.get(`/dispatches/${world.dispatch}`);
    expect(dispatch.status).toBe(200);
    const taken = STEPS.indexOf(dispatch.body.status);
    for (const to of STEPS.slice(taken + 1)) {
      const step = await admin.post(`/dispatches/${world.dispatch}/transitions`, { to });
      expect(step.status).toBe(200);
    }
  }

  afterAll(async () => {
    await browser?.close();
  });

  it('shows a dispatcher an order’s page from the board, its timeline growing live with each step', async () => {
    const page = await signIn(browser, 'acme-dispatcher');
    // The tabs come in one render: once the reports' is there, the audit trail's would be too.
    await page.locator('[data-testid="tab-reports"]').waitFor();
    expect(await page.locator('[data-testid="tab-audit"]').count()).toBe(0);
    const card = page.locator(
      `[data-testid="dispatch-card"][data-work-order="${world.workOrder}"]`,
    );
    await card
      .locator(`[data-testid="open-timeline"]:has-text("${world.workOrderNumber}")`)
      .click();
    // The order has its own address, to be sent to a colleague.
    await page.waitForURL((url) => url.pathname === `/work-orders/${world.workOrder}`);
    const order = page.locator('[data-testid="work-order-page"]');
    const timeline = order.locator('[data-testid="timeline"]');
    await timeline.locator('[data-action="dispatch.assigned"]').waitFor();
    // The heading comes from the order's own query, which may answer after the timeline's.
    await order
      .locator('h1', { hasText: `${world.workOrderNumber} · Lift roof trusses` })
      .waitFor();
    // Each line a sentence with codes and names; the order itself is not named again on its page.
    const sentence = (action: string) =>
      timeline.locator(`[data-action="${action}"] [data-testid="timeline-sentence"]`);
    await waitForText(
      sentence('dispatch.assigned'),
      /^TC-001 and Rita Rigger dispatched by the engine: nearest unit, \d+(\.\d)? km$/,
    );
    await order.locator('[data-testid="work-order-facts"]', { hasText: 'North Quarry' }).waitFor();

    for (const to of STEPS) {
      const step = await admin.post(`/dispatches/${world.dispatch}/transitions`, { to });
      expect(step.status).toBe(200);
    }
    await timeline.locator('[data-action="work_order.completed"]').waitFor({ timeout: 5_000 });
    // The live events may land before the refetched story settles: the whole list is waited for.
    await untilPasses(async () =>
      expect(
        await timeline
          .locator('[data-testid="timeline-event"]')
          .evaluateAll((items) => items.map((item) => item.getAttribute('data-action'))),
      ).toEqual([
        'work_order.created',
        'dispatch.assigned',
        'dispatch.acknowledged',
        'dispatch.en_route',
        'dispatch.on_site',
        'dispatch.completed',
        'work_order.completed',
      ]),
    );
    // Told from the typed events, in words: no raw status values, ids or ISO times.
    await waitForText(
      sentence('dispatch.on_site'),
      (text) => text.includes('On site') && !text.includes('en_route'),
    );
    await waitForText(
      sentence('work_order.created'),
      'Work order created by acme-admin: “Lift roof trusses”, urgent, Tower crane at North Quarry',
    );
    await waitForText(
      sentence('dispatch.acknowledged'),
      'Acknowledged by acme-admin for Rita Rigger (TC-001)',
    );
    await waitForText(
      sentence('dispatch.completed'),
      'Job completed by acme-admin for Rita Rigger (TC-001)',
    );
    await waitForText(sentence('work_order.completed'), 'Work order completed');
    await untilPasses(async () =>
      expect(
        (await timeline.locator('[data-testid="timeline-sentence"]').allTextContents()).filter(
          (text) => /[0-9a-f]{8}-[0-9a-f]{4}|\d{4}-\d{2}-\d{2}T|[a-z]+_[a-z]+|[{}]/.test(text),
        ),
      ).toEqual([]),
    );
    // The raw record is one click away, for auditors.
    const assigned = timeline.locator('[data-action="dispatch.assigned"]');
    const raw = assigned.locator('[data-testid="timeline-raw"] pre');
    await raw.waitFor({ state: 'hidden' });
    await assigned.getByText('Show raw').click();
    await raw.waitFor();
    await waitForText(
      raw,
      (text) =>
        JSON.parse(text).action === 'dispatch.assigned' &&
        JSON.parse(text).event?.payload?.unit?.code === 'TC-001',
    );
    await order.locator('[data-testid="work-order-status"]:has-text("completed")').waitFor();
    await page.screenshot({
      animations: 'disabled',
      path: screenshotPath('timeline.png'),
      fullPage: false,
    });

    // Finished work leaves the board's columns; its story stays a search away.
    await page.getByTestId('tab-board').click();
    await order.waitFor({ state: 'detached' });
    await page.locator('input[name="findWorkOrder"]').fill(world.workOrderNumber);
    await page
      .locator(`[data-testid="work-orders"] [data-timeline-for="${world.workOrder}"]`)
      .click();
    await timeline.locator('[data-action="work_order.completed"]').waitFor();

    // Dispatchers read reports too.
    await page.locator('[data-testid="tab-reports"]').click();
    await page.locator('[data-testid="completion-table"]').waitFor();
    await page.context().close();
  });

  it('lets a viewer read the reports over a range with the test’s own work, and download them', async () => {
    await completeTheOrder();
    const page = await signIn(browser, 'acme-viewer');
    await page.locator('[data-testid="tab-reports"]').click();
    const timeZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    const today = todayIn(timeZone);
    const filters = page.locator('[data-testid="report-filters"]');
    const value = (name: string) => filters.locator(`[name="${name}"]`).inputValue();
    await untilPasses(async () => expect(await value('timeZone')).toBe(timeZone));
    await chooseOption(filters, 'Equipment type', 'Tower crane (tower-crane)');
    await untilPasses(async () => expect(await value('equipmentType')).toBe(world.type));
    await filters.getByRole('button', { name: 'Last 7 days' }).click();
    await untilPasses(async () =>
      expect([await value('from'), await value('to')]).toEqual([daysBefore(today, 6), today]),
    );

    const completion = page.locator('[data-testid="report-completion"]');
    const todayRow = completion.locator(`[data-testid="completion-table"] tr[data-day="${today}"]`);
    await todayRow.waitFor();
    // Each cell is waited for: the table may still show an earlier answer for a moment.
    const cell = (column: string, value: string) =>
      todayRow.locator(`[data-column="${column}"]:text-is("${value}")`).waitFor();
    await cell('created', '1');
    await cell('dispatched', '1');
    await cell('completed', '1');
    await cell('cancelled', '0');
    await completion.locator('.recharts-wrapper svg.recharts-surface').first().waitFor();
    // Bars are drawn after the chart's frame: at least one is waited for.
    await completion.locator('.recharts-bar-rectangle').first().waitFor();

    const utilization = page.locator('[data-testid="utilization-table"]');
    await utilization.locator('td:has-text("TC-001")').waitFor();
    await page
      .locator('[data-testid="report-utilization"] .recharts-wrapper svg.recharts-surface')
      .first()
      .waitFor();
    const drivers = page.locator('[data-testid="drivers-table"]');
    await drivers.locator('th:has-text("Rita Rigger")').waitFor();
    await untilPasses(async () =>
      expect(await drivers.locator('tr:has-text("Rita Rigger") td').allTextContents()).toEqual([
        '1',
        '1',
        expect.stringMatching(/ h$/),
      ]),
    );
    await page.locator('[data-testid="queue-table"] tr[data-priority="urgent"]').waitFor();

    const csv = await download(page, () =>
      page.locator('[data-testid="download-completion"]').click(),
    );
    expect(csv.file.suggestedFilename()).toBe(`completion-${daysBefore(today, 6)}-to-${today}.csv`);
    const lines = csv.text.trim().split(/\r?\n/);
    expect(lines[0]).toBe(
      'day,created,dispatched,completed,cancelled,toDispatchMedianMinutes,toDispatchP90Minutes,toOnSiteMedianMinutes,toOnSiteP90Minutes,toCompletionMedianMinutes,toCompletionP90Minutes,windowsClosed,onTime,onTimeRate',
    );
    expect(lines).toHaveLength(1 + 7 + 1); // header, every day of the range, the total
    expect(lines.find((line) => line.startsWith(`${today},`))).toMatch(
      new RegExp(`^${today},1,1,1,0,`),
    );

    // A range the API would refuse is explained instead of asked for.
    await filters.locator('input[name="from"]').fill(daysBefore(today, -1));
    await waitForText(
      page.locator('[data-testid="range-problem"]'),
      'The range ends before it begins.',
    );
    await filters.getByRole('button', { name: 'Last 7 days' }).click();
    await todayRow.waitFor();
    await page.screenshot({
      animations: 'disabled',
      path: screenshotPath('reports.png'),
      fullPage: true,
    });

    // One report at its own address; the filters stay as they were set.
    await page.getByTestId('nav-report-completion').click();
    await page.waitForURL((url) => url.pathname === '/reports/completion');
    await page.locator('[data-testid="report-utilization"]').waitFor({ state: 'detached' });
    await untilPasses(async () =>
      expect([await value('equipmentType'), await value('from'), await value('to')]).toEqual([
        world.type,
        daysBefore(today, 6),
        today,
      ]),
    );
    await cell('completed', '1');
    await page.context().close();
  });

  it('lets a viewer explore the audit trail by entity, page back, open changes and export CSV', async () => {
    await completeTheOrder();
    const page = await signIn(browser, 'acme-viewer');
    await page.locator('[data-testid="tab-audit"]').click();
    await page.locator('[data-testid="audit-verify"][data-intact="true"]').waitFor();

    const form = page.locator('[data-testid="audit-filters"]');
    await form.locator('input[name="entityId"]').fill(world.workOrder);
    await form.locator('input[name="pageSize"]').fill('1');
    await form.getByRole('button', { name: 'Search' }).click();
    const rows = page.locator('[data-testid="audit-event"]');
    // The count tells the searched page from the unfiltered one shown before: one row a page.
    const count = page.locator('[data-testid="audit-count"]');
    await waitForText(count, '1 event, older ones available');
    await page.locator('[data-testid="audit-event"][data-action="work_order.completed"]').waitFor();
    await page.locator('[data-testid="load-older"]').click();
    await waitForText(count, '2 events');
    await page.locator('[data-testid="audit-event"][data-action="work_order.created"]').waitFor();
    await untilPasses(async () =>
      expect(
        await rows.evaluateAll((items) => items.map((item) => item.getAttribute('data-action'))),
      ).toEqual(['work_order.completed', 'work_order.created']),
    );
    await page.locator('[data-testid="load-older"]').waitFor({ state: 'detached' });

    const completed = page.locator(
      '[data-testid="audit-event"][data-action="work_order.completed"]',
    );
    const created = page.locator('[data-testid="audit-event"][data-action="work_order.created"]');
    // Each entry read as a sentence, with the order's number and the names of its site and type.
    await waitForText(
      created.getByTestId('audit-sentence'),
      `${world.workOrderNumber} created by acme-admin: “Lift roof trusses”, urgent, Tower crane at North Quarry`,
    );
    await waitForText(
      completed.getByTestId('audit-sentence'),
      `${world.workOrderNumber} completed`,
    );
    await untilPasses(async () =>
      expect(await rows.locator('td:nth-child(5)').allTextContents()).toEqual([
        `${world.workOrderNumber}Timeline`,
        `${world.workOrderNumber}Timeline`,
      ]),
    );
    // The raw record one click away: the typed event as JSON, with before and after.
    await completed.getByRole('button', { name: 'Show raw' }).click();
    const changes = page.locator('[data-testid="audit-changes"]');
    await changes.waitFor();
    await waitForText(
      changes.getByTestId('audit-raw-event'),
      (text) =>
        JSON.parse(text).type === 'work_order.completed' &&
        JSON.parse(text).payload?.workOrder?.id === world.workOrder,
    );
    await completed.getByRole('button', { name: 'Hide raw' }).waitFor();
    await waitForText(changes.locator('tr.diff--changed'), 'statusdispatchedcompleted');
    await waitForText(changes.locator('tr.diff--added th'), 'dispatchId');

    const csv = await download(page, () => page.locator('[data-testid="audit-export"]').click());
    expect(csv.file.suggestedFilename()).toMatch(/^audit-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(csv.text.split(/\r?\n/)[0]).toBe(
      'id,occurredAt,actorSubject,actorName,actorRole,action,entityType,entityId,before,after,requestId',
    );
    const exported = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(exported.map((row) => row.action)).toEqual([
      'work_order.created',
      'work_order.completed',
    ]);
    expect(exported.every((row) => row.entityId === world.workOrder)).toBe(true);
    expect(JSON.parse(exported[1].after)).toMatchObject({ status: 'completed' });

    // The action picked by its name: only the order's creation is left.
    await chooseOption(form, 'Action', /^Work order created$/);
    await form.getByRole('button', { name: 'Search' }).click();
    await waitForText(count, '1 event');
    await untilPasses(async () =>
      expect(
        await rows.evaluateAll((items) => items.map((item) => item.getAttribute('data-action'))),
      ).toEqual(['work_order.created']),
    );
    // Its actor clicked: the filter takes the login name shown, and the API matches by it.
    const byActor = page.waitForResponse(
      (response) =>
        new URL(response.url()).pathname.endsWith('/audit') &&
        new URL(response.url()).searchParams.get('actor') === 'acme-admin',
    );
    await rows.first().getByRole('button', { name: 'acme-admin' }).click();
    expect((await (await byActor).json()).items).toHaveLength(1);
    await untilPasses(async () =>
      expect(await form.locator('input[name="actor"]').inputValue()).toBe('acme-admin'),
    );
    await waitForText(count, '1 event');
    await page.screenshot({
      animations: 'disabled',
      path: screenshotPath('audit-by-action.png'),
      fullPage: true,
    });
    await form.getByRole('button', { name: 'Clear' }).click();
    await form.locator('input[name="entityId"]').fill(world.workOrder);
    await form.getByRole('button', { name: 'Search' }).click();
    await completed.waitFor();
    await completed.getByRole('button', { name: 'Show raw' }).click();
    await changes.waitFor();

    await page.screenshot({
      animations: 'disabled',
      path: screenshotPath('audit.png'),
      fullPage: true,
    });
    await completed.getByRole('button', { name: 'Timeline' }).click();
    await page.locator('[data-testid="timeline"] [data-action="dispatch.completed"]').waitFor();
    await page.context().close();
  });

  it('shows a driver neither the reports nor the audit trail', async () => {
    const page = await signIn(browser, 'acme-driver', { width: 390, height: 844 });
    // The phone layout and its content come in the same render as the header: once it is there,
    // what it leaves out stays out.
    await page.locator('.app--phone main').waitFor();
    expect(await page.locator('nav.tabs').count()).toBe(0);
    expect(await page.locator('[data-testid="tab-reports"]').count()).toBe(0);
    expect(await page.locator('[data-testid="tab-audit"]').count()).toBe(0);
    expect(await page.locator('[data-testid="reports"], [data-testid="audit"]').count()).toBe(0);
    // Nor by their addresses: each says it is not for the driver's role.
    for (const [path, name] of [
      ['/reports', 'Reports'],
      ['/audit', 'Audit'],
    ]) {
      await page.goto(new URL(path, consoleUrl()).href);
      await waitForText(
        page.locator('[data-testid="not-available"] h1'),
        `${name} is not available for your role`,
      );
      expect(await page.locator('[data-testid="reports"], [data-testid="audit"]').count()).toBe(0);
    }
    await page.context().close();
  });
});
