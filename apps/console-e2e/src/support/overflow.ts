import type { Page } from 'playwright-core';

/**
 * What sticks out sideways on the page as it is now, described for a failure message (empty when
 * nothing does):
 * - the page itself scrolling sideways;
 * - a visible element reaching past the right edge of the window, outside any box that scrolls;
 * - a visible element cut off by a box that hides its overflow (a form clipped by its panel),
 *   unless that box truncates its text with an ellipsis on purpose.
 * Only the outermost offender of a subtree is named.
 */
export function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const viewport = document.documentElement.clientWidth;
    const found: string[] = [];
    const name = (element: Element) => {
      const testId = element.getAttribute('data-testid');
      const classes = Array.from(element.classList).slice(0, 2).join('.');
      const text = (element.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
      return `<${element.tagName.toLowerCase()}${testId ? ` data-testid=${testId}` : ''}${classes ? ` .${classes}` : ''}> "${text}"`;
    };
    if (document.documentElement.scrollWidth > viewport)
      found.push(
        `the page scrolls sideways: ${document.documentElement.scrollWidth} px in ${viewport}`,
      );
    const reported = new Set<Element>();
    for (const element of Array.from(document.body.querySelectorAll('*'))) {
      if (element.closest('[aria-hidden="true"]')) continue;
      if (!element.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      const box = element.getBoundingClientRect();
      if (box.width < 1 || box.height < 1) continue;
      let parent = element.parentElement;
      let ancestorReported = false;
      for (let node = parent; node; node = node.parentElement)
        if (reported.has(node)) ancestorReported = true;
      if (ancestorReported) continue;
      // The nearest box that clips or scrolls sideways, if any.
      let limit = viewport;
      let how = 'the window';
      for (; parent && parent !== document.body; parent = parent.parentElement) {
        const style = getComputedStyle(parent);
        if (style.overflowX === 'visible') continue;
        if (style.overflowX === 'auto' || style.overflowX === 'scroll') {
          limit = Number.POSITIVE_INFINITY; // it scrolls: its own box is what must fit
          how = '';
        } else if (style.textOverflow === 'ellipsis') {
          limit = Number.POSITIVE_INFINITY; // truncated on purpose
          how = '';
        } else {
          limit = parent.getBoundingClientRect().right;
          how = `its clipping box ${name(parent)}`;
        }
        break;
      }
      if (box.right > limit + 1) {
        found.push(
          `${name(element)} ends at ${Math.round(box.right)} px, past ${how} (${Math.round(limit)} px)`,
        );
        reported.add(element);
      }
    }
    if (found.length === 1)
      // The page is wider, yet nothing above was named: say what reaches past the window anyway
      // (e.g. an absolutely placed element escaping a scrolling box that is not its containing block).
      for (const element of Array.from(document.body.querySelectorAll('*')))
        if (element.getBoundingClientRect().right > viewport + 1 && found.length < 6)
          found.push(
            `${name(element)} ends at ${Math.round(element.getBoundingClientRect().right)} px`,
          );
    return found;
  });
}
