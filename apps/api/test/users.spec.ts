import { randomUUID } from 'node:crypto';
import { type ApiClient, jwtPayload, passwordToken, tokenFor } from '@dispatch/testing';
import { KeycloakAdminClient } from '../src/core/keycloak/keycloak-admin.client';
import { startTestApp, type TestApp } from './support/test-app';

/** Users of an organization, created and administered in the real Keycloak by the API's service account. */
describe('user administration', () => {
  let testApp: TestApp;
  let acmeAdmin: ApiClient;
  let globexAdmin: ApiClient;

  beforeAll(async () => {
    testApp = await startTestApp();
    acmeAdmin = testApp.api.as(await tokenFor('acme', 'admin'));
    globexAdmin = testApp.api.as(await tokenFor('globex', 'admin'));
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const newUser = (role = 'dispatcher') => {
    const tag = randomUUID().slice(0, 8);
    return {
      username: `acme-${tag}`,
      email: `${tag}@acme.example`,
      firstName: 'New',
      lastName: 'Colleague',
      role,
      password: 'correct-horse-42',
      temporaryPassword: false,
    };
  };

  it('creates a user of the admin’s own organization who can sign in with that role and tenant', async () => {
    const input = newUser('dispatcher');
    const created = await acmeAdmin.post('/users', input);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      username: input.username,
      role: 'dispatcher',
      enabled: true,
      name: 'New Colleague',
    });
    const token = await passwordToken(input.username, input.password);
    expect(jwtPayload(token)).toMatchObject({
      tenant: 'acme',
      realm_access: { roles: expect.arrayContaining(['dispatcher']) },
    });
    expect((await testApp.api.as(token).get('/equipment')).status).toBe(200);
    const list = await acmeAdmin.get('/users');
    expect(list.body.map((user: { username: string }) => user.username)).toEqual(
      expect.arrayContaining([input.username, 'acme-admin']),
    );
    expect(
      list.body.some((user: { username: string }) => user.username.startsWith('globex-')),
    ).toBe(false);
    const audit = await acmeAdmin.get('/audit?action=user.created');
    expect(audit.body.items[0].after).toMatchObject({ username: input.username });
  });

  it('keeps other organizations’ users out of reach (404) and refuses duplicates (409)', async () => {
    const input = newUser('viewer');
    const created = await acmeAdmin.post('/users', input);
    expect(
      (await globexAdmin.get('/users')).body.some(
        (user: { id: string }) => user.id === created.body.id,
      ),
    ).toBe(false);
    expect((await globexAdmin.patch(`/users/${created.body.id}`, { enabled: false })).status).toBe(
      404,
    );
    expect(
      (
        await globexAdmin.post(`/users/${created.body.id}/reset-password`, {
          password: 'hijacked-123',
        })
      ).status,
    ).toBe(404);
    expect((await acmeAdmin.post('/users', input)).status).toBe(409);
  });

  it('disables a user (no more sign-in), changes a role and resets a password', async () => {
    const input = newUser('viewer');
    const created = await acmeAdmin.post('/users', input);
    const promoted = await acmeAdmin.patch(`/users/${created.body.id}`, { role: 'dispatcher' });
    expect(promoted.body.role).toBe('dispatcher');
    expect(
      (
        await acmeAdmin.post(`/users/${created.body.id}/reset-password`, {
          password: 'another-pass-99',
          temporary: false,
        })
      ).status,
    ).toBe(204);
    expect(jwtPayload(await passwordToken(input.username, 'another-pass-99')).tenant).toBe('acme');
    const disabled = await acmeAdmin.patch(`/users/${created.body.id}`, { enabled: false });
    expect(disabled.body.enabled).toBe(false);
    await expect(passwordToken(input.username, 'another-pass-99')).rejects.toThrow(/refused/);
    const still = (await acmeAdmin.get('/users')).body.find(
      (user: { id: string }) => user.id === created.body.id,
    );
    expect(still).toMatchObject({ enabled: false, role: 'dispatcher' });
  });

  it('renames a user and changes their email, refusing another user’s email and a username change', async () => {
    const input = newUser('viewer');
    const other = newUser('viewer');
    const created = await acmeAdmin.post('/users', input);
    expect((await acmeAdmin.post('/users', other)).status).toBe(201);

    const tag = randomUUID().slice(0, 8);
    const renamed = await acmeAdmin.patch(`/users/${created.body.id}`, {
      firstName: 'Maria',
      lastName: 'López',
      email: `${tag}@acme.example`,
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      name: 'Maria López',
      firstName: 'Maria',
      lastName: 'López',
      email: `${tag}@acme.example`,
      username: input.username,
      role: 'viewer',
      enabled: true,
    });
    // The new name is in the user's next token; the login is unchanged.
    expect(jwtPayload(await passwordToken(input.username, input.password))).toMatchObject({
      name: 'Maria López',
      email: `${tag}@acme.example`,
    });
    const audit = await acmeAdmin.get('/audit?action=user.updated');
    expect(audit.body.items[0]).toMatchObject({
      before: expect.objectContaining({ name: 'New Colleague' }),
      after: expect.objectContaining({ name: 'Maria López' }),
    });

    const taken = await acmeAdmin.patch(`/users/${created.body.id}`, { email: other.email });
    expect(taken.status).toBe(409);
    expect(taken.body.errors).toEqual([expect.objectContaining({ field: 'email' })]);
    for (const body of [
      { username: 'acme-renamed' },
      { firstName: '' },
      { email: 'not-an-email' },
      { lastName: 'x'.repeat(101) },
    ])
      expect((await acmeAdmin.patch(`/users/${created.body.id}`, body)).status).toBe(400);
    expect((await acmeAdmin.get('/users')).body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: created.body.id,
          name: 'Maria López',
          username: input.username,
        }),
      ]),
    );
  });

  it('lists every user of the organization however many pages Keycloak answers in', async () => {
    const keycloak = testApp.app.get(KeycloakAdminClient);
    const whole = await keycloak.usersOfTenant('acme');
    expect(whole.length).toBeGreaterThanOrEqual(4);
    // Two at a time: every page read, none twice, none of another organization.
    const paged = await keycloak.usersOfTenant('acme', 2);
    expect(paged.map((user) => user.id).sort()).toEqual(whole.map((user) => user.id).sort());
    expect(paged.every((user) => user.attributes?.tenant?.[0] === 'acme')).toBe(true);
  });

  it('refuses bad input', async () => {
    for (const body of [
      { ...newUser(), role: 'superuser' },
      { ...newUser(), username: 'Has Spaces' },
      { ...newUser(), password: 'short' },
      { ...newUser(), tenant: 'globex' },
    ]) {
      expect((await acmeAdmin.post('/users', body)).status).toBe(400);
    }
    expect((await acmeAdmin.patch('/users/not-a-uuid', { enabled: true })).status).toBe(400);
  });
});
