import {
  type CreateUserDtoRole,
  useUsersCreate,
  useUsersList,
  useUsersResetPassword,
  useUsersUpdate,
} from '@dispatch/api-client';
import { type FormEvent, useState } from 'react';
import { problemText } from '../board/problem-text';

const ROLES: CreateUserDtoRole[] = ['dispatcher', 'driver', 'viewer', 'admin'];

/** The organization's users (kept in Keycloak): create, change role, disable, reset a password. */
export function UsersPanel() {
  const users = useUsersList();
  const create = useUsersCreate();
  const update = useUsersUpdate();
  const reset = useUsersResetPassword();
  const [form, setForm] = useState({
    username: '',
    email: '',
    firstName: '',
    lastName: '',
    role: 'dispatcher' as CreateUserDtoRole,
    password: '',
  });
  const [notice, setNotice] = useState('');
  const refresh = () => void users.refetch();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { data: { ...form, temporaryPassword: true } },
      {
        onSuccess: (user) => {
          setNotice(
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
  const error: unknown = create.error ?? update.error ?? reset.error;

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
      {notice && <p className="notice">{notice}</p>}
      {error ? <p className="error">{problemText(error)}</p> : null}
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
                <button
                  className="small"
                  onClick={() => {
                    const password = window.prompt(
                      `Temporary password for ${user.username} (8 characters or more)`,
                    );
                    if (password)
                      reset.mutate(
                        { id: user.id, data: { password, temporary: true } },
                        { onSuccess: () => setNotice(`Password of ${user.username} reset.`) },
                      );
                  }}
                >
                  Reset password
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
