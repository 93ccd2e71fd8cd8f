import { randomUUID } from 'node:crypto';
import { type ApiClient, tokenFor } from '@dispatch/testing';
import { Scenario } from './support/scenario';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * `?sort=` of the list endpoints: the whole list is ordered before it is paged, so page 2 of a
 * sorted list continues page 1, in either direction, with ties in one order across pages.
 */
describe('GET lists ?sort=', () => {
  let testApp: TestApp;
  let admin: ApiClient;

  beforeAll(async () => {
    testApp = await startTestApp();
    admin = testApp.api.as(await tokenFor('acme', 'admin'));
  });

  afterAll(async () => {
    await testApp?.close();
  });

  interface Named {
    id: string;
    name: string;
  }

  /** Every row of `path` (which filters to one test's records), read `pageSize` at a time. */
  async function pagedThrough<T>(path: string, pageSize: number): Promise<T[]> {
    const rows: T[] = [];
    for (let offset = 0; ; offset += pageSize) {
      const page = await admin.get(`${path}&limit=${pageSize}&offset=${offset}`);
      expect(page.status).toBe(200);
      rows.push(...(page.body.items as T[]));
      if (offset + pageSize >= page.body.total) return rows;
    }
  }

  it('pages sites sorted by name or address, either way, none twice or missing', async () => {
    const tag = randomUUID().slice(0, 8);
    // Lower-case letters only, so the database's collation cannot reorder them.
    const names = ['delta', 'alpha', 'echo', 'charlie', 'bravo', 'golf', 'foxtrot'];
    for (const [index, name] of names.entries()) {
      const site = await admin.post('/sites', {
        name: `${tag} ${name}`,
        address: `${String(names.length - index).padStart(2, '0')} ${tag} road`,
        latitude: 40,
        longitude: -105,
      });
      expect(site.status).toBe(201);
    }
    const short = (rows: Named[]) => rows.map((site) => site.name.slice(9));

    const ascending = await pagedThrough<Named>(`/sites?q=${tag}&sort=name`, 2);
    expect(short(ascending)).toEqual([...names].sort());
    const descending = await pagedThrough<Named>(`/sites?q=${tag}&sort=-name`, 3);
    expect(short(descending)).toEqual([...names].sort().reverse());
    // Unasked, the list comes in its default order: by name.
    expect(short(await pagedThrough<Named>(`/sites?q=${tag}`, 5))).toEqual([...names].sort());
    // By address: the reverse of the order they were created in.
    const byAddress = await pagedThrough<Named>(`/sites?q=${tag}&sort=address`, 4);
    expect(short(byAddress)).toEqual([...names].reverse());
  });

  it('keeps rows that tie on the field in one order across pages (drivers by duty)', async () => {
    const world = await Scenario.create(admin);
    const tag = randomUUID().slice(0, 8);
    const duties = [true, false, true, true, false, true];
    for (const [index, onDuty] of duties.entries())
      await world.driver({ name: `${tag} driver ${index}`, onDuty });
    const read = (sort: string) =>
      pagedThrough<Named & { dutyStatus: string }>(`/drivers?q=${tag}&sort=${sort}`, 2);

    const ascending = await read('dutyStatus');
    const descending = await read('-dutyStatus');
    for (const rows of [ascending, descending]) {
      expect(new Set(rows.map((driver) => driver.id)).size).toBe(duties.length);
      // Each duty status in one run: the field orders the rows whatever page they land on.
      const runs = rows
        .map((driver) => driver.dutyStatus)
        .filter((duty, index, all) => index === 0 || all[index - 1] !== duty);
      expect(runs).toHaveLength(2);
    }
    expect(descending[0].dutyStatus).toBe(ascending[ascending.length - 1].dutyStatus);
    // Within a duty status the same order either way: ties are broken the same on every page.
    const ofStatus = (rows: typeof ascending, status: string) =>
      rows.filter((driver) => driver.dutyStatus === status).map((driver) => driver.id);
    for (const status of ['on_duty', 'off_duty'])
      expect(ofStatus(descending, status)).toEqual(ofStatus(ascending, status));
  });

  it('sorts a list read with its joined rows (equipment types) before paging it', async () => {
    const tag = randomUUID().slice(0, 8);
    const qualification = await admin.post('/qualifications', {
      code: `Q-${tag}`,
      name: `Sort ${tag}`,
    });
    for (const letter of ['c', 'a', 'd', 'b']) {
      const type = await admin.post('/equipment-types', {
        code: `${tag}-${letter}`,
        name: `${tag} ${'dcba'.indexOf(letter)}`,
        requiredQualificationIds: [qualification.body.id],
      });
      expect(type.status).toBe(201);
    }
    const byCode = await pagedThrough<{ code: string }>(`/equipment-types?q=${tag}&sort=-code`, 3);
    expect(byCode.map((type) => type.code.slice(9))).toEqual(['d', 'c', 'b', 'a']);
    const byName = await pagedThrough<{ code: string }>(`/equipment-types?q=${tag}&sort=name`, 3);
    expect(byName.map((type) => type.code.slice(9))).toEqual(['d', 'c', 'b', 'a']);
  });

  it('sorts dispatches by their unit, a joined column', async () => {
    const world = await Scenario.create(admin);
    const tag = randomUUID().slice(0, 8);
    const codes = [`${tag}-b`, `${tag}-c`, `${tag}-a`];
    const units = new Map<string, string>();
    for (const code of codes) {
      await world.driver();
      units.set((await world.unit(undefined, code)).id, code);
    }
    for (const _ of codes) expect((await world.order('urgent')).status).toBe('dispatched');

    const read = async (sort: string) => {
      const listed = await admin.get(`/dispatches?status=open&limit=200&sort=${sort}`);
      expect(listed.status).toBe(200);
      return (listed.body.items as { equipmentId: string }[])
        .filter((dispatch) => units.has(dispatch.equipmentId))
        .map((dispatch) => units.get(dispatch.equipmentId));
    };
    expect(await read('unit')).toEqual([...codes].sort());
    expect(await read('-unit')).toEqual([...codes].sort().reverse());
  });

  it('refuses a field the list cannot be sorted by, naming the parameter', async () => {
    for (const path of [
      '/sites?sort=latitude',
      '/sites?sort=--name',
      '/drivers?sort=password',
      '/dispatches?sort=name',
      '/equipment?sort=code;DROP TABLE equipment',
    ]) {
      const refused = await admin.get(path);
      expect({ path, status: refused.status }).toEqual({ path, status: 400 });
      expect(refused.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'sort' })]),
      );
    }
  });
});
