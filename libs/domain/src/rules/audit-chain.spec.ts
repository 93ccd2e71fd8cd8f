import { canonicalJson, GENESIS_HASH, sealHash, type ChainedEvent } from './audit-chain';

const event: ChainedEvent = {
  id: '1',
  occurredAt: '2026-11-21T10:00:00.000Z',
  actorSubject: 'u1',
  actorName: 'acme-admin',
  actorRole: 'admin',
  action: 'site.created',
  entityType: 'site',
  entityId: '00000000-0000-0000-0000-000000000001',
  before: null,
  after: { name: 'Depot', location: { lat: 1, lon: 2 } },
  requestId: 'r1',
};

describe('audit chain', () => {
  it('hashes an event the same whatever the key order of its JSON', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"e":2,"f":1}]},"b":1}',
    );
    const reordered = { ...event, after: { location: { lon: 2, lat: 1 }, name: 'Depot' } };
    expect(sealHash(GENESIS_HASH, 1, reordered)).toBe(sealHash(GENESIS_HASH, 1, event));
  });

  it('changes when the event, its position or the previous link changes', () => {
    const base = sealHash(GENESIS_HASH, 1, event);
    expect(
      sealHash(GENESIS_HASH, 1, {
        ...event,
        after: { name: 'Depot 2', location: { lat: 1, lon: 2 } },
      }),
    ).not.toBe(base);
    expect(sealHash(GENESIS_HASH, 2, event)).not.toBe(base);
    expect(sealHash(base, 1, event)).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });
});
