/* eslint-disable @nx/enforce-module-boundaries -- tests the repo's own deployment tooling */
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '@dispatch/testing';
import { ensureCertificates } from '../../../tools/certs/certificates';
import { decodeJwtPayload } from '../../../tools/keycloak/keycloak';
import {
  DEMO_IMPORT_FILE,
  importDemoData,
  startProductionKeycloak,
  type ProductionKeycloak,
  type ProductionKeycloakOptions,
} from '../../../tools/keycloak/production';
import { httpsFormPost, httpsRequest, type HttpsAnswer } from '../../../tools/net/https-client';
import { freePort, startEmbeddedPostgres } from '../../../tools/postgres/embedded-postgres';
import { writeSecretFile } from '../../../tools/secrets/secrets';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';
/* eslint-enable @nx/enforce-module-boundaries */

/**
 * Keycloak in production mode (tools/keycloak/production.ts), started for real twice on one database:
 * first the production realm alone, then again with the demo data, a rotated `dispatch-api` secret
 * and another public URL. Keycloak's database is an embedded PostgreSQL with password authentication
 * (the machine's server trusts every local login, so it could not show the password reaches Keycloak).
 */
jest.setTimeout(12 * 60_000);

const REALM = 'dispatch';

interface Json {
  [key: string]: unknown;
}

function json<T = Json>(response: HttpsAnswer): T {
  return JSON.parse(response.body) as T;
}

/** Every process of a process group (kc.sh and the JVM it starts). */
function processGroup(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) members.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return members;
}

/** `address:port` of every TCP socket the processes listen on (from /proc/net/tcp{,6}). */
function listeningSockets(pids: number[]): string[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match) inodes.add(match[1]);
      } catch {
        // closed meanwhile
      }
    }
  }
  const sockets: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of fs.readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] !== '0A' || !inodes.has(cols[9])) continue;
      const [addressHex, portHex] = cols[1].split(':');
      // IPv4 (and IPv4-mapped IPv6, as Java's dual-stack sockets show up) as dotted quads.
      const v4 =
        addressHex.length === 8 ? addressHex : /^0{16}FFFF0{4}([0-9A-F]{8})$/.exec(addressHex)?.[1];
      const address = v4 ? Buffer.from(v4, 'hex').reverse().join('.') : addressHex;
      sockets.push(`${address}:${Number.parseInt(portHex, 16)}`);
    }
  }
  return sockets.sort();
}

function plainHttpGet(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { timeout: 5000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
  });
}

/** RFC 6238 TOTP (Keycloak's default policy: HmacSHA1, 6 digits, 30 s) from a base32 secret. */
function totp(base32Secret: string, at = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of base32Secret.replace(/[\s=]/g, '').toUpperCase())
    bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)?.map((byte) => Number.parseInt(byte, 2)) ?? []);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const hmac = createHmac('sha1', key).update(counter).digest();
  const offset = hmac[hmac.length - 1] & 0x0f;
  return String((hmac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

describe('Keycloak in production mode (tools/keycloak/production.ts)', () => {
  let workDir: string;
  let pgDataDir: string;
  let stopPostgres: (() => Promise<void>) | undefined;
  let ca: Buffer;
  let otherCa: Buffer;
  let options: ProductionKeycloakOptions;
  let keycloak: ProductionKeycloak | undefined;
  const secrets = {
    db: `${randomBytes(12).toString('base64url')}#!=:+/@%`,
    admin: `${randomBytes(12).toString('base64url')}#!=:`,
    api: randomBytes(24).toString('base64url'),
  };
  const timings: string[] = [];

  async function start(overrides: Partial<ProductionKeycloakOptions>, label: string) {
    const began = Date.now();
    keycloak = await startProductionKeycloak({ ...options, ...overrides });
    timings.push(`${label}: ready in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    return keycloak;
  }

  async function stop(label: string) {
    const began = Date.now();
    await keycloak?.stop();
    keycloak = undefined;
    timings.push(`${label}: stopped in ${((Date.now() - began) / 1000).toFixed(1)} s`);
  }

  const get = (url: string, headers?: Record<string, string>) => httpsRequest(url, { ca, headers });
  const post = (url: string, body: Record<string, string>) =>
    httpsFormPost(url, body, { ca, timeoutMs: 30_000 });

  async function adminToken(internalUrl: string): Promise<string> {
    const response = await post(`${internalUrl}/realms/master/protocol/openid-connect/token`, {
      grant_type: 'password',
      client_id: 'admin-cli',
      username: 'admin',
      password: secrets.admin,
    });
    expect(response.status).toBe(200);
    return json<{ access_token: string }>(response).access_token;
  }

  async function admin<T = Json>(internalUrl: string, resource: string): Promise<T> {
    const response = await get(`${internalUrl}/admin/realms/${REALM}${resource}`, {
      authorization: `Bearer ${await adminToken(internalUrl)}`,
    });
    expect(response.status).toBe(200);
    return json<T>(response);
  }

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keycloak-production-test-'));
    const certs = ensureCertificates({ dir: path.join(workDir, 'certs') });
    ca = fs.readFileSync(certs.caFile);
    otherCa = fs.readFileSync(ensureCertificates({ dir: path.join(workDir, 'other-ca') }).caFile);

    const secretsDir = path.join(workDir, 'secrets');
    fs.mkdirSync(secretsDir, { mode: 0o700 });
    writeSecretFile(path.join(secretsDir, 'keycloak-db-password'), `${secrets.db}\n`);
    writeSecretFile(path.join(secretsDir, 'keycloak-admin-password'), `${secrets.admin}\n`);
    writeSecretFile(path.join(secretsDir, 'keycloak-api-client-secret'), `${secrets.api}\n`);

    pgDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keycloak-production-pg-'));
    const postgres = await startEmbeddedPostgres({
      dataDir: pgDataDir,
      port: await freePort(),
      persistent: false,
    });
    stopPostgres = () => postgres.stop();
    const database = `keycloak_test_${randomBytes(4).toString('hex')}`;
    const client = new Client({ connectionString: postgres.url });
    await client.connect();
    try {
      await client.query(`CREATE ROLE keycloak_test LOGIN PASSWORD '${secrets.db}'`);
      await client.query(`CREATE DATABASE ${database} OWNER keycloak_test`);
    } finally {
      await client.end();
    }

    options = {
      httpsPort: await freePort(),
      managementPort: await freePort(),
      publicUrl: `https://localhost:${await freePort()}`,
      tls: {
        certFile: certs.services.keycloak.certFile,
        keyFile: certs.services.keycloak.keyFile,
        caFile: certs.caFile,
      },
      database: {
        // No TLS on this throwaway server; the topology's URL carries sslmode=verify-full&sslrootcert=….
        jdbcUrl: `jdbc:postgresql://127.0.0.1:${postgres.port}/${database}?sslmode=disable&ApplicationName=keycloak`,
        username: 'keycloak_test',
        passwordFile: path.join(secretsDir, 'keycloak-db-password'),
      },
      adminPasswordFile: path.join(secretsDir, 'keycloak-admin-password'),
      apiClientSecretFile: path.join(secretsDir, 'keycloak-api-client-secret'),
      secretsWorkDir: path.join(workDir, 'keycloak-work'),
      demo: false,
      logFile: path.join(workDir, 'keycloak.log'),
    };
  });

  afterAll(async () => {
    await keycloak?.stop().catch(() => undefined);
    await stopPostgres?.().catch(() => undefined);
    process.stderr.write(`[keycloak-production] ${timings.join('; ')}\n`);
    fs.rmSync(workDir, { recursive: true, force: true });
    fs.rmSync(pgDataDir, { recursive: true, force: true });
  });

  describe('first start: the production realm alone (demo: false)', () => {
    let kc: ProductionKeycloak;
    let issuer: string;

    beforeAll(async () => {
      kc = await start({}, 'first start (build when needed, new schema, realm import)');
      issuer = `${options.publicUrl}/auth/realms/${REALM}`;
    });

    afterAll(async () => {
      await stop('first stop');
    });

    it('serves OIDC discovery over HTTPS that verifies against the project CA, and only that one', async () => {
      const discovery = `${kc.internalUrl}/realms/${REALM}/.well-known/openid-configuration`;
      expect(kc.internalUrl).toBe(`https://localhost:${options.httpsPort}/auth`);
      expect((await get(discovery)).status).toBe(200);
      await expect(httpsRequest(discovery, { ca: otherCa })).rejects.toThrow(
        /self[- ]signed|unable to (get|verify)|certificate/i,
      );
      // Without `ca`: Node's default trust store, which does not hold the project CA.
      await expect(httpsRequest(discovery, { timeoutMs: 5000 })).rejects.toThrow(
        /self[- ]signed|unable to (get|verify)|certificate/i,
      );
    });

    it('names the public issuer whatever host or forwarded headers a request came with', async () => {
      const paths = `/auth/realms/${REALM}/.well-known/openid-configuration`;
      for (const [url, headers] of [
        [`https://localhost:${options.httpsPort}${paths}`, {}],
        [`https://127.0.0.1:${options.httpsPort}${paths}`, {}],
        [
          `https://127.0.0.1:${options.httpsPort}${paths}`,
          { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' },
        ],
      ] as const) {
        const body = json<{ issuer: string; authorization_endpoint: string }>(
          await get(url, headers),
        );
        expect(body.issuer).toBe(issuer);
        expect(body.authorization_endpoint).toBe(`${issuer}/protocol/openid-connect/auth`);
      }
      expect(kc.issuer).toBe(issuer);
    });

    it('answers health and metrics on the management port only, under /auth', async () => {
      expect(kc.healthUrl).toBe(`https://localhost:${options.managementPort}/auth/health/ready`);
      const health = await get(kc.healthUrl);
      expect(health.status).toBe(200);
      expect(json(health).status).toBe('UP');
      const metrics = await get(`https://localhost:${options.managementPort}/auth/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain('http_server_requests_seconds');
      expect((await get(`${kc.internalUrl}/health/ready`)).status).toBe(404);
    });

    it('listens on 127.0.0.1 only: HTTPS and management ports, no plain HTTP', async () => {
      const sockets = listeningSockets(processGroup(kc.pid));
      expect(sockets).toEqual(
        expect.arrayContaining([
          `127.0.0.1:${options.httpsPort}`,
          `127.0.0.1:${options.managementPort}`,
        ]),
      );
      // Besides those, only the transaction manager's recovery listener (an ephemeral loopback port).
      expect(sockets.length).toBeLessThanOrEqual(3);
      for (const socket of sockets) expect(socket).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(sockets).not.toContain('127.0.0.1:8080');
      await expect(plainHttpGet(`http://127.0.0.1:${options.httpsPort}/auth/`)).rejects.toThrow();
      await expect(
        plainHttpGet(`http://127.0.0.1:${options.managementPort}/auth/health/ready`),
      ).rejects.toThrow();
    });

    it('has no secret in any process environment or command line; generated files are 0600 in a 0700 folder', () => {
      const group = processGroup(kc.pid);
      expect(group.length).toBeGreaterThanOrEqual(2); // kc.sh and java
      for (const pid of group) {
        for (const file of ['environ', 'cmdline']) {
          const text = fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
          for (const secret of Object.values(secrets)) expect(text).not.toContain(secret);
        }
        const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
        expect(environ.filter((entry) => entry.startsWith('KC_'))).toEqual([]);
      }
      const java = group.find((pid) =>
        fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('QuarkusEntryPoint'),
      );
      expect(java).toBeDefined();
      const cmdline = fs.readFileSync(`/proc/${java}/cmdline`, 'utf8').split('\0');
      expect(cmdline).toContain('--optimized');
      expect(cmdline).toContain('start');
      expect(cmdline).not.toContain('start-dev');

      const workDirMode = fs.statSync(options.secretsWorkDir).mode & 0o777;
      expect(workDirMode).toBe(0o700);
      const conf = path.join(options.secretsWorkDir, 'keycloak.conf');
      const realm = path.join(options.secretsWorkDir, 'keycloak-import', `${REALM}-realm.json`);
      for (const file of [conf, realm]) expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(conf, 'utf8')).toContain(`db-password=${secrets.db}\n`);
      expect(fs.readFileSync(realm, 'utf8')).toContain(`"secret": "${secrets.api}"`);
    });

    it('gives dispatch-api a service-account token for the secret in its file, and nothing for another', async () => {
      const tokenUrl = `https://127.0.0.1:${options.httpsPort}/auth/realms/${REALM}/protocol/openid-connect/token`;
      const granted = await post(tokenUrl, {
        grant_type: 'client_credentials',
        client_id: 'dispatch-api',
        client_secret: secrets.api,
      });
      expect(granted.status).toBe(200);
      const claims = decodeJwtPayload(json<{ access_token: string }>(granted).access_token);
      expect(claims.iss).toBe(issuer);
      expect(claims.azp).toBe('dispatch-api');
      expect(claims.resource_access).toMatchObject({
        'realm-management': { roles: expect.arrayContaining(['manage-users', 'view-users']) },
      });
      const refused = await post(tokenUrl, {
        grant_type: 'client_credentials',
        client_id: 'dispatch-api',
        client_secret: 'dispatch-api-dev-secret',
      });
      expect(refused.status).toBe(401);
    });

    it('holds no users and no dispatch-cli client; TLS required, brute-force protection on', async () => {
      expect(await admin<number>(kc.internalUrl, '/users/count')).toBe(0);
      const clients = await admin<{ clientId: string; redirectUris?: string[] }[]>(
        kc.internalUrl,
        '/clients',
      );
      const ids = clients.map((c) => c.clientId);
      expect(ids).toEqual(expect.arrayContaining(['dispatch-api', 'dispatch-console']));
      expect(ids).not.toContain('dispatch-cli');
      expect(clients.find((c) => c.clientId === 'dispatch-console')?.redirectUris).toEqual([
        `${options.publicUrl}/*`,
      ]);
      const realm = await admin(kc.internalUrl, '');
      expect(realm).toMatchObject({
        sslRequired: 'all',
        bruteForceProtected: true,
        browserFlow: 'dispatch browser',
      });
      const denied = await post(`${kc.internalUrl}/realms/${REALM}/protocol/openid-connect/token`, {
        grant_type: 'password',
        client_id: 'dispatch-cli',
        username: 'acme-dispatcher',
        password: 'demo',
      });
      expect(denied.status).toBe(401);
      expect(json(denied).error).toBe('invalid_client');
    });

    it('binds a browser flow that requires an OTP of users with the realm role admin', async () => {
      interface Execution {
        providerId?: string;
        displayName: string;
        requirement: string;
        level: number;
        authenticationConfig?: string;
        authenticationFlow?: boolean;
      }
      const executions = await admin<Execution[]>(
        kc.internalUrl,
        `/authentication/flows/${encodeURIComponent('dispatch browser')}/executions`,
      );
      const summary = executions.map(
        (e) => `${e.level} ${e.providerId ?? `flow:${e.displayName}`} ${e.requirement}`,
      );
      expect(summary).toEqual([
        '0 auth-cookie ALTERNATIVE',
        '0 flow:dispatch browser forms ALTERNATIVE',
        '1 auth-username-password-form REQUIRED',
        '1 flow:dispatch admin second factor CONDITIONAL',
        '2 conditional-user-role REQUIRED',
        '2 auth-otp-form REQUIRED',
      ]);
      const condition = executions.find((e) => e.providerId === 'conditional-user-role');
      const config = await admin<{ config: Record<string, string> }>(
        kc.internalUrl,
        `/authentication/config/${condition?.authenticationConfig}`,
      );
      expect(config.config).toEqual({ condUserRole: 'admin', negate: 'false' });
      const requiredActions = await admin<{ alias: string; enabled: boolean }[]>(
        kc.internalUrl,
        '/authentication/required-actions',
      );
      expect(requiredActions.find((a) => a.alias === 'CONFIGURE_TOTP')?.enabled).toBe(true);
    });
  });

  describe('second start on the same database: demo data, a rotated secret, another public URL', () => {
    let kc: ProductionKeycloak;
    let proxy: TcpProxy;
    let publicUrl: string;
    let issuer: string;
    const oldApiSecret = secrets.api;

    beforeAll(async () => {
      // Stands in for nginx at the public URL (TLS passes through): the browser follows Keycloak's
      // links, which all name the public URL.
      proxy = await startTcpProxy(options.httpsPort);
      publicUrl = `https://localhost:${new URL(proxy.url).port}`;
      issuer = `${publicUrl}/auth/realms/${REALM}`;
      secrets.api = randomBytes(24).toString('base64url');
      writeSecretFile(options.apiClientSecretFile, `${secrets.api}\n`);
      kc = await start({ demo: true, publicUrl }, 'second start (existing realm, demo import)');
    });

    afterAll(async () => {
      await stop('second stop');
      await proxy?.close();
    });

    it('takes the rotated dispatch-api secret from its file; the old one no longer works', async () => {
      const tokenUrl = `${kc.internalUrl}/realms/${REALM}/protocol/openid-connect/token`;
      const grant = (secret: string) =>
        post(tokenUrl, {
          grant_type: 'client_credentials',
          client_id: 'dispatch-api',
          client_secret: secret,
        });
      expect((await grant(secrets.api)).status).toBe(200);
      expect((await grant(oldApiSecret)).status).toBe(401);
      const log = fs.readFileSync(kc.logFile, 'utf8');
      expect(log).toContain(`Realm '${REALM}' already exists. Import skipped`);
      expect(log).toContain('updated dispatch-api secret, dispatch-console URLs');
      // The production distribution was built by the first start (or an earlier run): not again.
      expect(log).toMatch(/# dispatch: build 0\.\d s/);
    });

    it('gives a demo dispatcher a token through dispatch-cli, with tenant, roles, audience and the public issuer', async () => {
      const tokenUrl = `https://127.0.0.1:${options.httpsPort}/auth/realms/${REALM}/protocol/openid-connect/token`;
      const passwordGrant = (clientId: string) =>
        post(tokenUrl, {
          grant_type: 'password',
          client_id: clientId,
          username: 'acme-dispatcher',
          password: 'demo',
          scope: 'openid',
        });
      const response = await passwordGrant('dispatch-cli');
      expect(response.status).toBe(200);
      const claims = decodeJwtPayload(json<{ access_token: string }>(response).access_token);
      expect(claims.iss).toBe(issuer);
      expect(claims.tenant).toBe('acme');
      expect(claims.aud).toEqual(expect.arrayContaining(['dispatch-api']));
      expect(claims.realm_access).toMatchObject({ roles: expect.arrayContaining(['dispatcher']) });
      // The realm's built-in admin-cli takes no password, not even the right one.
      const viaAdminCli = await passwordGrant('admin-cli');
      expect([viaAdminCli.status, json(viaAdminCli).error]).toEqual([400, 'unauthorized_client']);
    });

    it('imports the demo data idempotently (a second import skips everything)', async () => {
      const demo = JSON.parse(fs.readFileSync(DEMO_IMPORT_FILE, 'utf8')) as {
        users: unknown[];
        clients: unknown[];
      };
      const again = await importDemoData(kc.internalUrl, ca, secrets.admin);
      expect(again).toEqual({
        added: 0,
        overwritten: 0,
        skipped: demo.users.length + demo.clients.length,
      });
      expect(await admin<number>(kc.internalUrl, '/users/count')).toBe(8);
    });

    describe('browser login through the public URL (Chromium)', () => {
      let browser: Browser;

      beforeAll(async () => {
        browser = await launchChromium();
      });

      afterAll(async () => {
        await browser?.close();
      });

      /** Redirects to the console (the public URL) each page has made, with their parameters. */
      const redirects = new WeakMap<Page, URL[]>();

      async function openLogin(username: string): Promise<Page> {
        // The browser does not know the throwaway CA; trust is tested above with Node's TLS.
        const context = await browser.newContext({ ignoreHTTPSErrors: true });
        const page = await context.newPage();
        const seen: URL[] = [];
        redirects.set(page, seen);
        page.on('request', (request) => {
          if (request.url().startsWith(`${publicUrl}/?`)) seen.push(new URL(request.url()));
        });
        const query = new URLSearchParams({
          client_id: 'dispatch-console',
          redirect_uri: `${publicUrl}/`,
          response_type: 'code',
          scope: 'openid',
          state: randomBytes(8).toString('hex'),
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
        });
        await page.goto(`${issuer}/protocol/openid-connect/auth?${query.toString()}`);
        await page.fill('#username', username);
        await page.fill('#password', 'demo');
        await page.click('#kc-login');
        return page;
      }

      /** Waits until Keycloak sent the browser back to the console with a code (RFC 9207 `iss`). */
      async function backAtConsole(page: Page): Promise<void> {
        const seen = redirects.get(page) ?? [];
        for (const deadline = Date.now() + 30_000; ;) {
          const back = seen.find((url) => url.searchParams.has('code'));
          if (back) {
            expect(back.searchParams.get('iss')).toBe(issuer);
            return;
          }
          if (Date.now() > deadline)
            throw new Error(
              `No redirect to ${publicUrl}/ with a code; the page is at ${page.url()}`,
            );
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }

      it('lets a dispatcher in with the password alone', async () => {
        const page = await openLogin('acme-dispatcher');
        await backAtConsole(page);
        await page.context().close();
      });

      it('makes an admin set up an OTP at the first login, and asks for it at the next', async () => {
        const page = await openLogin('acme-admin');
        await page.waitForSelector('#totp', { timeout: 30_000 });
        expect(await page.content()).toMatch(/authenticator/i);
        // The secret in text form ("Unable to scan?"), to compute codes from it.
        await page.click('#mode-manual');
        await page.waitForSelector('#kc-totp-secret-key');
        const secret = (await page.textContent('#kc-totp-secret-key'))?.trim() ?? '';
        expect(secret).toMatch(/^[A-Z2-7 ]{16,}$/);
        await page.fill('#totp', totp(secret));
        await page.click('#saveTOTPBtn');
        await backAtConsole(page);
        await page.context().close();

        const next = await openLogin('acme-admin');
        await next.waitForSelector('#otp', { timeout: 30_000 });
        // The code just used may not be used again: take the next period's (Keycloak accepts ±1).
        await next.fill('#otp', totp(secret, Date.now() + 30_000));
        await next.click('#kc-login');
        await backAtConsole(next);
        await next.context().close();
      });
    });
  });
});
