import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import type { Session } from '../auth/session';
import { AdminPanel } from '../features/admin/AdminPanel';
import { AuditExplorer } from '../features/audit/AuditExplorer';
import { Board } from '../features/board/Board';
import { DriverView } from '../features/driver/DriverView';
import { IntegrationsPage } from '../features/integrations/IntegrationsPage';
import { useLiveUpdates } from '../live/useLiveUpdates';
import { type Tab, TAB_LABEL, tabsFor } from './tabs';

// The charts are most of the console's code: loaded when the reports are first opened.
const ReportsPage = lazy(() =>
  import('../features/reports/ReportsPage').then((module) => ({ default: module.ReportsPage })),
);

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 30_000, retry: 1, refetchOnWindowFocus: false } },
});

export function App({ session }: { session: Session }) {
  return (
    <QueryClientProvider client={queryClient}>
      <Shell session={session} />
    </QueryClientProvider>
  );
}

function Shell({ session }: { session: Session }) {
  const live = useLiveUpdates();
  const [tab, setTab] = useState<Tab>('board');
  const isDriverOnly = session.roles.length > 0 && session.roles.every((role) => role === 'driver');
  const canDispatch = session.roles.includes('admin') || session.roles.includes('dispatcher');
  const tabs = tabsFor(session.roles);
  // A section the roles do not open is never shown, whatever was chosen before.
  const current: Tab = tabs.includes(tab) ? tab : 'board';
  return (
    <div className={isDriverOnly ? 'app app--phone' : 'app'}>
      <header className="topbar">
        <strong className="brand">Dispatch</strong>
        <span className="tenant" data-testid="tenant">
          {session.tenant}
        </span>
        {!isDriverOnly && (
          <nav className="tabs" aria-label="Sections">
            {tabs.map((item) => (
              <button
                key={item}
                className={current === item ? 'tab tab--active' : 'tab'}
                aria-current={current === item ? 'page' : undefined}
                data-testid={`tab-${item}`}
                onClick={() => setTab(item)}
              >
                {TAB_LABEL[item]}
              </button>
            ))}
          </nav>
        )}
        <span className={`live live--${live}`} data-testid="live-state" title="Live updates">
          {live === 'live' ? '● Live' : live === 'connecting' ? '○ Connecting' : '○ Reconnecting'}
        </span>
        <span className="user">
          {session.username} · {session.roles.join(', ')}
        </span>
        <button className="link" onClick={() => void session.logout()}>
          Sign out
        </button>
      </header>
      <main>
        {isDriverOnly ? (
          <DriverView />
        ) : current === 'admin' ? (
          <AdminPanel />
        ) : current === 'integrations' ? (
          <IntegrationsPage />
        ) : current === 'reports' ? (
          <Suspense fallback={<p className="muted">Loading the reports…</p>}>
            <ReportsPage />
          </Suspense>
        ) : current === 'audit' ? (
          <AuditExplorer />
        ) : (
          <Board canDispatch={canDispatch} />
        )}
      </main>
    </div>
  );
}
