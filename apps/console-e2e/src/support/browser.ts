import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';

export { launchChromium } from '@dispatch/testing';

/** Where the global setup serves the console: a free port, never a fixed one. */
export function consoleUrl(): string {
  const url = process.env.E2E_CONSOLE_URL;
  if (!url) throw new Error('E2E_CONSOLE_URL is not set: run the suite through its jest config');
  return url;
}

/**
 * Opens the console in a fresh browser context at `path` (its start page unless given, or a deep
 * link such as /work-orders/<id>) and signs in through Keycloak's real login page.
 */
export async function signIn(
  browser: Browser,
  username: string,
  viewport = { width: 1600, height: 1000 },
  path = '/',
): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(new URL(path, consoleUrl()).href);
  await page.waitForSelector('#username', { timeout: 30_000 });
  await page.fill('#username', username);
  await page.fill('#password', 'demo');
  await page.click('#kc-login');
  await page.waitForSelector('[data-testid="live-state"]:has-text("Live")', { timeout: 30_000 });
  return page;
}

/**
 * Where the suites leave their screenshots (git-ignored), created on first use. Each is taken with
 * `animations: 'disabled'`: a dialog caught mid-fade showed the page through it.
 */
export function screenshotPath(name: string): string {
  const folder = path.resolve(__dirname, '../../../../screenshots');
  mkdirSync(folder, { recursive: true });
  return path.join(folder, name);
}
