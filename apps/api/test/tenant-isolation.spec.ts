import { type ApiClient, DEMO_ROLES, type DemoRole, tokenFor } from '@dispatch/testing';
import { Fixtures } from './support/fixtures';
import { tenantSnapshot } from './support/snapshot';
import { startTestApp, type TestApp } from './support/test-app';

/** globex users can neither read, list, change nor reference any acme record, and acme data never changes. */
describe('tenant isolation', () => {
  let testApp: TestApp;
  let acme: Record<string, string>;
  const globex = {} as Record<DemoRole, ApiClient>;
  let acmeBefore: Record<string, unknown[]>;

  beforeAll(async () => {
    testApp = await startTestApp();
    const acmeAdmin = testApp.api.as(await tokenFor('acme', 'admin'));
    const fixtures = new Fixtures(acmeAdmin);
    const qualification = await fixtures.qualification('SHARED-CODE');
    const type = await fixtures.equipmentType([qualification.id]);
    const site = await fixtures.site();
    const equipment = await fixtures.equipment(type.id);
    const driver = await fixtures.driver({
      qualifications: [{ qualificationId: qualification.id, expiresAt: '2030-01-01' }],
    });
    const workOrder = await fixtures.workOrder(site.id, type.id);
    acme = {
      qualification: qualification.id,
      type: type.id,
      site: site.id,
      equipment: equipment.id,
      driver: driver.id,
      workOrder: workOrder.id,
    };
    for (const role of DEMO_ROLES) globex[role] = testApp.api.as(await tokenFor('globex', role));
    acmeBefore = await tenantSnapshot(testApp.database.url, 'acme');
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const readPaths = () => [
    `/qualifications/${acme.qualification}`,
    `/equipment-types/${acme.type}`,
    `/sites/${acme.site}`,
    `/equipment/${acme.equipment}`,
    `/drivers/${acme.driver}`,
    `/work-orders/${acme.workOrder}`,
    `/work-orders/${acme.workOrder}/timeline`,
  ];

  it.each(['admin', 'dispatcher', 'viewer'] as const)(
    'answers 404 to globex %s for every acme record',
    async (role) => {
      for (const path of readPaths()) {
        const response = await globex[role].get(path);
        expect({ path, status: response.status }).toEqual({ path, status: 404 });
      }
    },
  );

  it('lists none of acme’s records to globex', async () => {
    const lists = [
      '/qualifications',
      '/equipment-types',
      '/sites',
      '/equipment',
      '/drivers',
      '/work-orders',
      '/audit',
    ];
    const acmeIds = new Set(Object.values(acme));
    for (const path of lists) {
      const response = await globex.admin.get(path);
      expect(response.status).toBe(200);
      const leaked = (response.body.items as { id: string; entityId?: string }[]).filter(
        (item) =>
          acmeIds.has(item.id) || (item.entityId !== undefined && acmeIds.has(item.entityId)),
      );
      expect({ path, leaked }).toEqual({ path, leaked: [] });
    }
  });

  it('refuses globex changes to acme records with 404', async () => {
    const attempts: [string, string, unknown][] = [
      ['PATCH', `/qualifications/${acme.qualification}`, { name: 'hijacked' }],
      ['DELETE', `/qualifications/${acme.qualification}`, undefined],
      ['PATCH', `/equipment-types/${acme.type}`, { name: 'hijacked' }],
      ['DELETE', `/equipment-types/${acme.type}`, undefined],
      ['PATCH', `/sites/${acme.site}`, { name: 'hijacked' }],
      ['DELETE', `/sites/${acme.site}`, undefined],
      ['PATCH', `/equipment/${acme.equipment}`, { status: 'maintenance' }],
      ['PATCH', `/drivers/${acme.driver}`, { dutyStatus: 'off_duty' }],
      ['DELETE', `/drivers/${acme.driver}`, undefined],
      ['PATCH', `/work-orders/${acme.workOrder}`, { title: 'hijacked' }],
      ['POST', `/work-orders/${acme.workOrder}/cancel`, undefined],
    ];
    for (const [method, path, body] of attempts) {
      const response = await globex.admin.request(method, path, body);
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 });
    }
    const dispatcher = await globex.dispatcher.patch(`/equipment/${acme.equipment}`, {
      status: 'maintenance',
    });
    expect(dispatcher.status).toBe(404);
  });

  it('refuses globex records that reference acme records (404 naming the field)', async () => {
    const globexFixtures = new Fixtures(globex.admin);
    const globexType = await globexFixtures.equipmentType();
    const globexSite = await globexFixtures.site();
    const attempts: [string, unknown, string][] = [
      ['/equipment', { code: 'X-1', name: 'x', equipmentTypeId: acme.type }, 'equipmentTypeId'],
      [
        '/equipment-types',
        { code: 'x-type', name: 'x', requiredQualificationIds: [acme.qualification] },
        'requiredQualificationIds',
      ],
      [
        '/drivers',
        {
          name: 'x',
          qualifications: [{ qualificationId: acme.qualification, expiresAt: '2030-01-01' }],
        },
        'qualifications',
      ],
      [
        '/work-orders',
        { title: 'x', siteId: acme.site, equipmentTypeId: globexType.id, priority: 'low' },
        'siteId',
      ],
      [
        '/work-orders',
        { title: 'x', siteId: globexSite.id, equipmentTypeId: acme.type, priority: 'low' },
        'equipmentTypeId',
      ],
      [
        '/work-orders',
        {
          title: 'x',
          siteId: globexSite.id,
          equipmentTypeId: globexType.id,
          priority: 'low',
          requiredQualificationIds: [acme.qualification],
        },
        'requiredQualificationIds',
      ],
    ];
    for (const [path, body, field] of attempts) {
      const response = await globex.admin.post(path, body);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(response.body.errors).toEqual([expect.objectContaining({ field })]);
    }
  });

  it('keeps codes unique per tenant, not across tenants', async () => {
    const response = await globex.admin.post('/qualifications', {
      code: 'SHARED-CODE',
      name: 'Same code, other tenant',
    });
    expect(response.status).toBe(201);
  });

  it('left every acme row exactly as it was', async () => {
    expect(await tenantSnapshot(testApp.database.url, 'acme')).toEqual(acmeBefore);
  });
});
