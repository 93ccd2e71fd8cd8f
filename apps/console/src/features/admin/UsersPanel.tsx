import {
  type CreateUserDtoRole,
  getUsersListQueryKey,
  useUsersCreate,
  useUsersList,
  useUsersResetPassword,
  useUsersUpdate,
  type UserView,
} from '@dispatch/api-client';
import { zodResolver } from '@hookform/resolvers/zod';
import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  PasswordInput,
  Select,
  TextInput,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Controller, type FieldErrors, type UseFormRegisterReturn, useForm } from 'react-hook-form';
import { controlled } from '../../ui/controlled';
import { DataTable, tableColumns, useListPaging } from '../../ui/DataTable';
import { sliceToPage, sortRows } from '../../ui/paging';
import { toast } from '../../ui/toast';
import { problemText } from '../board/problem-text';
import {
  type CheckedUserForm,
  type CheckedUserProfile,
  EMPTY_USER_FORM,
  PASSWORD_MIN,
  ROLE_LABEL,
  ROLES,
  toCreateUserDto,
  userFormSchema,
  type UserFormValues,
  userProfileFromRecord,
  userProfileSchema,
  type UserProfileValues,
} from './admin-forms';
import { AskButton, useQuestion } from './Questions';
import { EditorDialog, EditorForm } from './EditorDialog';

const ROLE_OPTIONS = ROLES.map((value) => ({ value, label: ROLE_LABEL[value] }));
const columns = tableColumns<UserView>();

/** Whether a user matches a search: username, name or email, in any case. */
function matches(user: UserView, q: string | undefined): boolean {
  if (!q) return true;
  const needle = q.toLowerCase();
  return [user.username, user.name, user.email ?? ''].some((text) =>
    text.toLowerCase().includes(needle),
  );
}

/** What a user is sorted by in a column: the role by its name, the status active first. */
function userSortValue(user: UserView, columnId: string) {
  if (columnId === 'role') return user.role ? ROLE_LABEL[user.role] : '';
  if (columnId === 'enabled') return user.enabled;
  return columnId === 'name' ? user.name : user.username;
}

/**
 * The organization's users (kept in Keycloak, which answers them all at once: searched, sorted and
 * paged here): create, correct a name and email, change a role (a select, asked first), disable or
 * enable, reset a password. The API keeps one enabled admin at least and says so when a change
 * would leave none.
 */
export function UsersPanel() {
  const users = useUsersList();
  const update = useUsersUpdate();
  const paging = useListPaging<'username'>({ initialSort: 'username' });
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<UserView>();
  const [resetting, setResetting] = useState<UserView>();
  const question = useQuestion();
  // Keycloak answers the whole list: the console searches, sorts and pages it itself.
  const found = sortRows(
    (users.data ?? []).filter((user) => matches(user, paging.query.q)),
    paging.sorting,
    userSortValue,
  );
  const page = users.data ? sliceToPage(found, paging.query.offset, paging.query.limit) : undefined;

  const userColumns = columns.columns([
    columns.accessor('username', { header: 'Username', enableSorting: true }),
    columns.accessor('name', { header: 'Name', enableSorting: true }),
    columns.accessor('role', {
      header: 'Role',
      enableSorting: true,
      cell: ({ row }) => (
        <Select
          aria-label={`Role of ${row.original.username}`}
          size="xs"
          allowDeselect={false}
          placeholder="No role"
          data={ROLE_OPTIONS}
          value={row.original.role}
          onChange={(chosen) => {
            const user = row.original;
            if (!chosen || chosen === user.role) return;
            const role = chosen as CreateUserDtoRole;
            const label = ROLE_LABEL[role].toLowerCase();
            question.ask({
              title: `Make ${user.username} ${label}?`,
              confirmLabel: `Make ${label}`,
              done: `${user.username} is now ${label}.`,
              run: () => update.mutateAsync({ id: user.id, data: { role } }),
              body: `${user.name} is ${user.role ? ROLE_LABEL[user.role].toLowerCase() : 'without a role'} now; from their next sign-in they work as ${label}.`,
            });
          }}
          className="users__role"
        />
      ),
    }),
    columns.accessor('enabled', {
      header: 'Status',
      enableSorting: true,
      cell: ({ row }) => (
        <Badge variant="light" color={row.original.enabled ? 'green' : 'gray'} miw="max-content">
          {row.original.enabled ? 'Active' : 'Disabled'}
        </Badge>
      ),
    }),
    columns.display({
      id: 'actions',
      header: () => <span className="visually-hidden">Actions</span>,
      cell: ({ row }) => {
        const user = row.original;
        return (
          <Group gap={4} wrap="nowrap">
            <Button
              size="compact-sm"
              variant="subtle"
              aria-label={`Edit ${user.username}`}
              onClick={() => setEditing(user)}
            >
              Edit
            </Button>
            <AskButton
              label={user.enabled ? 'Disable' : 'Enable'}
              ariaLabel={`${user.enabled ? 'Disable' : 'Enable'} ${user.username}`}
              color={user.enabled ? 'red' : 'blue'}
              onAsk={() =>
                question.ask({
                  title: user.enabled ? `Disable ${user.username}?` : `Enable ${user.username}?`,
                  confirmLabel: user.enabled ? 'Disable user' : 'Enable user',
                  done: `${user.username} ${user.enabled ? 'disabled' : 'enabled'}.`,
                  run: () => update.mutateAsync({ id: user.id, data: { enabled: !user.enabled } }),
                  body: user.enabled
                    ? `${user.name} can no longer sign in, at once. You can enable them again.`
                    : `${user.name} can sign in again with their password.`,
                })
              }
            />
            <Button size="compact-sm" variant="subtle" onClick={() => setResetting(user)}>
              Reset password
            </Button>
          </Group>
        );
      },
    }),
  ]);

  return (
    <section className="panel" aria-labelledby="admin-users">
      <h2 id="admin-users">Users</h2>
      <DataTable
        label="Users"
        testId="users"
        columns={userColumns}
        data={page}
        loading={users.isFetching}
        error={users.isError ? problemText(users.error) : undefined}
        paging={paging}
        rowId={(user) => user.id}
        rowAttributes={(user) => ({ 'data-username': user.username })}
        searchPlaceholder="Username, name or email"
        actions={<Button onClick={() => setCreating(true)}>New user</Button>}
        empty="No user yet."
      />
      {creating && (
        <EditorDialog title="New user" testId="user-dialog" onClose={() => setCreating(false)}>
          <CreateUserForm onDone={() => setCreating(false)} />
        </EditorDialog>
      )}
      {editing && (
        <EditorDialog
          title={`Edit ${editing.username}`}
          testId="user-dialog"
          onClose={() => setEditing(undefined)}
        >
          <EditUserForm user={editing} onDone={() => setEditing(undefined)} />
        </EditorDialog>
      )}
      {question.dialog}
      {resetting && <ResetPassword user={resetting} onClose={() => setResetting(undefined)} />}
    </section>
  );
}

/** A user's name and email, as an admin corrects them; the username (their login) stays. */
function EditUserForm({ user, onDone }: { user: UserView; onDone: () => void }) {
  const update = useUsersUpdate();
  const queryClient = useQueryClient();
  const form = useForm<UserProfileValues, unknown, CheckedUserProfile>({
    resolver: zodResolver(userProfileSchema),
    defaultValues: userProfileFromRecord(user),
  });
  const submit = form.handleSubmit((checked) =>
    update.mutate(
      { id: user.id, data: checked },
      {
        onSuccess: (saved) => {
          toast(`${saved.username} saved: ${saved.name}.`);
          void queryClient.invalidateQueries({ queryKey: getUsersListQueryKey() });
          onDone();
        },
      },
    ),
  );
  return (
    <EditorForm
      testId="edit-user"
      onSubmit={(event) => void submit(event)}
      submitLabel="Save user"
      footer={{ pending: update.isPending, error: update.error, onCancel: onDone }}
    >
      <UserProfileFields register={form.register} errors={form.formState.errors} autofocus />
    </EditorForm>
  );
}

/** Email, first and last name: the fields a new user and an edited one share. */
function UserProfileFields({
  register,
  errors,
  autofocus = false,
}: {
  /** The form's `register` for these fields (a new user's form holds more). */
  register: (name: keyof UserProfileValues) => UseFormRegisterReturn<keyof UserProfileValues>;
  errors: FieldErrors<UserProfileValues>;
  autofocus?: boolean;
}) {
  return (
    <>
      <TextInput
        label="Email"
        type="email"
        required
        data-autofocus={autofocus || undefined}
        error={errors.email?.message}
        {...register('email')}
      />
      <TextInput
        label="First name"
        required
        error={errors.firstName?.message}
        {...register('firstName')}
      />
      <TextInput
        label="Last name"
        required
        error={errors.lastName?.message}
        {...register('lastName')}
      />
    </>
  );
}

/** A new user with a role and a temporary password, which they change at their first sign-in. */
function CreateUserForm({ onDone }: { onDone: () => void }) {
  const create = useUsersCreate();
  const queryClient = useQueryClient();
  const form = useForm<UserFormValues, unknown, CheckedUserForm>({
    resolver: zodResolver(userFormSchema),
    defaultValues: EMPTY_USER_FORM,
  });
  const { errors } = form.formState;
  const submit = form.handleSubmit((checked) =>
    create.mutate(
      { data: toCreateUserDto(checked) },
      {
        onSuccess: (user) => {
          toast(
            `${user.username} can now sign in with the temporary password and must choose a new one.`,
          );
          void queryClient.invalidateQueries();
          onDone();
        },
      },
    ),
  );
  return (
    <EditorForm
      testId="create-user"
      onSubmit={(event) => void submit(event)}
      submitLabel="Create user"
      footer={{ pending: create.isPending, error: create.error, onCancel: onDone }}
    >
      <TextInput
        label="Username"
        required
        data-autofocus
        autoComplete="off"
        error={errors.username?.message}
        {...form.register('username')}
      />
      <UserProfileFields register={(name) => form.register(name)} errors={errors} />
      <Controller
        control={form.control}
        name="role"
        render={({ field, fieldState }) => (
          <Select
            label="Role"
            required
            allowDeselect={false}
            data={ROLE_OPTIONS}
            {...controlled(field, fieldState)}
            onChange={(value) => field.onChange(value ?? 'dispatcher')}
          />
        )}
      />
      <PasswordInput
        label="Temporary password"
        required
        autoComplete="new-password"
        description={`${PASSWORD_MIN} characters or more; changed at the first sign-in`}
        error={errors.password?.message}
        {...form.register('password')}
      />
    </EditorForm>
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
