import { Title } from '@mantine/core';
import { useState } from 'react';
import { ApiClientsPanel } from './ApiClientsPanel';
import { DeliveriesPanel } from './DeliveriesPanel';
import { useAllWebhooks } from '../records/whole-lists';
import { WebhooksPanel } from './WebhooksPanel';

/**
 * How ERP systems connect (admins only): API clients that call the API with their own tokens, and
 * webhooks through which Dispatch tells them what happened, with each endpoint's delivery log.
 */
export function IntegrationsPage() {
  const [selectedId, setSelectedId] = useState<string>();
  // The same query the webhooks panel shows (one request): the selected endpoint's current state.
  const webhooks = useAllWebhooks();
  const selected = webhooks.data?.items.find((webhook) => webhook.id === selectedId);
  return (
    <div className="integrations" data-testid="integrations">
      <Title order={1} className="page-title">
        Integrations
      </Title>
      <ApiClientsPanel />
      <WebhooksPanel selectedId={selectedId} onSelect={setSelectedId} />
      {selected && (
        <DeliveriesPanel
          key={selected.id}
          webhook={selected}
          onClose={() => setSelectedId(undefined)}
        />
      )}
    </div>
  );
}
