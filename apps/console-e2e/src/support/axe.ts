import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { untilPasses } from './wait';

/** The rules of WCAG 2.0 and 2.1, levels A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** The impacts that fail a screen: a person cannot use it, or barely. */
const FAILING_IMPACTS = new Set(['serious', 'critical']);

/**
 * axe-core's serious and critical WCAG 2 A/AA violations on the page as it is now (or only within
 * `include`, a CSS selector such as an open dialog's), one line each: rule id, impact, the elements
 * (as axe's selectors) and what the rule asks for.
 */
export async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  let builder = new AxeBuilder({ page }).withTags(WCAG_TAGS);
  if (include) builder = builder.include(include);
  const { violations } = await builder.analyze();
  return violations
    .filter((violation) => FAILING_IMPACTS.has(violation.impact ?? ''))
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}) on ${violation.nodes
          .map((node) => node.target.join(' '))
          .join(', ')}: ${violation.help}`,
    );
}

/**
 * Fails unless axe finds no serious or critical violation on `what`. Waited for a few seconds:
 * a dialog or a notification fading in is measured with its colours half-way.
 */
export async function expectAccessible(page: Page, what: string, include?: string): Promise<void> {
  await untilPasses(
    async () =>
      expect({ what, violations: await seriousViolations(page, include) }).toEqual({
        what,
        violations: [],
      }),
    10_000,
  );
}
