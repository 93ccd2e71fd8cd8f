import { assertAllowedTarget, isPublicAddress } from '../webhook-targets';

describe('webhook targets', () => {
  const production = { allowPrivate: false };
  const development = { allowPrivate: true };

  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '::1',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '100.64.0.1',
  ])('treats %s as not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'])(
    'treats %s as public',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );

  it('in production allows https to public addresses only', async () => {
    await expect(
      assertAllowedTarget('https://93.184.216.34/hooks', production),
    ).resolves.toBeUndefined();
    for (const url of [
      'http://93.184.216.34/hooks',
      'https://127.0.0.1/hooks',
      'https://[::1]/hooks',
      'https://10.0.0.5/hooks',
      'https://169.254.169.254/latest/meta-data',
      'https://localhost/hooks',
      'https://user:secret@93.184.216.34/hooks',
      'ftp://93.184.216.34/',
      'not a url',
    ]) {
      await expect(assertAllowedTarget(url, production)).rejects.toMatchObject({
        code: 'VALIDATION',
        details: { fields: [expect.objectContaining({ field: 'url' })] },
      });
    }
  });

  it('under development and tests allows http receivers on localhost', async () => {
    await expect(
      assertAllowedTarget('http://127.0.0.1:4010/hooks', development),
    ).resolves.toBeUndefined();
    await expect(assertAllowedTarget('ftp://127.0.0.1/', development)).rejects.toBeDefined();
  });
});
