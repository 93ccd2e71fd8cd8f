import { instanceLockKey } from '../idempotency/instance-liveness.service';

describe('instance liveness lock', () => {
  it('derives the lock key from the first 32 bits of the id, as the signed int4 PostgreSQL takes', () => {
    expect(instanceLockKey('00000000-0000-4000-8000-000000000000')).toBe(0);
    expect(instanceLockKey('7fffffff-ffff-4fff-bfff-ffffffffffff')).toBe(2_147_483_647);
    expect(instanceLockKey('80000000-0000-4000-8000-000000000000')).toBe(-2_147_483_648);
    expect(instanceLockKey('ffffffff-0000-4000-8000-000000000000')).toBe(-1);
    // What PostgreSQL makes of the same id: ('x' || left(id::text, 8))::bit(32)::int
    expect(instanceLockKey('f0e1d2c3-b4a5-4000-8000-000000000000')).toBe(-253_635_901);
  });
});
