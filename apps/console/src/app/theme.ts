import { createTheme } from '@mantine/core';

/** The console's Mantine theme: the system font, the console's blue, compact controls. */
export const theme = createTheme({
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  primaryColor: 'blue',
  defaultRadius: 'md',
  headings: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" },
  components: {
    // Dialogs and toasts come and go quickly on a board that changes all day.
    Modal: { defaultProps: { transitionProps: { duration: 120 } } },
  },
});
