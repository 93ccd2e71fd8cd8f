import dayjs from 'dayjs';

/** What the date-time pickers' controls are called, for screen readers (and tests). */
export const PICKER_LABELS = {
  ariaLabels: {
    nextMonth: 'Next month',
    previousMonth: 'Previous month',
    nextYear: 'Next year',
    previousYear: 'Previous year',
    nextDecade: 'Next decade',
    previousDecade: 'Previous decade',
    monthLevelControl: 'Choose the month',
    yearLevelControl: 'Choose the year',
  },
  getDayAriaLabel: (date: string) => dayjs(date).format('D MMMM YYYY'),
  timePickerProps: { hoursInputLabel: 'Hours', minutesInputLabel: 'Minutes' },
  submitButtonProps: { 'aria-label': 'Set the date and time' },
} as const;
