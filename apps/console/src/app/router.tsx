import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  redirect,
  type RouterHistory,
} from '@tanstack/react-router';
import type { Session } from '../auth/session';
import { isAdminSection } from '../features/admin/admin-sections';
import { Board } from '../features/board/Board';
import { DriverView } from '../features/driver/DriverView';
import { isReportName } from '../features/reports/report-sections';
import { WorkOrderPage } from '../features/work-orders/WorkOrderPage';
import { NotFound } from './NotAvailable';
import { Shell } from './Shell';
import { homePath, type Section } from './tabs';

/** What every route may read: who is signed in. */
export interface RouterContext {
  session: Session;
  queryClient: QueryClient;
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ConsoleRouter;
  }
  interface StaticDataRouteOption {
    /** The section a page belongs to: opened only by the roles that open the section (tabs.ts). */
    section?: Section;
  }
}

function canDispatch(session: Session): boolean {
  return session.roles.includes('admin') || session.roles.includes('dispatcher');
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Shell,
  notFoundComponent: NotFound,
});

/** `/`: the start page of the user's roles (the board, or a driver's jobs). */
const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  beforeLoad: ({ context }) => {
    throw redirect({ to: homePath(context.session.roles), replace: true });
  },
});

const boardRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'board',
  staticData: { section: 'board' },
  component: function BoardRoute() {
    const { session } = boardRoute.useRouteContext();
    return <Board canDispatch={canDispatch(session)} />;
  },
});

/** One work order: the board's records, readable by whoever reads the board. */
const workOrderRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'work-orders/$workOrderId',
  staticData: { section: 'board' },
  component: function WorkOrderRoute() {
    const { workOrderId } = workOrderRoute.useParams();
    const { session } = workOrderRoute.useRouteContext();
    return (
      <WorkOrderPage
        key={workOrderId}
        workOrderId={workOrderId}
        canDispatch={canDispatch(session)}
      />
    );
  },
});

const records = () => import('../features/records/RecordPages');

/** One unit: read by whoever reads the board, edited by admins. */
const unitRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'units/$unitId',
  staticData: { section: 'board' },
  component: lazyRouteComponent(records, 'UnitRoute'),
});

/** One driver: read by whoever reads the board, edited by admins. */
const driverRecordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'drivers/$driverId',
  staticData: { section: 'board' },
  component: lazyRouteComponent(records, 'DriverRoute'),
});

// The pages beyond the board and a work order are loaded when first opened (the reports' charts are
// most of the console's code).
const reports = () => import('../features/reports/ReportsPage');

const reportsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'reports',
  staticData: { section: 'reports' },
  component: lazyRouteComponent(reports, 'ReportsPage'),
});

const allReportsRoute = createRoute({
  getParentRoute: () => reportsRoute,
  path: '/',
  component: lazyRouteComponent(reports, 'AllReports'),
});

const reportRoute = createRoute({
  getParentRoute: () => reportsRoute,
  path: '$report',
  params: {
    // An unknown report is no page (not found), not a blank one.
    parse: ({ report }) => (isReportName(report) ? { report } : false),
    stringify: ({ report }) => ({ report }),
  },
  component: lazyRouteComponent(reports, 'OneReport'),
});

const auditRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'audit',
  staticData: { section: 'audit' },
  component: lazyRouteComponent(() => import('../features/audit/AuditExplorer'), 'AuditExplorer'),
});

const adminRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'admin',
  staticData: { section: 'admin' },
});

/** `/admin`: its first part, the users. */
const adminIndexRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({
      to: '/admin/$adminSection',
      params: { adminSection: 'users' },
      replace: true,
    });
  },
});

const adminSectionRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: '$adminSection',
  params: {
    parse: ({ adminSection }) => (isAdminSection(adminSection) ? { adminSection } : false),
    stringify: ({ adminSection }) => ({ adminSection }),
  },
  component: lazyRouteComponent(() => import('../features/admin/AdminPanel'), 'AdminRoute'),
});

const integrationsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'integrations',
  staticData: { section: 'integrations' },
  component: lazyRouteComponent(
    () => import('../features/integrations/IntegrationsPage'),
    'IntegrationsPage',
  ),
});

/** A driver's own jobs, on a phone. */
const driverRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'my-jobs',
  staticData: { section: 'driver' },
  component: DriverView,
});

export const routeTree = rootRoute.addChildren([
  indexRoute,
  boardRoute,
  workOrderRoute,
  unitRoute,
  driverRecordRoute,
  reportsRoute.addChildren([allReportsRoute, reportRoute]),
  auditRoute,
  adminRoute.addChildren([adminIndexRoute, adminSectionRoute]),
  integrationsRoute,
  driverRoute,
]);

/** The console's router; `history` is the browser's unless given (tests pass a memory history). */
export function createConsoleRouter(context: RouterContext, history?: RouterHistory) {
  return createRouter({
    routeTree,
    context,
    ...(history ? { history } : {}),
    defaultPreload: 'intent',
    // The queries cache the data: the router's own loader cache is not used.
    defaultPreloadStaleTime: 0,
    defaultPendingComponent: () => <p className="muted">Loading…</p>,
    scrollRestoration: true,
  });
}

export type ConsoleRouter = ReturnType<typeof createConsoleRouter>;
