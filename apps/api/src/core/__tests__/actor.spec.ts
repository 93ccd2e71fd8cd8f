import { Role } from '@dispatch/domain';
import { isDriverOnly, primaryRoleOf, rolesOf } from '../auth/actor';

describe('actor roles', () => {
  it('reads only Dispatch realm roles, most powerful first', () => {
    expect(
      rolesOf({
        realm_access: { roles: ['offline_access', 'viewer', 'admin', 'uma_authorization'] },
      }),
    ).toEqual([Role.Admin, Role.Viewer]);
    expect(rolesOf({})).toEqual([]);
    expect(primaryRoleOf([Role.Viewer, Role.Dispatcher])).toBe(Role.Dispatcher);
    expect(primaryRoleOf([])).toBeUndefined();
  });

  it('restricts a caller to own records only when driver is its sole role', () => {
    expect(isDriverOnly({ roles: [Role.Driver] })).toBe(true);
    expect(isDriverOnly({ roles: [Role.Dispatcher, Role.Driver] })).toBe(false);
    expect(isDriverOnly({ roles: [Role.Viewer] })).toBe(false);
  });
});
