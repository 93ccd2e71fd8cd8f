import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CONSOLE_URL = 'http://localhost:4200';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, with nothing that would try to reach the network on its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Opens the console in a fresh browser context and signs in through Keycloak's real login page. */
export async function signIn(
  browser: Browser,
  username: string,
  viewport = { width: 1600, height: 1000 },
): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(CONSOLE_URL);
  await page.waitForSelector('#username', { timeout: 30_000 });
  await page.fill('#username', username);
  await page.fill('#password', 'demo');
  await page.click('#kc-login');
  await page.waitForSelector('[data-testid="live-state"]:has-text("Live")', { timeout: 30_000 });
  return page;
}

/** Where the suites leave their screenshots (git-ignored), created on first use. */
export function screenshotPath(name: string): string {
  const folder = path.resolve(__dirname, '../../../../screenshots');
  mkdirSync(folder, { recursive: true });
  return path.join(folder, name);
}
