import type { ReactNode } from 'react';
import { RouterAnchor } from '../../ui/links';

/**
 * A work order's number as a link to its page (details and timeline): a real link, so it opens in a
 * new tab or is copied for a colleague; reading only, so viewers get it too.
 */
export function WorkOrderLink({
  workOrderId,
  children,
}: {
  workOrderId: string;
  children: ReactNode;
}) {
  return (
    <RouterAnchor
      to="/work-orders/$workOrderId"
      params={{ workOrderId }}
      className="order-link"
      data-testid="open-timeline"
      data-timeline-for={workOrderId}
      title="Open this work order: its details and timeline"
    >
      {children}
    </RouterAnchor>
  );
}
