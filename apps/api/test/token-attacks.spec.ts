import { generateKeyPairSync, sign } from 'node:crypto';
import {
  type ApiClient,
  jwtPayload,
  KeycloakAdmin,
  passwordToken,
  tokenFor,
} from '@dispatch/testing';
import { startTestApp, type TestApp } from './support/test-app';

function segments(token: string): [Record<string, unknown>, Record<string, unknown>, string] {
  const [header, payload, signature] = token.split('.');
  return [
    JSON.parse(Buffer.from(header, 'base64url').toString()),
    JSON.parse(Buffer.from(payload, 'base64url').toString()),
    signature,
  ];
}

const encode = (part: unknown) => Buffer.from(JSON.stringify(part)).toString('base64url');

describe('access tokens the API must refuse (401)', () => {
  let testApp: TestApp;
  let validToken: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    validToken = await tokenFor('acme', 'admin');
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const listEquipment = (token: string | undefined, api: ApiClient = testApp.api) =>
    api.as(token).get('/equipment');

  it('accepts the untouched token (the baseline every attack below modifies)', async () => {
    expect((await listEquipment(validToken)).status).toBe(200);
  });

  it('refuses a token once it has expired', async () => {
    const admin = await KeycloakAdmin.connect();
    await admin.createShortLivedClient('token-expiry-test', 2);
    const shortLived = await passwordToken('acme-admin', 'demo', 'token-expiry-test');
    expect(jwtPayload(shortLived).exp - Number(jwtPayload(shortLived).iat)).toBe(2);
    expect((await listEquipment(shortLived)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const expired = await listEquipment(shortLived);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses a real token from another issuer (the master realm)', async () => {
    const admin = await KeycloakAdmin.connect();
    expect(jwtPayload(admin.masterToken).iss).toMatch(/\/realms\/master$/);
    expect((await listEquipment(admin.masterToken)).status).toBe(401);
  });

  it('refuses a real token of the realm issued for another audience', async () => {
    const otherAudience = await passwordToken('acme-admin', 'demo', 'admin-cli');
    const audience = [jwtPayload(otherAudience).aud].flat();
    expect(audience).not.toContain('dispatch-api');
    expect((await listEquipment(otherAudience)).status).toBe(401);
  });

  it('refuses a token whose signature was tampered with', async () => {
    const [header, payload, signature] = validToken.split('.');
    const flipped = (signature[10] === 'A' ? 'B' : 'A') + signature.slice(1);
    expect(
      (
        await listEquipment(
          `${header}.${payload}.${signature.slice(0, 10)}${flipped.slice(0, 1)}${signature.slice(11)}`,
        )
      ).status,
    ).toBe(401);
  });

  it('refuses a token whose claims were changed (tenant swapped to globex)', async () => {
    const [header, payload, signature] = segments(validToken);
    const forged = `${encode(header)}.${encode({ ...payload, tenant: 'globex' })}.${signature}`;
    expect((await listEquipment(forged)).status).toBe(401);
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const [header, payload] = segments(validToken);
    expect(
      (await listEquipment(`${encode({ ...header, alg: 'none' })}.${encode(payload)}.`)).status,
    ).toBe(401);
    expect(
      (await listEquipment(`${encode({ ...header, alg: 'none' })}.${encode(payload)}`)).status,
    ).toBe(401);
  });

  it('refuses a token signed by a key that is not the realm’s, even with the realm key id', async () => {
    const [header, payload] = segments(validToken);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    for (const kid of [header.kid, 'attacker-key']) {
      const signingInput = `${encode({ ...header, kid })}.${encode(payload)}`;
      const signature = sign('RSA-SHA256', Buffer.from(signingInput), privateKey).toString(
        'base64url',
      );
      expect((await listEquipment(`${signingInput}.${signature}`)).status).toBe(401);
    }
  });

  it('refuses an HMAC token keyed with public material (algorithm confusion)', async () => {
    const [header, payload] = segments(validToken);
    const signingInput = `${encode({ ...header, alg: 'HS256' })}.${encode(payload)}`;
    const { createHmac } = await import('node:crypto');
    const signature = createHmac('sha256', 'public-key-material')
      .update(signingInput)
      .digest('base64url');
    expect((await listEquipment(`${signingInput}.${signature}`)).status).toBe(401);
  });

  it('refuses garbage and non-bearer credentials', async () => {
    for (const authorization of [
      'Bearer',
      'Bearer not-a-jwt',
      'Bearer a.b.c',
      `Basic ${Buffer.from('acme-admin:demo').toString('base64')}`,
    ]) {
      const response = await testApp.api.request('GET', '/equipment', undefined, { authorization });
      expect({ authorization, status: response.status }).toEqual({ authorization, status: 401 });
    }
  });
});
