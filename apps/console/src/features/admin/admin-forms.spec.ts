import type { EquipmentView, SiteView } from '@dispatch/api-client';
import { describe, expect, it } from 'vitest';
import {
  driverFormSchema,
  siteFormFromRecord,
  siteFormSchema,
  toDriverDto,
  toSiteDto,
  toUnitDto,
  unitFormFromRecord,
  unitFormSchema,
  userFormSchema,
} from './admin-forms';

const SITE: SiteView = {
  id: 'site-1',
  name: 'North Yard',
  address: '1 Quay Street',
  latitude: -36.84,
  longitude: 174.77,
  externalRef: null,
  contactName: 'Sam Rivera',
  contactPhone: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

const UNIT: EquipmentView = {
  id: 'unit-1',
  code: 'CR-014',
  name: 'Liebherr LTM 1050',
  equipmentTypeId: 'type-1',
  status: 'available',
  latitude: null,
  longitude: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

describe('the admin forms', () => {
  it('edits a site with the form it was created with, blank fields cleared (null) for the API', () => {
    const checked = siteFormSchema.parse({ ...siteFormFromRecord(SITE), contactName: '  ' });
    expect(toSiteDto(checked)).toEqual({
      name: 'North Yard',
      address: '1 Quay Street',
      latitude: -36.84,
      longitude: 174.77,
      contactName: null,
      contactPhone: null,
      externalRef: null,
    });
  });

  it('takes coordinates typed as text or clicked on the map, and refuses ones off the globe', () => {
    const typed = siteFormSchema.parse({ ...siteFormFromRecord(SITE), latitude: '39.76' });
    expect(typed.latitude).toBe(39.76);
    const result = siteFormSchema.safeParse({
      ...siteFormFromRecord(),
      name: 'X',
      address: 'Y',
      latitude: 91,
      longitude: '',
    });
    expect(result.success).toBe(false);
    const messages = result.error?.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    expect(messages).toEqual([
      'latitude: Latitude lies between −90 and 90',
      'longitude: Give the longitude',
    ]);
  });

  it('refuses a contact phone a phone cannot dial', () => {
    const result = siteFormSchema.safeParse({
      ...siteFormFromRecord(SITE),
      contactPhone: 'call Sam',
    });
    expect(result.error?.issues[0]?.path).toEqual(['contactPhone']);
  });

  it('leaves a dispatched unit’s status alone: the dispatch sets it', () => {
    const dispatched = unitFormFromRecord({ ...UNIT, status: 'dispatched' });
    expect(dispatched.status).toBeNull();
    expect(toUnitDto(unitFormSchema.parse(dispatched))).not.toHaveProperty('status');
    const retired = unitFormSchema.parse({ ...unitFormFromRecord(UNIT), status: 'retired' });
    expect(toUnitDto(retired)).toMatchObject({
      status: 'retired',
      latitude: null,
      longitude: null,
    });
  });

  it('asks for a unit’s type before it is sent', () => {
    const result = unitFormSchema.safeParse({ ...unitFormFromRecord(), code: 'CR-1', name: 'A' });
    expect(result.error?.issues.map((issue) => issue.message)).toEqual(['Choose the type']);
  });

  it('sends a driver without a login or email as null, and checks the login is a Keycloak username', () => {
    const checked = driverFormSchema.parse({
      name: ' Maria Lopez ',
      phone: '',
      email: '',
      username: '',
      dutyStatus: 'on_duty',
    });
    expect(toDriverDto(checked)).toEqual({
      name: 'Maria Lopez',
      phone: null,
      email: null,
      username: null,
      dutyStatus: 'on_duty',
    });
    expect(
      driverFormSchema.safeParse({ ...checked, username: 'Maria Lopez' }).error?.issues[0]?.path,
    ).toEqual(['username']);
  });

  it('checks a new user as Keycloak would', () => {
    const result = userFormSchema.safeParse({
      username: 'Has Spaces',
      email: 'not-an-email',
      firstName: 'Jane',
      lastName: 'Smith',
      role: 'dispatcher',
      password: 'short',
    });
    expect(result.error?.issues.map((issue) => issue.path[0]).sort()).toEqual([
      'email',
      'password',
      'username',
    ]);
  });
});
