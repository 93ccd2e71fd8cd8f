import {
  type EventName,
  getWebhooksDeliveriesQueryKey,
  getWebhooksGetQueryKey,
  getWebhooksListQueryKey,
  useWebhooksCreate,
  useWebhooksRemove,
  useWebhooksRotateSecret,
  useWebhooksTest,
  useWebhooksUpdate,
  type WebhookView,
} from '@dispatch/api-client';
import { useQueryClient } from '@tanstack/react-query';
import { type ButtonHTMLAttributes, Fragment, useState } from 'react';
import { ConfirmDialog } from '../../ui/Dialog';
import { toast } from '../../ui/toast';
import { useAllWebhooks } from '../records/whole-lists';
import { problemText } from '../board/problem-text';
import { confirmationOf } from './confirmation';
import { SUBSCRIBABLE_EVENTS } from './EventPicker';
import {
  eventSummary,
  formatDate,
  formatDateTime,
  WEBHOOK_STATE_LABEL,
  webhookState,
} from './integrations-logic';
import { ShownOnce } from './ShownOnce';
import { WebhookForm, type WebhookFormValues } from './WebhookForm';

/** While deliveries wait, the list's counts are read again this often (they are not events). */
const BUSY_REFRESH_MS = 5_000;

type Confirming = { kind: 'rotate' | 'delete'; webhook: WebhookView };
type Shown = { url: string; secret: string; previousValidUntil?: string };

/**
 * The organization's webhook endpoints: create (the signing secret shown once), edit, pause and
 * re-enable, send a test event, rotate the secret, delete; an endpoint the API disabled after
 * failing is called out above the list.
 */
export function WebhooksPanel({
  selectedId,
  onSelect,
}: {
  selectedId: string | undefined;
  onSelect: (id: string | undefined) => void;
}) {
  const queryClient = useQueryClient();
  const list = useAllWebhooks((query) =>
    query.state.data?.items.some((webhook) => webhook.pendingDeliveries > 0)
      ? BUSY_REFRESH_MS
      : false,
  );
  const create = useWebhooksCreate();
  const update = useWebhooksUpdate();
  const remove = useWebhooksRemove();
  const rotate = useWebhooksRotateSecret();
  const test = useWebhooksTest();
  const [editing, setEditing] = useState<string>();
  const [confirming, setConfirming] = useState<Confirming>();
  const [shown, setShown] = useState<Shown>();

  const refresh = (id?: string) => {
    void queryClient.invalidateQueries({ queryKey: getWebhooksListQueryKey() });
    if (id) {
      void queryClient.invalidateQueries({ queryKey: getWebhooksGetQueryKey(id) });
      void queryClient.invalidateQueries({ queryKey: getWebhooksDeliveriesQueryKey(id) });
    }
  };

  const createWebhook = (values: WebhookFormValues, done: () => void) => {
    create.mutate(
      {
        data: {
          url: values.url,
          events: values.events as EventName[],
          ...(values.description ? { description: values.description } : {}),
        },
      },
      {
        onSuccess: (webhook) => {
          setShown({ url: webhook.url, secret: webhook.secret });
          done();
          refresh();
        },
      },
    );
  };

  const saveWebhook = (webhook: WebhookView, values: WebhookFormValues) =>
    update.mutate(
      {
        id: webhook.id,
        data: {
          url: values.url,
          events: values.events as EventName[],
          description: values.description || null,
        },
      },
      {
        onSuccess: () => {
          setEditing(undefined);
          toast(`Webhook to ${values.url} saved.`);
          refresh(webhook.id);
        },
      },
    );

  const setEnabled = (webhook: WebhookView, enabled: boolean) => {
    update.mutate(
      { id: webhook.id, data: { enabled } },
      {
        onSuccess: () => {
          toast(
            enabled
              ? `Webhook to ${webhook.url} is active again: waiting deliveries are sent now.`
              : `Webhook to ${webhook.url} paused: deliveries already waiting are held until it is resumed, and events meanwhile are not sent to it.`,
          );
          refresh(webhook.id);
        },
      },
    );
  };

  const sendTest = (webhook: WebhookView) => {
    test.mutate(
      { id: webhook.id },
      {
        onSuccess: () => {
          onSelect(webhook.id);
          toast(
            `Test event queued for ${webhook.url}${webhook.enabled ? '' : ' (it waits while the endpoint is not active)'}: see its delivery below.`,
          );
          refresh(webhook.id);
        },
      },
    );
  };

  const confirm = () => {
    if (!confirming) return;
    const { webhook } = confirming;
    if (confirming.kind === 'rotate')
      rotate.mutate(
        { id: webhook.id },
        {
          onSuccess: (answer) => {
            setConfirming(undefined);
            setShown({
              url: webhook.url,
              secret: answer.secret,
              previousValidUntil: answer.previousSecretValidUntil,
            });
            refresh(webhook.id);
          },
        },
      );
    else
      remove.mutate(
        { id: webhook.id },
        {
          onSuccess: () => {
            setConfirming(undefined);
            remove.reset();
            if (selectedId === webhook.id) onSelect(undefined);
            if (editing === webhook.id) setEditing(undefined);
            toast(`Webhook to ${webhook.url} deleted.`);
            refresh();
          },
        },
      );
  };

  const forgetSecret = () => {
    setShown(undefined);
    create.reset();
    rotate.reset();
  };

  const webhooks = list.data?.items ?? [];
  const disabled = webhooks.filter((webhook) => webhookState(webhook) === 'disabled');
  const actionError = update.error ?? test.error;

  return (
    <section className="panel" aria-labelledby="integrations-webhooks">
      <h2 id="integrations-webhooks">Webhooks</h2>
      <p className="muted intro">
        Dispatch sends the events chosen here to the ERP’s endpoint as they happen, signed as the
        Standard Webhooks specification says (headers <code className="mono">webhook-id</code>,{' '}
        <code className="mono">webhook-timestamp</code>,{' '}
        <code className="mono">webhook-signature</code>), and retries for hours when the endpoint
        does not answer with a 2xx.
      </p>
      {disabled.map((webhook) => (
        <DisabledAlert
          key={webhook.id}
          webhook={webhook}
          pending={update.isPending}
          onReenable={() => setEnabled(webhook, true)}
          onShowDeliveries={() => onSelect(webhook.id)}
        />
      ))}
      <div className="create-webhook">
        <h3>New webhook</h3>
        <WebhookForm
          testId="create-webhook"
          submitLabel="Create webhook"
          pending={create.isPending}
          error={create.error}
          onSubmit={createWebhook}
        />
      </div>
      {actionError ? (
        <p className="error" role="alert">
          {problemText(actionError)}
        </p>
      ) : null}
      {list.isPending ? (
        <p className="muted">Loading…</p>
      ) : list.isError ? (
        <p className="error" role="alert">
          The webhooks could not be loaded: {problemText(list.error)}
        </p>
      ) : webhooks.length === 0 ? (
        <p className="muted">No webhooks yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="table webhooks-table" data-testid="webhooks">
            <caption className="visually-hidden">Webhook endpoints</caption>
            <thead>
              <tr>
                <th scope="col">Endpoint</th>
                <th scope="col">Events</th>
                <th scope="col">Status</th>
                <th scope="col">Deliveries</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {webhooks.map((webhook) => (
                <Fragment key={webhook.id}>
                  <WebhookRow
                    webhook={webhook}
                    createdBy={webhook.createdBy.name}
                    selected={selectedId === webhook.id}
                    busy={update.isPending || test.isPending}
                    onShowDeliveries={() =>
                      onSelect(selectedId === webhook.id ? undefined : webhook.id)
                    }
                    onEdit={() => setEditing(editing === webhook.id ? undefined : webhook.id)}
                    onSetEnabled={(enabled) => setEnabled(webhook, enabled)}
                    onTest={() => sendTest(webhook)}
                    onRotate={() => setConfirming({ kind: 'rotate', webhook })}
                    onDelete={() => setConfirming({ kind: 'delete', webhook })}
                  />
                  {editing === webhook.id && (
                    <tr className="webhook__edit">
                      <td colSpan={6}>
                        <h3 className="visually-hidden">Edit the webhook to {webhook.url}</h3>
                        <WebhookForm
                          testId="edit-webhook"
                          submitLabel="Save changes"
                          initial={{
                            url: webhook.url,
                            description: webhook.description ?? '',
                            events: webhook.events,
                          }}
                          pending={update.isPending}
                          error={update.error}
                          onSubmit={(values) => saveWebhook(webhook, values)}
                          onCancel={() => {
                            setEditing(undefined);
                            update.reset();
                          }}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
          {(list.data?.total ?? 0) > webhooks.length && (
            <p className="muted">
              Showing the first {webhooks.length} of {list.data?.total} webhooks.
            </p>
          )}
        </div>
      )}
      {confirming?.kind === 'rotate' && (
        <ConfirmDialog
          title={`Rotate the signing secret of ${confirming.webhook.url}?`}
          confirmLabel="Rotate secret"
          {...confirmationOf(rotate, () => setConfirming(undefined))}
          onConfirm={confirm}
        >
          <p>
            A new secret is made and shown once. For a while messages are signed with both the new
            and the old secret, so the receiver can switch without losing any.
          </p>
        </ConfirmDialog>
      )}
      {confirming?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete the webhook to ${confirming.webhook.url}?`}
          confirmLabel="Delete webhook"
          {...confirmationOf(remove, () => setConfirming(undefined))}
          onConfirm={confirm}
        >
          <p>
            No more events are sent to it, deliveries still waiting are dropped, and its delivery
            log is deleted. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
      {shown && (
        <ShownOnce
          title={shown.previousValidUntil ? 'New signing secret' : 'Webhook created'}
          testId="webhook-secret"
          onDone={forgetSecret}
          values={[
            { label: 'Endpoint', value: shown.url },
            {
              label: 'Signing secret',
              value: shown.secret,
              secret: true,
              testId: 'shown-webhook-secret',
            },
          ]}
        >
          <p className="muted small">
            The receiver checks each message’s <code className="mono">webhook-signature</code> with
            this secret (any Standard Webhooks library does it).
            {shown.previousValidUntil &&
              ` Messages are signed with the previous secret as well until ${formatDateTime(shown.previousValidUntil)}.`}
          </p>
        </ShownOnce>
      )}
    </section>
  );
}

/** An endpoint the API gave up on: what happened, since when, and the way back. */
export function DisabledAlert({
  webhook,
  pending,
  onReenable,
  onShowDeliveries,
}: {
  webhook: WebhookView;
  pending: boolean;
  onReenable: () => void;
  onShowDeliveries: () => void;
}) {
  return (
    <div className="alert alert--danger" role="alert" data-testid="webhook-disabled">
      <p>
        <strong>Webhook to {webhook.url} was disabled after failing.</strong>{' '}
        {webhook.failingSince && (
          <>Every delivery has failed since {formatDateTime(webhook.failingSince)}. </>
        )}
        {webhook.disabledAt && <>Disabled {formatDateTime(webhook.disabledAt)}. </>}
      </p>
      {webhook.disabledReason && <p className="alert__reason">{webhook.disabledReason}</p>}
      <p>
        {webhook.pendingDeliveries > 0
          ? `${webhook.pendingDeliveries} ${webhook.pendingDeliveries === 1 ? 'delivery waits' : 'deliveries wait'}. Once it is re-enabled, ${webhook.pendingDeliveries === 1 ? 'it is' : 'they are'} sent first, then every event that happened while it was disabled, in order.`
          : 'Once it is re-enabled, every event that happened while it was disabled is sent, in order.'}
      </p>
      <div className="actions">
        <button
          type="button"
          className="small"
          aria-label={`Re-enable ${webhook.url}`}
          disabled={pending}
          onClick={onReenable}
        >
          Re-enable
        </button>
        <button type="button" className="small" onClick={onShowDeliveries}>
          See its deliveries
        </button>
      </div>
    </div>
  );
}

/** One endpoint: its state in words, what it receives, what waits, and what an admin can do. */
export function WebhookRow({
  webhook,
  createdBy,
  selected,
  busy,
  onShowDeliveries,
  onEdit,
  onSetEnabled,
  onTest,
  onRotate,
  onDelete,
}: {
  webhook: WebhookView;
  createdBy: string;
  selected: boolean;
  busy: boolean;
  onShowDeliveries: () => void;
  onEdit: () => void;
  onSetEnabled: (enabled: boolean) => void;
  onTest: () => void;
  onRotate: () => void;
  onDelete: () => void;
}) {
  const state = webhookState(webhook);
  const enable = state === 'paused' ? 'Resume' : 'Re-enable';
  /** A button named after what it does and the endpoint it does it to (rows look alike). */
  const button = (
    label: string,
    suffix: string,
    onClick: () => void,
    extra: ButtonHTMLAttributes<HTMLButtonElement> = {},
  ) => (
    <button
      type="button"
      className="small"
      aria-label={`${label} ${suffix}`}
      onClick={onClick}
      {...extra}
    >
      {label}
    </button>
  );
  return (
    <tr
      data-webhook-url={webhook.url}
      data-state={state}
      className={selected ? 'row--selected' : state === 'disabled' ? 'row--danger' : undefined}
    >
      <td className="webhook__url">
        <code className="mono">{webhook.url}</code>
        {webhook.description && <div className="muted small">{webhook.description}</div>}
      </td>
      <td className="small">{eventSummary(webhook.events, SUBSCRIBABLE_EVENTS)}</td>
      <td>
        <span className={`badge badge--webhook-${state}`} data-testid="webhook-state">
          {WEBHOOK_STATE_LABEL[state]}
        </span>
        {webhook.failingSince && (
          <div className="small error">failing since {formatDateTime(webhook.failingSince)}</div>
        )}
        {state === 'paused' && webhook.disabledAt && (
          <div className="small muted">since {formatDateTime(webhook.disabledAt)}</div>
        )}
      </td>
      <td className="small" data-testid="webhook-counts">
        {webhook.pendingDeliveries === 0 && webhook.failedDeliveries === 0 ? (
          <span className="muted">none waiting</span>
        ) : (
          <>
            {webhook.pendingDeliveries > 0 && <div>{webhook.pendingDeliveries} pending</div>}
            {webhook.failedDeliveries > 0 && (
              <div className="error">{webhook.failedDeliveries} failed</div>
            )}
          </>
        )}
      </td>
      <td className="small">
        <span title={formatDateTime(webhook.createdAt)}>{formatDate(webhook.createdAt)}</span>{' '}
        <span className="muted">by {createdBy}</span>
      </td>
      <td>
        <div className="actions actions--wrap">
          {button('Deliveries', `to ${webhook.url}`, onShowDeliveries, {
            'aria-pressed': selected,
          })}
          {button('Edit', webhook.url, onEdit)}
          {state === 'active' || state === 'failing'
            ? button('Pause', webhook.url, () => onSetEnabled(false), { disabled: busy })
            : button(enable, webhook.url, () => onSetEnabled(true), { disabled: busy })}
          {button('Send test event', `to ${webhook.url}`, onTest, { disabled: busy })}
          {button('Rotate secret', `of ${webhook.url}`, onRotate)}
          {button('Delete', webhook.url, onDelete, { className: 'small danger' })}
        </div>
      </td>
    </tr>
  );
}
