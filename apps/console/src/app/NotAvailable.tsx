import { Title } from '@mantine/core';
import { RouterAnchor } from '../ui/links';
import { type Section, SECTION_LABEL } from './tabs';

/** What a page of a section the user's roles do not open shows instead (never a blank page). */
export function NotAvailable({ section }: { section: Section }) {
  return (
    <div className="panel not-available" data-testid="not-available" role="alert">
      <Title order={1} className="page-title">
        {SECTION_LABEL[section]} is not available for your role
      </Title>
      <p>
        Your sign-in does not include a role that may open this page. If you need it, ask an admin
        of your organization to change your role.
      </p>
      <RouterAnchor to="/">Go to your start page</RouterAnchor>
    </div>
  );
}

/** An address the console has no page for. */
export function NotFound() {
  return (
    <div className="panel not-available" data-testid="not-found" role="alert">
      <Title order={1} className="page-title">
        No such page
      </Title>
      <p>The console has no page at this address: the link may be mistyped or out of date.</p>
      <RouterAnchor to="/">Go to your start page</RouterAnchor>
    </div>
  );
}
