import {
  AppShell,
  Badge,
  Burger,
  Group,
  Menu,
  ScrollArea,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { Outlet, useMatches, useParams, useRouteContext } from '@tanstack/react-router';
import { type LiveState, useLiveUpdates } from '../live/useLiveUpdates';
import { RouterAnchor, RouterNavLink } from '../ui/links';
import { ADMIN_SECTION_LABEL, ADMIN_SECTIONS } from '../features/admin/admin-sections';
import { REPORT_LABEL, REPORT_SECTIONS } from '../features/reports/report-sections';
import type { Session } from '../auth/session';
import { useOwnDriverName } from '../features/driver/own-driver';
import { NotAvailable } from './NotAvailable';
import {
  canOpen,
  isDriverOnly,
  type Section,
  SECTION_LABEL,
  SECTION_PATH,
  sectionsFor,
} from './tabs';

const LIVE_TEXT: Record<LiveState, string> = {
  live: 'Live',
  connecting: 'Connecting',
  reconnecting: 'Reconnecting',
};

/** The section the deepest matched route belongs to (its `staticData.section`), if any. */
function useCurrentSection(): Section | undefined {
  return useMatches({
    select: (matches) => matches.findLast((match) => match.staticData.section)?.staticData.section,
  });
}

/**
 * The frame of every page: a header (brand, tenant, live updates, the user) and the navigation of
 * the sections the user's roles open, as links; on a phone the navigation folds behind a burger. A
 * page of a section the roles do not open says so instead of showing anything of it.
 */
export function Shell() {
  const { session } = useRouteContext({ from: '__root__' });
  const live = useLiveUpdates();
  const [navOpened, nav] = useDisclosure(false);
  // Below Mantine's `sm` the navigation slides away; folded, it is also hidden from keyboards and
  // screen readers (Mantine only moves it out of sight).
  const phone = useMediaQuery('(max-width: 47.99em)');
  const folded = Boolean(phone) && !navOpened;
  const section = useCurrentSection();
  const driverOnly = isDriverOnly(session.roles);
  const withNav = !driverOnly;
  // A driver is called by the name on their driver profile (the token's until it is known).
  const driverName = useOwnDriverName(driverOnly);
  return (
    <ModalsProvider>
      {/* At the bottom: a toast at the top covered a dialog's close button and the header. */}
      <Notifications position="bottom-right" limit={4} />
      <AppShell
        className={driverOnly ? 'app app--phone' : 'app app--with-nav'}
        header={{ height: 56 }}
        navbar={
          withNav ? { width: 220, breakpoint: 'sm', collapsed: { mobile: !navOpened } } : undefined
        }
        padding="md"
      >
        <AppShell.Header className="topbar">
          <Group h="100%" px="md" gap="sm" wrap="nowrap" justify="space-between">
            <Group gap="sm" wrap="nowrap" miw={0}>
              {withNav && (
                <Burger
                  opened={navOpened}
                  onClick={nav.toggle}
                  hiddenFrom="sm"
                  size="sm"
                  color="white"
                  aria-label={navOpened ? 'Close the navigation' : 'Open the navigation'}
                />
              )}
              <RouterAnchor to="/" className="brand" underline="never">
                Dispatch
              </RouterAnchor>
              <span className="tenant" data-testid="tenant">
                {session.tenant}
              </span>
            </Group>
            <Group gap="sm" wrap="nowrap" miw={0} style={{ flexShrink: 1 }}>
              <LiveBadge state={live} />
              <UserMenu session={driverName ? { ...session, displayName: driverName } : session} />
            </Group>
          </Group>
        </AppShell.Header>
        {withNav && (
          <AppShell.Navbar p="xs" aria-label="Sections" data-folded={folded || undefined}>
            <AppShell.Section grow component={ScrollArea}>
              <Navigation session={session} current={section} onNavigate={nav.close} />
            </AppShell.Section>
          </AppShell.Navbar>
        )}
        <AppShell.Main>
          {section && !canOpen(section, session.roles) ? (
            <NotAvailable section={section} />
          ) : (
            <Outlet />
          )}
        </AppShell.Main>
      </AppShell>
    </ModalsProvider>
  );
}

function LiveBadge({ state }: { state: LiveState }) {
  return (
    <Badge
      variant="dot"
      color={state === 'live' ? 'green' : 'yellow'}
      className={`live live--${state}`}
      data-testid="live-state"
      title="Live updates"
      role="status"
      styles={{ root: { flexShrink: 0 } }}
    >
      {LIVE_TEXT[state]}
    </Badge>
  );
}

function UserMenu({ session }: { session: Session }) {
  return (
    <Menu position="bottom-end" width={240} withinPortal>
      <Menu.Target>
        <UnstyledButton
          className="user"
          data-testid="user-menu"
          aria-label={`Account of ${session.displayName}`}
        >
          <Text span size="sm" truncate="end" className="user__name" data-testid="user-name">
            {session.displayName}
          </Text>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          Signed in as {session.username} · {session.tenant}
        </Menu.Label>
        <Menu.Label>{session.roles.join(', ') || 'no role'}</Menu.Label>
        <Menu.Divider />
        <Menu.Item onClick={() => void session.logout()} data-testid="sign-out">
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

/**
 * The sections the roles open, each a link; the open section lists its parts beneath it (admin's
 * records, the single reports).
 */
function Navigation({
  session,
  current,
  onNavigate,
}: {
  session: Session;
  current: Section | undefined;
  onNavigate: () => void;
}) {
  const sections = sectionsFor(session.roles);
  const { adminSection, report } = useParams({ strict: false });
  return (
    <nav className="tabs" aria-label="Sections">
      {sections.map((item) => (
        <div key={item}>
          <RouterNavLink
            to={SECTION_PATH[item]}
            label={SECTION_LABEL[item]}
            active={current === item}
            data-testid={`tab-${item}`}
            onClick={onNavigate}
          />
          {item === 'admin' && current === 'admin' && (
            <div className="nav__parts">
              {ADMIN_SECTIONS.map((part) => (
                <RouterNavLink
                  key={part}
                  to="/admin/$adminSection"
                  params={{ adminSection: part }}
                  label={ADMIN_SECTION_LABEL[part]}
                  active={adminSection === part}
                  onClick={onNavigate}
                  data-testid={`nav-admin-${part}`}
                />
              ))}
            </div>
          )}
          {item === 'reports' && current === 'reports' && (
            <div className="nav__parts">
              <RouterNavLink
                to="/reports"
                label="All reports"
                active={!report}
                onClick={onNavigate}
                data-testid="nav-report-all"
              />
              {REPORT_SECTIONS.map((part) => (
                <RouterNavLink
                  key={part}
                  to="/reports/$report"
                  params={{ report: part }}
                  label={REPORT_LABEL[part]}
                  active={report === part}
                  onClick={onNavigate}
                  data-testid={`nav-report-${part}`}
                />
              ))}
            </div>
          )}
        </div>
      ))}
    </nav>
  );
}
