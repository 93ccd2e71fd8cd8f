import {
  type CreateUserDtoRole,
  useUsersCreate,
  useUsersList,
  useUsersResetPassword,
  useUsersUpdate,
  type UserView,
} from '@dispatch/api-client';
import { Alert, Button, Group, Modal, PasswordInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { toast } from '../../ui/toast';
import { problemText } from '../board/problem-text';

/** Keycloak's password policy of the realm: at least this long. */
const PASSWORD_MIN = 8;

const ROLES: CreateUserDtoRole[] = ['dispatcher', 'driver', 'viewer', 'admin'];

/** The organization's users (kept in Keycloak): create, change role, disable, reset a password. */
export function UsersPanel() {
  const users = useUsersList();
  const create = useUsersCreate();
  const update = useUsersUpdate();
  const [resetting, setResetting] = useState<UserView>();
  const [form, setForm] = useState({
    username: '',
    email: '',
    firstName: '',
    lastName: '',
    role: 'dispatcher' as CreateUserDtoRole,
    password: '',
  });
  const refresh = () => void users.refetch();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { data: { ...form, temporaryPassword: true } },
      {
        onSuccess: (user) => {
          toast(
            `${user.username} can now sign in with the temporary password and must choose a new one.`,
          );
          setForm({ ...form, username: '', email: '', firstName: '', lastName: '', password: '' });
          refresh();
        },
      },
    );
  };
  const field = (name: keyof typeof form) => ({
    name,
    value: form[name],
    onChange: (event: { target: { value: string } }) =>
      setForm({ ...form, [name]: event.target.value }),
  });
  const error: unknown = create.error ?? update.error;

  return (
    <section className="panel" aria-labelledby="admin-users">
      <h2 id="admin-users">Users</h2>
      <form className="form" onSubmit={submit} data-testid="create-user">
        <label>
          Username
          <input required pattern="[a-z0-9][a-z0-9._\-]{2,59}" {...field('username')} />
        </label>
        <label>
          Email
          <input required type="email" {...field('email')} />
        </label>
        <label>
          First name
          <input required {...field('firstName')} />
        </label>
        <label>
          Last name
          <input required {...field('lastName')} />
        </label>
        <label>
          Role
          <select {...field('role')}>
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
        </label>
        <label>
          Temporary password
          <input required minLength={8} type="password" {...field('password')} />
        </label>
        <button type="submit" disabled={create.isPending}>
          Create user
        </button>
      </form>
      {error ? <p className="error">{problemText(error)}</p> : null}
      <div className="table-scroll">
        <table className="table" data-testid="users">
          <thead>
            <tr>
              <th>Username</th>
              <th>Name</th>
              <th>Role</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.data?.map((user) => (
              <tr key={user.id} data-username={user.username}>
                <td>{user.username}</td>
                <td>{user.name}</td>
                <td>{user.role ?? '—'}</td>
                <td>
                  <span className={`badge badge--${user.enabled ? 'valid' : 'expired'}`}>
                    {user.enabled ? 'active' : 'disabled'}
                  </span>
                </td>
                <td className="actions">
                  <button
                    className="small"
                    onClick={() =>
                      update.mutate(
                        { id: user.id, data: { enabled: !user.enabled } },
                        { onSuccess: refresh },
                      )
                    }
                  >
                    {user.enabled ? 'Disable' : 'Enable'}
                  </button>
                  <button className="small" onClick={() => setResetting(user)}>
                    Reset password
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {resetting && <ResetPassword user={resetting} onClose={() => setResetting(undefined)} />}
    </section>
  );
}

/** A temporary password for a user, who must choose a new one at their next sign-in. */
function ResetPassword({ user, onClose }: { user: UserView; onClose: () => void }) {
  const reset = useUsersResetPassword();
  const [password, setPassword] = useState('');
  const [tooShort, setTooShort] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password.length < PASSWORD_MIN) {
      setTooShort(true);
      return;
    }
    reset.mutate(
      { id: user.id, data: { password, temporary: true } },
      {
        onSuccess: () => {
          toast(`Password of ${user.username} reset: they choose a new one when they sign in.`);
          onClose();
        },
      },
    );
  };
  return (
    <Modal opened onClose={onClose} title={`Reset the password of ${user.username}`}>
      <form onSubmit={submit} noValidate data-testid="reset-password">
        <PasswordInput
          label="Temporary password"
          description={`${PASSWORD_MIN} characters or more; ${user.name || user.username} chooses a new one at the next sign-in`}
          name="password"
          autoComplete="new-password"
          data-autofocus
          value={password}
          onChange={(event) => {
            setPassword(event.currentTarget.value);
            setTooShort(false);
          }}
          error={tooShort ? `At least ${PASSWORD_MIN} characters` : undefined}
        />
        {reset.isError && (
          <Alert color="red" role="alert" mt="sm">
            {problemText(reset.error)}
          </Alert>
        )}
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={reset.isPending}>
            Reset password
          </Button>
        </Group>
      </form>
    </Modal>
  );
}
