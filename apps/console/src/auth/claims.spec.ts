import { describe, expect, it } from 'vitest';
import { displayNameOf } from './claims';

describe('displayNameOf', () => {
  it('calls people by their name, not their login', () => {
    expect(displayNameOf({ preferred_username: 'acme-admin', name: 'Acme Admin' })).toBe(
      'Acme Admin',
    );
    expect(
      displayNameOf({ preferred_username: 'mlopez', given_name: 'Maria', family_name: 'Lopez' }),
    ).toBe('Maria Lopez');
    expect(displayNameOf({ preferred_username: 'mlopez', given_name: 'Maria' })).toBe('Maria');
  });

  it('falls back to the login name when the token carries no name', () => {
    expect(displayNameOf({ preferred_username: 'erp-sync', name: '  ' })).toBe('erp-sync');
    expect(displayNameOf({})).toBe('');
  });
});
