// @vitest-environment jsdom
import {
  configureApiClient,
  type ApiClientWithSecretView,
  type WebhookDeliveryView,
  type WebhookView,
} from '@dispatch/api-client';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { type ReactNode, useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Providers } from '../../test/render';
import { ApiClientsPanel } from './ApiClientsPanel';
import { DeliveryRow } from './DeliveriesPanel';
import { EventPicker } from './EventPicker';
import { ShownOnce } from './ShownOnce';
import { DisabledAlert, WebhookRow } from './WebhooksPanel';

function withQueryClient(children: ReactNode) {
  return <Providers>{children}</Providers>;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const webhook: WebhookView = {
  id: 'wh-1',
  url: 'https://erp.example.com/dispatch/webhooks',
  events: ['work_order.created', 'work_order.queued', 'dispatch.completed'],
  description: 'SAP S/4 production',
  enabled: true,
  disabledAt: null,
  disabledBy: null,
  disabledReason: null,
  failingSince: null,
  pendingDeliveries: 0,
  failedDeliveries: 0,
  createdBy: { subject: 'sub-ada', name: 'Ada Admin' },
  createdAt: '2026-11-21T10:00:00.000Z',
  updatedAt: '2026-11-21T10:00:00.000Z',
};

const disabledWebhook: WebhookView = {
  ...webhook,
  enabled: false,
  disabledAt: '2026-11-22T10:00:00.000Z',
  disabledBy: 'failures',
  disabledReason:
    'Every delivery failed for 24 h (last: HTTP 503); re-enable it once the receiver works',
  failingSince: '2026-11-21T10:00:00.000Z',
  pendingDeliveries: 12,
  failedDeliveries: 3,
};

describe('EventPicker', () => {
  function Picker({ initial = [] as string[] }) {
    const [value, setValue] = useState(initial);
    return <EventPicker value={value} onChange={setValue} />;
  }

  it('chooses a whole group with its box, shows a group partly chosen, and clears it', () => {
    render(<Picker initial={['dispatch.completed']} />);
    const group = screen.getByLabelText('Dispatches (all events)');
    expect(group.getAttribute('aria-checked')).toBe('mixed');
    expect((group as HTMLInputElement).indeterminate).toBe(true);
    fireEvent.click(group);
    // (getByRole walks the accessibility tree of ~50 boxes: slow on a busy machine.)
    const dispatches = [
      ...(group.closest('fieldset') as HTMLElement).querySelectorAll<HTMLInputElement>(
        'input[type=checkbox]',
      ),
    ].slice(1);
    expect(dispatches).toHaveLength(7);
    expect(dispatches.every((box) => box.checked)).toBe(true);
    expect(group.getAttribute('aria-checked')).toBe('true');
    fireEvent.click(group);
    expect(dispatches.some((box) => box.checked)).toBe(false);
  });

  it('names each box by entity and action, in words', () => {
    render(<Picker />);
    const box = screen.getByLabelText('Dispatch en route') as HTMLInputElement;
    expect(box.value).toBe('dispatch.en_route');
    fireEvent.click(box);
    expect(box.checked).toBe(true);
    expect(screen.getByText(/1 of \d+ chosen/)).toBeTruthy();
    // No raw event type is shown as text.
    expect(document.body.textContent).not.toMatch(/dispatch\.en_route|work_order\./);
  });
});

describe('WebhookRow', () => {
  const actions = {
    onShowDeliveries: vi.fn(),
    onEdit: vi.fn(),
    onSetEnabled: vi.fn(),
    onTest: vi.fn(),
    onRotate: vi.fn(),
    onDelete: vi.fn(),
  };
  const row = (view: WebhookView) =>
    render(
      <table>
        <tbody>
          <WebhookRow
            webhook={view}
            createdBy="Ada Admin"
            selected={false}
            busy={false}
            {...actions}
          />
        </tbody>
      </table>,
    );

  it('shows an active endpoint in words and lets the admin pause it or send a test', () => {
    row(webhook);
    expect(screen.getByTestId('webhook-state').textContent).toBe('Active');
    expect(screen.getByText('Work orders: created, queued; Dispatches: completed')).toBeTruthy();
    expect(screen.getByText('none waiting')).toBeTruthy();
    expect(screen.getByText(/by Ada Admin/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /^Pause/ }));
    fireEvent.click(screen.getByRole('button', { name: /^Send test event/ }));
    expect(actions.onSetEnabled).toHaveBeenCalledWith(false);
    expect(actions.onTest).toHaveBeenCalledTimes(1);
  });

  it('marks an endpoint disabled after failing, with its counts, and offers re-enabling', () => {
    row(disabledWebhook);
    expect(screen.getByTestId('webhook-state').textContent).toBe('Disabled after failing');
    expect(screen.getByTestId('webhook-counts').textContent).toBe('12 pending3 failed');
    expect(screen.getByText(/failing since Nov 21, 2026/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /^Re-enable/ }));
    expect(actions.onSetEnabled).toHaveBeenCalledWith(true);
  });
});

describe('DisabledAlert', () => {
  it('says prominently why and since when, and how to recover', () => {
    const onReenable = vi.fn();
    render(
      <DisabledAlert
        webhook={disabledWebhook}
        pending={false}
        onReenable={onReenable}
        onShowDeliveries={vi.fn()}
      />,
    );
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain(
      'Webhook to https://erp.example.com/dispatch/webhooks was disabled after failing.',
    );
    expect(alert.textContent).toContain('Every delivery has failed since Nov 21, 2026');
    expect(alert.textContent).toContain(disabledWebhook.disabledReason);
    expect(alert.textContent).toContain(
      '12 deliveries wait. Once it is re-enabled, they are sent first, then every event that happened while it was disabled, in order.',
    );
    fireEvent.click(within(alert).getByRole('button', { name: /^Re-enable/ }));
    expect(onReenable).toHaveBeenCalledTimes(1);
  });
});

describe('DeliveryRow', () => {
  it('reads as words: event, status, answer, duration', () => {
    const delivery: WebhookDeliveryView = {
      id: 'dl-1',
      messageId: 'msg_2x9',
      eventId: null,
      eventType: 'webhook.test',
      status: 'delivered',
      attempts: 1,
      createdAt: '2026-11-21T10:00:00.000Z',
      deliveredAt: '2026-11-21T10:00:01.000Z',
      lastAttemptAt: '2026-11-21T10:00:01.000Z',
      nextAttemptAt: null,
      lastStatusCode: 204,
      lastError: null,
      lastDurationMs: 235,
    };
    render(
      <table>
        <tbody>
          <DeliveryRow delivery={delivery} now={new Date()} open={false} onToggle={vi.fn()} />
        </tbody>
      </table>,
    );
    const cells = screen.getAllByRole('cell').map((cell) => cell.textContent);
    expect(cells.slice(0, 6)).toEqual([
      'Test event',
      'msg_2x9',
      'Delivered',
      '1',
      'HTTP 204',
      '235 ms',
    ]);
    expect(cells[6]).toMatch(/^Delivered Nov 21, 2026/);
    expect(screen.getByRole('button', { name: 'Details of Test event msg_2x9' })).toBeTruthy();
  });
});

describe('ShownOnce', () => {
  it('shows the secret with a copy button and closes only on purpose', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    vi.stubGlobal('navigator', { clipboard: { writeText } });
    const onDone = vi.fn();
    render(
      withQueryClient(
        <ShownOnce
          title="Webhook created"
          testId="secret"
          onDone={onDone}
          values={[{ label: 'Signing secret', value: 'whsec_abc', secret: true }]}
        />,
      ),
    );
    const dialog = screen.getByRole('dialog', { name: 'Webhook created' });
    expect(dialog.textContent).toContain('You will not see the secret again.');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Copy signing secret' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Copied'));
    expect(writeText).toHaveBeenCalledWith('whsec_abc');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(onDone).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByRole('button', { name: /I have stored it/ }));
    expect(onDone).toHaveBeenCalledTimes(1);
  });
});

describe('ApiClientsPanel', () => {
  const created: ApiClientWithSecretView = {
    id: 'ac-1',
    clientId: 'acme-sap-s4-1a2b3c4d',
    clientSecret: 'Zm9vYmFyLXNlY3JldA',
    name: 'SAP S/4',
    description: null,
    role: 'dispatcher',
    createdAt: '2026-11-21T10:00:00.000Z',
    createdBy: { subject: 'sub-ada', name: 'Ada Admin' },
    secretRotatedAt: null,
  };
  let requests: { method: string; url: string; body?: unknown }[];
  let listed: unknown[];

  beforeEach(() => {
    requests = [];
    listed = [];
    configureApiClient({ baseUrl: 'http://api.test', token: async () => 'token' });
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        const method = init.method ?? 'GET';
        requests.push({
          method,
          url,
          body: init.body ? JSON.parse(String(init.body)) : undefined,
        });
        if (method === 'POST') {
          const { clientSecret: _secret, ...view } = created;
          listed = [view];
          return new Response(JSON.stringify(created), { status: 201 });
        }
        return new Response(
          JSON.stringify({ items: listed, total: listed.length, limit: 200, offset: 0 }),
        );
      }),
    );
  });

  it('creates a client, shows its secret and token request once, then forgets them', async () => {
    render(withQueryClient(<ApiClientsPanel />));
    await screen.findByText('No API clients yet.');
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: ' SAP S/4 ' } });
    // The role is a Mantine select: opened, then its option chosen, as a user does.
    fireEvent.click(screen.getByRole('combobox', { name: 'Role' }));
    fireEvent.click(await screen.findByRole('option', { name: /^Viewer/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Create API client' }));
    const dialog = await screen.findByRole('dialog', { name: 'API client “SAP S/4” created' });
    expect(requests.find((request) => request.method === 'POST')?.body).toEqual({
      name: 'SAP S/4',
      role: 'viewer',
    });
    expect(within(dialog).getByTestId('shown-client-secret').textContent).toBe(
      created.clientSecret,
    );
    expect(within(dialog).getByTestId('token-curl').textContent).toContain(
      "--data-urlencode 'client_secret=Zm9vYmFyLXNlY3JldA'",
    );
    expect(within(dialog).getByTestId('token-curl').textContent).toContain(
      '/realms/dispatch/protocol/openid-connect/token',
    );
    fireEvent.click(within(dialog).getByRole('button', { name: /I have stored it/ }));
    expect(screen.queryByRole('dialog')).toBe(null);
    const table = await screen.findByTestId('api-clients');
    expect(within(table).getByText('acme-sap-s4-1a2b3c4d')).toBeTruthy();
    expect(document.body.textContent).not.toContain(created.clientSecret);
  });

  it('asks before deleting, naming the client', async () => {
    listed = [{ ...created, clientSecret: undefined }];
    render(withQueryClient(<ApiClientsPanel />));
    fireEvent.click(await screen.findByRole('button', { name: 'Delete SAP S/4' }));
    const dialog = await screen.findByRole('dialog', {
      name: 'Delete the API client “SAP S/4”?',
    });
    // The safe answer has the focus.
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Cancel'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBe(null);
    expect(requests.some((request) => request.method === 'DELETE')).toBe(false);
  });
});
