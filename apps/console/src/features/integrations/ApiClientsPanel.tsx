import {
  type ApiClientRole,
  type ApiClientView,
  type ApiClientWithSecretView,
  getApiClientsListQueryKey,
  useApiClientsCreate,
  useApiClientsList,
  useApiClientsRemove,
  useApiClientsRotateSecret,
} from '@dispatch/api-client';
import { Select } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { config } from '../../config';
import { ConfirmDialog } from '../../ui/Dialog';
import { toast } from '../../ui/toast';
import { problemText } from '../board/problem-text';
import { confirmationOf } from './confirmation';
import {
  formatDate,
  formatDateTime,
  ROLE_HINT,
  ROLE_LABEL,
  tokenRequestCurl,
  tokenUrl,
} from './integrations-logic';
import { ShownOnce } from './ShownOnce';
import { CopyButton } from '../../ui/CopyButton';

const ROLES: ApiClientRole[] = ['dispatcher', 'viewer'];
const LIMIT = 200;

type Pending = { kind: 'rotate' | 'delete'; client: ApiClientView };

/**
 * Machine clients of the organization (an ERP): each a Keycloak client whose secret is shown once,
 * at creation and after each rotation, with the token request to paste into a shell.
 */
export function ApiClientsPanel() {
  const queryClient = useQueryClient();
  const list = useApiClientsList({ limit: LIMIT });
  const create = useApiClientsCreate();
  const rotate = useApiClientsRotateSecret();
  const remove = useApiClientsRemove();
  const [form, setForm] = useState({
    name: '',
    role: 'dispatcher' as ApiClientRole,
    description: '',
  });
  const [shown, setShown] = useState<{ client: ApiClientWithSecretView; rotated: boolean }>();
  const [pending, setPending] = useState<Pending>();
  const refresh = () =>
    void queryClient.invalidateQueries({ queryKey: getApiClientsListQueryKey() });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const description = form.description.trim();
    create.mutate(
      {
        data: { name: form.name.trim(), role: form.role, ...(description ? { description } : {}) },
      },
      {
        onSuccess: (client) => {
          setShown({ client, rotated: false });
          setForm({ name: '', role: form.role, description: '' });
          refresh();
        },
      },
    );
  };

  /** Drops the secret from memory: the dialog's state and the mutation's answer. */
  const forgetSecret = () => {
    setShown(undefined);
    create.reset();
    rotate.reset();
  };

  const confirm = () => {
    if (!pending) return;
    const { client } = pending;
    if (pending.kind === 'rotate')
      rotate.mutate(
        { id: client.id },
        {
          onSuccess: (rotated) => {
            setPending(undefined);
            setShown({ client: rotated, rotated: true });
            refresh();
          },
        },
      );
    else
      remove.mutate(
        { id: client.id },
        {
          onSuccess: () => {
            setPending(undefined);
            toast(`API client “${client.name}” deleted: it can no longer get tokens.`);
            remove.reset();
            refresh();
          },
        },
      );
  };

  const url = tokenUrl(config.keycloakUrl, config.realm);

  return (
    <section className="panel" aria-labelledby="integrations-api-clients">
      <h2 id="integrations-api-clients">API clients</h2>
      <p className="muted intro">
        An ERP system signs in as an API client: it gets tokens from{' '}
        <code className="mono">{url}</code> with the client-credentials grant and acts with the role
        given here.
      </p>
      <form className="form" onSubmit={submit} data-testid="create-api-client">
        <label>
          Name
          <input
            name="name"
            required
            maxLength={100}
            placeholder="SAP S/4HANA production"
            value={form.name}
            onChange={(event) => setForm({ ...form, name: event.target.value })}
          />
        </label>
        <Select
          label="Role"
          name="role"
          allowDeselect={false}
          data={ROLES.map((role) => ({
            value: role,
            label: `${ROLE_LABEL[role]} — ${ROLE_HINT[role]}`,
          }))}
          value={form.role}
          onChange={(role) => role && setForm({ ...form, role: role as ApiClientRole })}
        />
        <label className="form__wide">
          Description (optional)
          <input
            name="description"
            maxLength={500}
            placeholder="Creates work orders from maintenance notifications"
            value={form.description}
            onChange={(event) => setForm({ ...form, description: event.target.value })}
          />
        </label>
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create API client'}
        </button>
        {create.isError ? (
          <p className="error form__wide" role="alert">
            {problemText(create.error)}
          </p>
        ) : null}
      </form>
      {list.isPending ? (
        <p className="muted">Loading…</p>
      ) : list.isError ? (
        <p className="error" role="alert">
          The API clients could not be loaded: {problemText(list.error)}
        </p>
      ) : list.data.items.length === 0 ? (
        <p className="muted">No API clients yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="table" data-testid="api-clients">
            <caption className="visually-hidden">API clients</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Client ID</th>
                <th scope="col">Created</th>
                <th scope="col">Secret rotated</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((client) => (
                <tr key={client.id} data-client-name={client.name}>
                  <td>
                    <strong>{client.name}</strong>
                    {client.description && <div className="muted small">{client.description}</div>}
                  </td>
                  <td>{ROLE_LABEL[client.role] ?? client.role}</td>
                  <td>
                    <code className="mono">{client.clientId}</code>{' '}
                    <CopyButton value={client.clientId} what={`client ID of ${client.name}`} />
                  </td>
                  <td>
                    <span title={formatDateTime(client.createdAt)}>
                      {formatDate(client.createdAt)}
                    </span>{' '}
                    <span className="muted">by {client.createdBy.name}</span>
                  </td>
                  <td>
                    {client.secretRotatedAt ? formatDateTime(client.secretRotatedAt) : 'Never'}
                  </td>
                  <td>
                    <div className="actions">
                      <button
                        type="button"
                        className="small"
                        aria-label={`Rotate secret of ${client.name}`}
                        onClick={() => setPending({ kind: 'rotate', client })}
                      >
                        Rotate secret
                      </button>
                      <button
                        type="button"
                        className="small danger"
                        aria-label={`Delete ${client.name}`}
                        onClick={() => setPending({ kind: 'delete', client })}
                      >
                        Delete
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.data.total > list.data.items.length && (
            <p className="muted">
              Showing the first {list.data.items.length} of {list.data.total} API clients.
            </p>
          )}
        </div>
      )}
      {pending?.kind === 'rotate' && (
        <ConfirmDialog
          title={`Rotate the secret of “${pending.client.name}”?`}
          confirmLabel="Rotate secret"
          {...confirmationOf(rotate, () => setPending(undefined))}
          onConfirm={confirm}
        >
          <p>
            A new secret is made and shown once.{' '}
            <strong>The current secret stops working at once</strong>: the ERP using{' '}
            <code className="mono">{pending.client.clientId}</code> gets no new tokens until it is
            given the new secret.
          </p>
        </ConfirmDialog>
      )}
      {pending?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete the API client “${pending.client.name}”?`}
          confirmLabel={`Delete “${pending.client.name}”`}
          {...confirmationOf(remove, () => setPending(undefined))}
          onConfirm={confirm}
        >
          <p>
            <code className="mono">{pending.client.clientId}</code> can no longer get tokens, and
            the tokens it holds are refused within seconds: the ERP using it stops working. This
            cannot be undone.
          </p>
        </ConfirmDialog>
      )}
      {shown && (
        <ShownOnce
          title={
            shown.rotated
              ? `New secret of “${shown.client.name}”`
              : `API client “${shown.client.name}” created`
          }
          testId="api-client-secret"
          onDone={forgetSecret}
          values={[
            { label: 'Client ID', value: shown.client.clientId, testId: 'shown-client-id' },
            {
              label: 'Client secret',
              value: shown.client.clientSecret,
              secret: true,
              testId: 'shown-client-secret',
            },
          ]}
        >
          <TokenRequest
            command={tokenRequestCurl(url, shown.client.clientId, shown.client.clientSecret)}
          />
        </ShownOnce>
      )}
    </section>
  );
}

function TokenRequest({ command }: { command: string }) {
  return (
    <div className="token-request">
      <h3>Get a token</h3>
      <pre className="command" data-testid="token-curl">
        {command}
      </pre>
      <CopyButton value={command} what="token request" />
      <p className="muted small">
        Send the <code className="mono">access_token</code> of the answer as{' '}
        <code className="mono">Authorization: Bearer …</code> to{' '}
        <code className="mono">{config.apiUrl}/api/v1</code>; ask for a new one when it expires.
      </p>
    </div>
  );
}
