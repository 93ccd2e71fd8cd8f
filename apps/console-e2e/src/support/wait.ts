import type { Locator } from 'playwright-core';

/**
 * Waiting assertions for playwright-core, which has none of its own: the console fills a screen in
 * steps (a list before the names it shows, an earlier answer before the new one), so a value read
 * once may be one the page is about to replace. These read again until the value is the expected
 * one, and fail with the last value seen.
 */

/** Playwright's own default for a wait. */
const DEFAULT_TIMEOUT = 30_000;
const POLL_MS = 100;

export type TextExpectation = string | RegExp | ((text: string) => boolean);

function matches(text: string, expected: TextExpectation): boolean {
  if (typeof expected === 'string') return text === expected;
  if (expected instanceof RegExp) return expected.test(text);
  return expected(text);
}

function expectation(expected: TextExpectation): string {
  return typeof expected === 'function' ? 'text that passes the check' : String(expected);
}

/**
 * Waits until the one element `locator` finds has a text content that is `expected` (exactly),
 * matches it (a RegExp), or passes it (a predicate); returns that text.
 */
export async function waitForText(
  locator: Locator,
  expected: TextExpectation,
  timeout = DEFAULT_TIMEOUT,
): Promise<string> {
  const deadline = Date.now() + timeout;
  let lastText: string | undefined;
  let lastError = '(no element)';
  for (;;) {
    const remaining = deadline - Date.now();
    try {
      const text = (await locator.textContent({ timeout: Math.max(remaining, 1) })) ?? '';
      if (matches(text, expected)) return text;
      lastText = JSON.stringify(text);
    } catch (error) {
      // No such element yet, or more than one: said in the failure if it lasts. (A read cut
      // short by the deadline does not hide the text seen before it.)
      lastError = `(${String(error).split('\n')[0]})`;
    }
    if (Date.now() >= deadline)
      throw new Error(
        `Timed out after ${timeout} ms waiting for ${String(locator)} to have ${expectation(expected)}; last text: ${lastText ?? lastError}`,
      );
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Runs `assertion` (reads from the page, then `expect`s) until it passes, and rethrows its last
 * failure when `timeout` ends: for what is not one element's text (a list of attributes, an
 * input's value, a count). Returns what the passing run returned.
 */
export async function untilPasses<T>(
  assertion: () => Promise<T>,
  timeout = DEFAULT_TIMEOUT,
): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
