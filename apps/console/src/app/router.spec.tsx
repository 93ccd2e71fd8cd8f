// @vitest-environment jsdom
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createMemoryHistory, RouterProvider } from '@tanstack/react-router';
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Role, Session } from '../auth/session';
import { createConsoleRouter } from './router';
import { theme } from './theme';

function sessionOf(...roles: Role[]): Session {
  return {
    username: `acme-${roles.join('-')}`,
    displayName: 'Ada Lovelace',
    tenant: 'acme',
    roles,
    token: async () => 'token',
    logout: async () => undefined,
  };
}

/** Opens the console at `path` as a user with `roles`; answers where it landed. */
async function open(path: string, ...roles: Role[]) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createConsoleRouter(
    { session: sessionOf(...roles), queryClient },
    createMemoryHistory({ initialEntries: [path] }),
  );
  render(
    <MantineProvider theme={theme} env="test">
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>,
  );
  await act(() => router.load());
  return router;
}

beforeEach(() => {
  // The pages ask the API; no answer comes (what is tested here is which page is shown).
  vi.stubGlobal('fetch', () => new Promise<Response>(() => undefined));
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

// Each test renders the whole console (the lazy pages load on first use): slow on a busy machine.
describe('the console’s addresses', { timeout: 30_000 }, () => {
  it('takes each role from / to its start page', async () => {
    expect((await open('/', 'dispatcher')).state.location.pathname).toBe('/board');
    cleanup();
    expect((await open('/', 'driver')).state.location.pathname).toBe('/my-jobs');
  });

  it('opens a work order by its address, under the board in the navigation', async () => {
    const router = await open('/work-orders/3f6c1a52-0000-4000-8000-000000000001', 'viewer');
    expect(router.state.location.pathname).toBe(
      '/work-orders/3f6c1a52-0000-4000-8000-000000000001',
    );
    expect(await screen.findByText('Loading the work order…')).toBeTruthy();
    expect(screen.getByTestId('tab-board').getAttribute('data-active')).toBe('true');
  });

  it('opens a unit and a driver by their addresses, under the board, and not for a driver', async () => {
    await open('/units/3f6c1a52-0000-4000-8000-000000000002', 'viewer');
    expect(await screen.findByText('Loading the unit…')).toBeTruthy();
    expect(screen.getByTestId('tab-board').getAttribute('data-active')).toBe('true');
    cleanup();
    await open('/drivers/3f6c1a52-0000-4000-8000-000000000003', 'dispatcher');
    expect(await screen.findByText('Loading the driver…')).toBeTruthy();
    cleanup();
    await open('/drivers/3f6c1a52-0000-4000-8000-000000000003', 'driver');
    expect((await screen.findByTestId('not-available')).textContent).toContain(
      'Board is not available for your role',
    );
  });

  it('gives the admin pages and the reports a part each', async () => {
    expect((await open('/admin', 'admin')).state.location.pathname).toBe('/admin/users');
    expect(await screen.findByRole('heading', { name: 'Admin · Users' })).toBeTruthy();
    expect(screen.getByTestId('nav-admin-sites').getAttribute('href')).toBe('/admin/sites');
    cleanup();
    await open('/reports/queue', 'viewer');
    expect(await screen.findByRole('heading', { name: 'Reports · Queue' })).toBeTruthy();
    expect(screen.getByTestId('nav-report-completion').getAttribute('href')).toBe(
      '/reports/completion',
    );
  });

  it('says a page is not available for the role instead of showing it', async () => {
    await open('/admin/users', 'viewer');
    expect(
      (await screen.findByTestId('not-available')).textContent?.includes(
        'Admin is not available for your role',
      ),
    ).toBe(true);
    expect(screen.queryByTestId('admin-users-page')).toBe(null);
    cleanup();
    await open('/audit', 'dispatcher');
    expect((await screen.findByTestId('not-available')).textContent).toContain(
      'Audit is not available for your role',
    );
    cleanup();
    await open('/board', 'driver');
    expect((await screen.findByTestId('not-available')).textContent).toContain(
      'Board is not available for your role',
    );
  });

  it('says so for an address it has no page for', async () => {
    await open('/reports/payroll', 'admin');
    expect(await screen.findByTestId('not-found')).toBeTruthy();
    cleanup();
    await open('/admin/secrets', 'admin');
    expect(await screen.findByTestId('not-found')).toBeTruthy();
    cleanup();
    await open('/nowhere', 'admin');
    expect(await screen.findByTestId('not-found')).toBeTruthy();
  });

  it('links the sections a role opens, and only those', async () => {
    await open('/board', 'dispatcher');
    const links = screen
      .getAllByRole('link')
      .filter((link) => link.dataset.testid?.startsWith('tab-'))
      .map((link) => [link.textContent, link.getAttribute('href')]);
    expect(links).toEqual([
      ['Board', '/board'],
      ['Reports', '/reports'],
    ]);
    expect(screen.getByTestId('user-name').textContent).toBe('Ada Lovelace');
  });

  it('shows a driver no navigation at all', async () => {
    await open('/my-jobs', 'driver');
    expect(screen.queryByRole('navigation')).toBe(null);
    expect(document.querySelector('.app--phone main')).not.toBe(null);
  });
});
