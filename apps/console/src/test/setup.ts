// What jsdom lacks and Mantine's components use (media queries, element sizes, scrolling).
import { configure } from '@testing-library/react';
import { vi } from 'vitest';

// findBy… and waitFor wait up to 5 s (not 1 s): the suite shares two cores with other work.
configure({ asyncUtilTimeout: 5_000 });

if (typeof window !== 'undefined') {
  window.matchMedia ??= (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: vi.fn(),
      removeListener: vi.fn(),
      addEventListener: vi.fn(),
      removeEventListener: vi.fn(),
      dispatchEvent: vi.fn(),
    }) as MediaQueryList;

  class NoResizeObserver {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  }
  window.ResizeObserver ??= NoResizeObserver;
  Element.prototype.scrollIntoView ??= vi.fn();
  window.scrollTo = vi.fn() as typeof window.scrollTo;
}
