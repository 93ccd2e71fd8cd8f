import {
  DEFAULT_THEME,
  type DefaultMantineColor,
  luminance,
  mergeMantineTheme,
  toRgba,
} from '@mantine/core';
import { describe, expect, it } from 'vitest';
import { theme } from './theme';

const merged = mergeMantineTheme(DEFAULT_THEME, theme);
const resolve = merged.variantColorResolver;

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** Mantine's light background: the colour's shade 6 at 10 % over white. */
function lightTint(color: DefaultMantineColor): string {
  const { r, g, b } = toRgba(merged.colors[color][6]);
  const mix = (channel: number) => Math.round(255 * 0.9 + channel * 0.1);
  return `rgb(${mix(r)}, ${mix(g)}, ${mix(b)})`;
}

const COLORS = Object.keys(DEFAULT_THEME.colors).filter(
  (color) => color !== 'dark',
) as DefaultMantineColor[];

describe('theme contrast (WCAG AA, 4.5:1)', () => {
  it.each(COLORS)('writes white on a filled %s at 4.5:1 or more', (color) => {
    const { background } = resolve({ color, theme: merged, variant: 'filled' });
    const drawn = background.startsWith('var(') ? merged.colors[color][8] : background;
    expect(contrast('#ffffff', drawn)).toBeGreaterThanOrEqual(4.5);
  });

  it.each(COLORS)('writes a light %s badge’s text at 4.5:1 or more', (color) => {
    const { color: text } = resolve({ color, theme: merged, variant: 'light' });
    expect(contrast(text, lightTint(color))).toBeGreaterThanOrEqual(4.5);
  });
});
