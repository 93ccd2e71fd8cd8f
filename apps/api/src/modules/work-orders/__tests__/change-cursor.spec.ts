import {
  AFTER_EVERY_ID,
  decodeChangeCursor,
  encodeChangeCursor,
  laterPosition,
} from '../change-cursor';

describe('change feed cursor', () => {
  const position = { xid: 9_007_199_254_740_993n, id: '0190f3c2-6b7e-7d4a-9c1e-2f1e8c0b7a11' };

  it('round-trips a position, beyond the range of a JavaScript number', () => {
    const cursor = encodeChangeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeChangeCursor(cursor)).toEqual(position);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc$'],
    ['random text', Buffer.from('hello').toString('base64url')],
    ['no id', Buffer.from('c1:12:').toString('base64url')],
    ['a bad id', Buffer.from(`c1:12:${'x'.repeat(36)}`).toString('base64url')],
    ['an upper-case id', Buffer.from(`c1:12:${position.id.toUpperCase()}`).toString('base64url')],
    ['a negative xid', Buffer.from(`c1:-1:${position.id}`).toString('base64url')],
    [
      'an xid beyond bigint',
      Buffer.from(`c1:9223372036854775808:${position.id}`).toString('base64url'),
    ],
    ['another version', Buffer.from(`c2:12:${position.id}`).toString('base64url')],
    ['too long', 'a'.repeat(201)],
  ])('refuses %s', (_name, cursor) => {
    expect(decodeChangeCursor(cursor)).toBeNull();
  });

  it('orders positions by transaction, then by order id', () => {
    const a = { xid: 10n, id: position.id };
    const b = { xid: 11n, id: '00000000-0000-7000-8000-000000000000' };
    expect(laterPosition(a, b)).toBe(b);
    expect(laterPosition(b, a)).toBe(b);
    const caughtUp = { xid: 10n, id: AFTER_EVERY_ID };
    expect(laterPosition(a, caughtUp)).toBe(caughtUp);
  });
});
