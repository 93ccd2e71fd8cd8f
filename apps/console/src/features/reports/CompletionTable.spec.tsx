// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { CompletionTable } from './CompletionSection';
import { DriversTable } from './DriversSection';
import { completionDay, driverRow } from './report-rows.fixtures';

const day = completionDay;

afterEach(cleanup);

describe('CompletionTable', () => {
  it('lists the days that saw work, the total last, and counts the quiet ones', () => {
    render(
      <CompletionTable
        rows={[
          day({ day: '2026-11-19' }),
          day({ day: '2026-11-20', created: 3, completed: 2, toDispatchMedianMinutes: 1.25 }),
          day({ day: '2026-11-21' }),
        ]}
        total={day({ day: 'total', created: 3, completed: 2 })}
      />,
    );
    const table = screen.getByTestId('completion-table');
    const rows = within(table).getAllByRole('row');
    expect(rows.map((row) => row.getAttribute('data-day'))).toEqual([null, '2026-11-20', 'total']);
    expect(
      within(rows[1])
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['3', '0', '2', '0', '1.3 min', '—', '—', '0', '—']);
    expect(screen.getByText('2 days without any activity not listed.')).toBeTruthy();
  });
});

describe('DriversTable', () => {
  it('lists every driver and the total', () => {
    const driver = (name: string, hours: number) => driverRow(name, hours, { dispatches: 2 });
    render(
      <DriversTable
        rows={[driver('Adam', 1.5), driver('Zoe', 12)]}
        total={{ ...driver('x', 13.5), level: 'total', driverId: null, driverName: null }}
      />,
    );
    expect(
      within(screen.getByTestId('drivers-table'))
        .getAllByRole('row')
        .map((row) => row.textContent),
    ).toEqual([
      'DriverDispatchesCompletedHours on dispatch',
      'Adam211.5 h',
      'Zoe2112.0 h',
      'Total2113.5 h',
    ]);
  });
});
