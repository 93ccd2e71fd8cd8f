import {
  createTheme,
  type CSSVariablesResolver,
  darken,
  defaultVariantColorsResolver,
  luminance,
  parseThemeColor,
  type VariantColorsResolverInput,
} from '@mantine/core';

/** WCAG's contrast ratio of white text on `background`. */
function contrastWithWhite(background: string): number {
  return 1.05 / (luminance(background) + 0.05);
}

/**
 * Mantine's colours at AA contrast (4.5:1). Its light variant (a badge, a light button) writes
 * shade 6 on a tint of the same colour: 2–3:1 for green, orange or yellow; its text becomes shade
 * 9 darkened by a quarter. A filled button writes white on the primary shade: 3.5:1 for green; a
 * colour too light for white text is darkened from shade 9 until it holds.
 */
function readableVariants(input: VariantColorsResolverInput) {
  const colors = defaultVariantColorsResolver(input);
  const parsed = parseThemeColor({
    color: input.color ?? input.theme.primaryColor,
    theme: input.theme,
  });
  if (!parsed.isThemeColor || !parsed.color || parsed.color === 'dark') return colors;
  const darkest = input.theme.colors[parsed.color][9];
  if (input.variant === 'light') return { ...colors, color: darken(darkest, 0.25) };
  // `value` is the colour the variant draws (its primary shade unless one was named).
  if (input.variant === 'filled' && contrastWithWhite(parsed.value) < 4.5) {
    let background = darkest;
    for (let amount = 0.1; contrastWithWhite(background) < 4.5 && amount < 0.6; amount += 0.1)
      background = darken(darkest, amount);
    return {
      ...colors,
      background,
      hover: darken(background, 0.15),
      color: 'var(--mantine-color-white)',
    };
  }
  return colors;
}

/** The console's Mantine theme: the system font, the console's blue, compact controls. */
export const theme = createTheme({
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  primaryColor: 'blue',
  // Mantine's default shade (blue 6) gives white text 3.6:1; shade 8 gives 5:1 (WCAG AA wants 4.5).
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: 'md',
  headings: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" },
  components: {
    // Dialogs and toasts come and go quickly on a board that changes all day. Their close
    // button is an icon: named, so a screen reader can say what it does.
    Modal: {
      defaultProps: {
        transitionProps: { duration: 120 },
        closeButtonProps: { 'aria-label': 'Close' },
      },
    },
    Drawer: { defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } },
  },
  variantColorResolver: readableVariants,
});

/** Dimmed text (Mantine's gray 6, 3.3:1 on white) darkened to the console's muted grey (5.7:1). */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  // Placeholders drawn as text (date pickers) are read by axe as text: 4.7:1 instead of 2.1:1.
  light: { '--mantine-color-dimmed': '#5b6680', '--mantine-color-placeholder': '#6c757d' },
  dark: {},
});
