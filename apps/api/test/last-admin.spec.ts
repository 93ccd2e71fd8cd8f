import { randomUUID } from 'node:crypto';
import { provisionTenant } from '@dispatch/domain';
import { type ApiClient, KeycloakAdmin, passwordToken } from '@dispatch/testing';
import { startTestApp, type TestApp } from './support/test-app';

interface User {
  id: string;
  username: string;
  role: string | null;
  enabled: boolean;
}

const PASSWORD = 'correct-horse-42';

/**
 * No change leaves an organization without an enabled admin: its last one can be neither demoted
 * nor disabled, by another admin or by themself, and two admins taking each other's rights at the
 * same moment cannot both succeed. Real Keycloak users of an organization of the test's own (so
 * the count of admins is known), real tokens, real HTTP.
 */
describe('the last enabled admin of an organization', () => {
  let testApp: TestApp;
  const tenant = `lastadmin-${randomUUID().slice(0, 8)}`;
  const founder = `${tenant}-founder`;
  let founderApi: ApiClient;

  beforeAll(async () => {
    testApp = await startTestApp();
    await provisionTenant({ url: testApp.database.url }, { slug: tenant, name: 'Last Admin Ltd' });
    await (await KeycloakAdmin.connect()).createUser(founder, tenant, 'admin', PASSWORD);
    founderApi = testApp.api.as(await passwordToken(founder, PASSWORD));
  });

  afterAll(async () => {
    // The organization's users are the test's own: removed from the shared Keycloak again (the
    // API validates tokens offline, so the founder's still lists them even if they were disabled).
    if (founderApi) {
      const keycloak = await KeycloakAdmin.connect();
      const users = ((await founderApi.get('/users')).body ?? []) as User[];
      for (const user of users) await keycloak.request('DELETE', `/users/${user.id}`);
    }
    await testApp?.close();
  });

  const users = async (): Promise<User[]> => {
    const response = await founderApi.get('/users');
    expect(response.status).toBe(200);
    return response.body as User[];
  };
  const userNamed = async (username: string): Promise<User> => {
    const user = (await users()).find((candidate) => candidate.username === username);
    if (!user) throw new Error(`no user ${username}`);
    return user;
  };
  const enabledAdmins = async () =>
    (await users()).filter((user) => user.role === 'admin' && user.enabled);

  /** A second admin of the organization, signed in (their own token). */
  const anotherAdmin = async (): Promise<{ user: User; api: ApiClient }> => {
    const username = `${tenant}-${randomUUID().slice(0, 6)}`;
    const created = await founderApi.post('/users', {
      username,
      email: `${username}@example.test`,
      firstName: 'Second',
      lastName: 'Admin',
      role: 'admin',
      password: PASSWORD,
      temporaryPassword: false,
    });
    expect(created.status).toBe(201);
    return {
      user: created.body as User,
      api: testApp.api.as(await passwordToken(username, PASSWORD)),
    };
  };

  it('refuses to demote or disable the only admin, who asks it of themself, with a readable problem', async () => {
    const self = await userNamed(founder);
    for (const change of [{ role: 'dispatcher' }, { enabled: false }, { role: 'viewer' }]) {
      const refused = await founderApi.patch(`/users/${self.id}`, change);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        type: 'urn:dispatch:problem:last-admin',
        title: 'Last admin',
        status: 409,
      });
      expect(refused.body.detail).toContain(`${founder} is the organization's last enabled admin`);
    }
    expect(await userNamed(founder)).toMatchObject({ role: 'admin', enabled: true });
    // What does not take the admin away still goes through.
    expect((await founderApi.patch(`/users/${self.id}`, { role: 'admin' })).status).toBe(200);
    expect((await founderApi.patch(`/users/${self.id}`, { enabled: true })).status).toBe(200);
  });

  it('lets an admin be demoted or disabled while another enabled admin remains, and counts a disabled admin as none', async () => {
    const second = await anotherAdmin();
    const demoted = await founderApi.patch(`/users/${second.user.id}`, { role: 'dispatcher' });
    expect(demoted.status).toBe(200);
    expect(demoted.body).toMatchObject({ role: 'dispatcher', enabled: true });
    expect((await founderApi.patch(`/users/${second.user.id}`, { role: 'admin' })).status).toBe(
      200,
    );
    // A disabled admin administers nothing: with the second one disabled, the founder is the last.
    expect((await founderApi.patch(`/users/${second.user.id}`, { enabled: false })).status).toBe(
      200,
    );
    const founderId = (await userNamed(founder)).id;
    expect((await founderApi.patch(`/users/${founderId}`, { role: 'viewer' })).status).toBe(409);
    expect((await enabledAdmins()).map((user) => user.username)).toEqual([founder]);
  });

  it('lets exactly one of two admins win when they demote each other at the same moment', async () => {
    const founderId = (await userNamed(founder)).id;
    const second = await anotherAdmin();
    expect(await enabledAdmins()).toHaveLength(2);
    const answers = await Promise.all([
      founderApi.patch(`/users/${second.user.id}`, { role: 'dispatcher' }),
      second.api.patch(`/users/${founderId}`, { role: 'dispatcher' }),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const refused = answers.find((answer) => answer.status === 409);
    expect(refused?.body.type).toBe('urn:dispatch:problem:last-admin');
    expect(await enabledAdmins()).toHaveLength(1);

    // The same for disabling: make the loser admin again, then both disable the other at once.
    const [survivor] = await enabledAdmins();
    const survivorApi = survivor.username === founder ? founderApi : second.api;
    const otherId = survivor.username === founder ? second.user.id : founderId;
    expect((await survivorApi.patch(`/users/${otherId}`, { role: 'admin' })).status).toBe(200);
    const otherApi = survivor.username === founder ? second.api : founderApi;
    const disabling = await Promise.all([
      survivorApi.patch(`/users/${otherId}`, { enabled: false }),
      otherApi.patch(`/users/${survivor.id}`, { enabled: false }),
    ]);
    expect(disabling.map((answer) => answer.status).sort()).toEqual([200, 409]);
    expect(await enabledAdmins()).toHaveLength(1);
  });
});
