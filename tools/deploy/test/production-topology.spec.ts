/**
 * The production topology, brought up natively as `npm run start:production -- --demo` does (on
 * free ports, in a throwaway folder) and tested through its real processes: nginx with TLS from our
 * CA, two HTTPS API instances, Keycloak in production mode behind /auth, PostgreSQL accepting TLS
 * only, secrets as files.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { Client } from 'pg';
import { launchChromium } from '@dispatch/testing';
import type { Browser } from 'playwright-core';
import { httpsFormPost, httpsRequest, type HttpsAnswer } from '../../net/https-client';
import { freePort } from '../../net/ports';
import { ensureDebianPackages } from '../debian-packages';
import {
  startProductionTopology,
  type ProductionPorts,
  type ProductionTopology,
} from '../production';
import { HttpsEventStream } from './support/https-event-stream';

let topology: ProductionTopology;
let ca: Buffer;
let workDir: string;
let secretsDir: string;
let ports: ProductionPorts;

async function token(username: string): Promise<string> {
  const answer = await httpsFormPost(
    `${topology.publicUrl}/auth/realms/dispatch/protocol/openid-connect/token`,
    { grant_type: 'password', client_id: 'dispatch-cli', username, password: 'demo' },
    { ca },
  );
  if (answer.status !== 200)
    throw new Error(`token for ${username}: ${answer.status} ${answer.body}`);
  return (JSON.parse(answer.body) as { access_token: string }).access_token;
}

function api(
  bearer: string,
  method: string,
  apiPath: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpsAnswer> {
  return httpsRequest(`${topology.publicUrl}/api/v1${apiPath}`, {
    ca,
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    timeoutMs: 30_000,
  });
}

function plainHttpGet(url: string): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0, location: response.headers.location });
      })
      .on('error', reject);
  });
}

/** Every process id of a process group (Keycloak's launcher script and its JVM). */
function processGroup(pgid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(fields[2]) === pgid || Number(fields[1]) === pgid; // pgrp, or child of
      } catch {
        return false;
      }
    });
}

function childrenOf(pid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((candidate) => {
      try {
        const stat = fs.readFileSync(`/proc/${candidate}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    });
}

beforeAll(async () => {
  ensureDebianPackages(undefined, { forTests: true });
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dispatch-production-'));
  secretsDir = path.join(workDir, 'secrets');
  ports = {
    https: await freePort(),
    http: await freePort(),
    postgres: await freePort(),
    keycloak: await freePort(),
    keycloakManagement: await freePort(),
    api: [await freePort(), await freePort()],
  };
  topology = await startProductionTopology({
    ports,
    dataDir: path.join(workDir, 'data'),
    certsDir: path.join(workDir, 'certs'),
    secretsDir,
    demo: true,
    log: (line) => process.stdout.write(`[production] ${line}\n`),
  });
  ca = fs.readFileSync(topology.caFile);
}, 900_000);

afterAll(async () => {
  await topology?.stop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
}, 120_000);

describe('TLS through nginx', () => {
  it('serves the console, the API and Keycloak with certificates that verify against ca.crt alone', async () => {
    const console = await httpsRequest(`${topology.publicUrl}/`, { ca });
    expect(console.status).toBe(200);
    expect(console.body).toContain('<div id="root"');

    for (const host of ['localhost', '127.0.0.1']) {
      const discovery = await httpsRequest(
        `https://${host}:${ports.https}/auth/realms/dispatch/.well-known/openid-configuration`,
        { ca },
      );
      expect(discovery.status).toBe(200);
      // The issuer is fixed whatever host the request used.
      expect((JSON.parse(discovery.body) as { issuer: string }).issuer).toBe(
        `${topology.publicUrl}/auth/realms/dispatch`,
      );
    }

    const dispatcher = await token('acme-dispatcher');
    const sites = await api(dispatcher, 'GET', '/sites');
    expect(sites.status).toBe(200);
    expect((JSON.parse(sites.body) as { items: unknown[] }).items.length).toBeGreaterThan(0);

    const socket = tls.connect({
      host: 'localhost',
      port: ports.https,
      ca,
      servername: 'localhost',
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    expect(socket.authorized).toBe(true);
    expect(socket.getPeerCertificate().issuer.CN).toBe('Dispatch local CA');
    expect(['TLSv1.2', 'TLSv1.3']).toContain(socket.getProtocol());
    socket.destroy();
  });

  it('refuses a client that does not trust our CA', async () => {
    await expect(httpsRequest(`${topology.publicUrl}/`)).rejects.toMatchObject({
      code: expect.stringMatching(
        /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET_ISSUER_CERT_LOCALLY|VERIFY_LEAF_SIGNATURE)/,
      ),
    });
    const plainOnTlsPort = await plainHttpGet(`http://localhost:${ports.https}/`).catch(
      (error: Error) => ({ status: 0, location: error.message }),
    );
    expect(plainOnTlsPort.status).toBe(400); // nginx: "plain HTTP request was sent to HTTPS port"
  });

  it('redirects plain HTTP to HTTPS and sends HSTS and the security headers', async () => {
    const redirect = await plainHttpGet(`http://localhost:${ports.http}/board?tab=queue`);
    expect(redirect.status).toBe(308);
    expect(redirect.location).toBe(`https://localhost:${ports.https}/board?tab=queue`);

    const page = await httpsRequest(`${topology.publicUrl}/work-orders/some-id`, { ca });
    expect(page.status).toBe(200); // a client-side route: the console's index.html
    expect(page.headers['strict-transport-security']).toMatch(/max-age=\d{8,}/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers.server).toBe('nginx');

    const apiAnswer = await httpsRequest(`${topology.publicUrl}/api/v1/sites`, { ca });
    expect(apiAnswer.status).toBe(401);
    expect(apiAnswer.headers['strict-transport-security']).toMatch(/max-age=/);

    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    expect(script).toBeDefined();
    const compressed = await httpsRequest(`${topology.publicUrl}${script}`, {
      ca,
      acceptGzip: true,
    });
    expect(compressed.headers['content-encoding']).toBe('gzip');
    expect(compressed.headers['cache-control']).toContain('immutable');
  });
});

describe('operations endpoints', () => {
  it('/metrics answers in Prometheus text format on each instance and 404 through nginx', async () => {
    expect((await httpsRequest(`${topology.publicUrl}/metrics`, { ca })).status).toBe(404);
    expect((await httpsRequest(`${topology.publicUrl}/health/ready`, { ca })).status).toBe(404);
    for (const port of ports.api) {
      const metrics = await httpsRequest(`https://localhost:${port}/metrics`, { ca });
      expect(metrics.status).toBe(200);
      expect(metrics.headers['content-type']).toContain('text/plain');
      expect(metrics.body).toContain('# TYPE http_request_duration_seconds histogram');
    }
  });
});

describe('PostgreSQL', () => {
  it('refuses a connection without TLS, and one that does not verify our CA', async () => {
    const password = fs.readFileSync(path.join(secretsDir, 'postgres-password'), 'utf8').trim();
    const plain = new Client({
      host: 'localhost',
      port: ports.postgres,
      user: 'postgres',
      password,
      database: 'dispatch',
      ssl: false,
    });
    await expect(plain.connect()).rejects.toThrow(/no pg_hba\.conf entry .*no encryption/);
    const untrusting = new Client({
      host: 'localhost',
      port: ports.postgres,
      user: 'postgres',
      password,
      database: 'dispatch',
      ssl: { rejectUnauthorized: true },
    });
    await expect(untrusting.connect()).rejects.toThrow(/self[- ]signed|unable to (get|verify)/i);
  });

  it('carries the API’s and Keycloak’s sessions over TLS, and they verify the server', async () => {
    const client = new Client({ connectionString: topology.ownerUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ usename: string; ssl: boolean; sessions: string }>(
        `SELECT a.usename, s.ssl, count(*) AS sessions
           FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)
          WHERE a.usename IN ('dispatch_app', 'keycloak')
          GROUP BY a.usename, s.ssl ORDER BY a.usename`,
      );
      expect(rows.map(({ usename, ssl }) => ({ usename, ssl }))).toEqual([
        { usename: 'dispatch_app', ssl: true },
        { usename: 'keycloak', ssl: true },
      ]);
    } finally {
      await client.end();
    }
    const apiUrl = new URL(
      fs.readFileSync(path.join(workDir, 'data', 'run-secrets', 'database-url'), 'utf8'),
    );
    expect(apiUrl.searchParams.get('sslmode')).toBe('verify-full');
    expect(apiUrl.searchParams.get('sslrootcert')).toBe(topology.caFile);
  });
});

describe('secrets', () => {
  it('are in no service’s environment or command line, and are 0600 files', () => {
    const secrets = fs.readdirSync(secretsDir).map((name) => ({
      name,
      value: fs.readFileSync(path.join(secretsDir, name), 'utf8').trim(),
    }));
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    for (const { name } of secrets)
      expect({ name, mode: fs.statSync(path.join(secretsDir, name)).mode & 0o777 }).toEqual({
        name,
        mode: 0o600,
      });

    const services: [string, number[]][] = [
      ['nginx', [topology.nginx.pid, ...childrenOf(topology.nginx.pid)]],
      ['api', topology.apis.map((instance) => instance.process.pid)],
      ['keycloak', processGroup(topology.keycloak.pid)],
      [
        'postgres',
        topology.postgres ? [topology.postgres.pid, ...childrenOf(topology.postgres.pid)] : [],
      ],
    ];
    for (const [service, pids] of services) {
      expect({ service, processes: pids.length > 0 }).toEqual({ service, processes: true });
      let read = 0;
      for (const pid of pids) {
        let environ: string;
        let cmdline: string;
        try {
          environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
          cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        } catch {
          continue; // a short-lived child that has gone
        }
        read += 1;
        for (const { name, value } of secrets) {
          expect({ service, pid, name, inEnvironment: environ.includes(value) }).toEqual({
            service,
            pid,
            name,
            inEnvironment: false,
          });
          expect({ service, pid, name, inCommandLine: cmdline.includes(value) }).toEqual({
            service,
            pid,
            name,
            inCommandLine: false,
          });
        }
        const keys = environ
          .split('\0')
          .map((entry) => entry.split('=')[0] ?? '')
          .filter((key) => /PASSWORD|SECRET/.test(key) && !key.endsWith('_FILE'));
        expect({ service, pid, keys }).toEqual({ service, pid, keys: [] });
      }
      // The check read the processes it names (a vanished or unreadable one proves nothing).
      expect({ service, processesRead: read > 0 }).toEqual({ service, processesRead: true });
    }
  });
});

describe('in a browser', () => {
  let browser: Browser | undefined;
  let home: string;

  beforeAll(async () => {
    // Chromium trusts our CA the way a user's browser would: through its certificate store.
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'dispatch-chromium-home-'));
    const nssdb = path.join(home, '.pki', 'nssdb');
    fs.mkdirSync(nssdb, { recursive: true });
    execFileSync('certutil', ['-d', `sql:${nssdb}`, '-N', '--empty-password']);
    execFileSync('certutil', [
      '-d',
      `sql:${nssdb}`,
      '-A',
      '-n',
      'Dispatch local CA',
      '-t',
      'C,,',
      '-i',
      topology.caFile,
    ]);
    browser = await launchChromium({ env: { ...process.env, HOME: home } });
  });

  afterAll(async () => {
    await browser?.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('signs in through https (Keycloak behind /auth), creates a work order and sees it live over SSE', async () => {
    const context = await browser!.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const insecure: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith('https://') && !request.url().startsWith('data:'))
        insecure.push(request.url());
    });
    await page.goto(`${topology.publicUrl}/`);
    await page.waitForSelector('#username', { timeout: 60_000 });
    expect(page.url()).toContain(`${topology.publicUrl}/auth/realms/dispatch/`);
    await page.fill('#username', 'acme-dispatcher');
    await page.fill('#password', 'demo');
    await page.click('#kc-login');
    await page.waitForSelector('[data-testid="live-state"]:has-text("Live")', { timeout: 60_000 });

    await page.getByRole('button', { name: 'New work order' }).click();
    const form = page
      .getByRole('dialog', { name: 'New work order' })
      .locator('[data-testid="create-work-order"]');
    await form.getByLabel('Title').fill('Inspect the loading dock');
    // The first site and type the console offers (Mantine selects: open the list, pick).
    for (const field of ['Site', 'Equipment type']) {
      const combobox = form.getByRole('combobox', { name: field, exact: true });
      await combobox.click();
      await combobox.and(page.locator('[aria-expanded="true"]')).waitFor();
      const list = await combobox.getAttribute('aria-controls');
      await page.locator(`[id="${list}"]`).getByRole('option').first().click();
    }
    await form.getByRole('button', { name: 'Create work order' }).click();
    const result = page.locator('[data-testid="create-result"]');
    await result.waitFor({ timeout: 30_000 });
    const created = await result.getAttribute('data-work-order');
    expect(created).toBeTruthy();
    await page.locator(`[data-work-order="${created}"]`).first().waitFor({ timeout: 15_000 });

    // An order created elsewhere (an ERP, say) appears on this board by itself: the live stream
    // runs through nginx.
    const dispatcher = await token('acme-dispatcher');
    const sites = JSON.parse((await api(dispatcher, 'GET', '/sites')).body) as {
      items: { id: string }[];
    };
    const types = JSON.parse((await api(dispatcher, 'GET', '/equipment-types')).body) as {
      items: { id: string }[];
    };
    const elsewhere = await api(dispatcher, 'POST', '/work-orders', {
      title: 'Created by the ERP',
      siteId: sites.items[0]?.id,
      equipmentTypeId: types.items[0]?.id,
      priority: 'standard',
    });
    expect(elsewhere.status).toBe(201);
    const id = (JSON.parse(elsewhere.body) as { id: string }).id;
    await page.locator(`[data-work-order="${id}"]`).first().waitFor({ timeout: 15_000 });
    expect(insecure).toEqual([]);
    await context.close();
  });
});

describe('two API instances behind nginx', () => {
  it('lose one to SIGKILL during a burst of reads and idempotent writes without a failed request reaching the client; the live stream goes on', async () => {
    const dispatcher = await token('acme-dispatcher');
    const sites = JSON.parse((await api(dispatcher, 'GET', '/sites')).body) as {
      items: { id: string }[];
    };
    const types = JSON.parse((await api(dispatcher, 'GET', '/equipment-types')).body) as {
      items: { id: string }[];
    };
    const stream = new HttpsEventStream(`${topology.publicUrl}/api/v1/events`, ca, () =>
      token('acme-dispatcher'),
    ).open();
    await stream.waitFor(() => true, 15_000).catch(() => undefined);

    const accessLog = path.join(workDir, 'data', 'nginx', 'logs', 'access.log');
    const linesBefore = fs.readFileSync(accessLog, 'utf8').split('\n').length - 1;
    const run = `kill-${Date.now()}`;
    const operations = Array.from({ length: 160 }, (_, index) => index);
    const failures: string[] = [];
    const writes: string[] = [];
    let done = 0;
    let killed = false;
    const worker = async () => {
      for (;;) {
        const index = operations.shift();
        if (index === undefined) return;
        if (!killed && done >= 40) {
          killed = true;
          topology.apis[0]?.process.kill('SIGKILL');
        }
        const answer =
          index % 2 === 0
            ? await api(dispatcher, 'GET', '/work-orders?limit=20')
            : await api(
                dispatcher,
                'POST',
                '/work-orders',
                {
                  title: `Burst ${index}`,
                  siteId: sites.items[index % sites.items.length]?.id,
                  equipmentTypeId: types.items[index % types.items.length]?.id,
                  priority: 'standard',
                  externalRef: `${run}-${index}`,
                },
                { 'idempotency-key': `${run}-${index}` },
              );
        if (index % 2 === 1) writes.push(`${run}-${index}`);
        if (answer.status >= 400)
          failures.push(`#${index}: ${answer.status} ${answer.body.slice(0, 200)}`);
        done += 1;
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(killed).toBe(true);
    expect(topology.apis[0]?.process.alive()).toBe(false);
    expect(failures).toEqual([]);

    // nginx sent requests on to the survivor (the burst really met the dead instance).
    const burstLines = fs.readFileSync(accessLog, 'utf8').split('\n').slice(linesBefore);
    const retried = burstLines.filter((line) => /upstream=\S+, \S+/.test(line));
    const retriedWrites = retried.filter((line) => line.includes('"POST '));
    process.stdout.write(
      `[production] burst: ${burstLines.length - 1} requests, ${retried.length} sent on to the other instance (${retriedWrites.length} idempotent writes)\n`,
    );
    expect(retried.length).toBeGreaterThan(0);

    // Each write happened exactly once.
    const client = new Client({ connectionString: topology.ownerUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ external_ref: string; n: string }>(
        `SELECT external_ref, count(*) AS n FROM tenant_acme.work_orders
          WHERE external_ref LIKE $1 GROUP BY external_ref`,
        [`${run}-%`],
      );
      expect(rows).toHaveLength(writes.length);
      expect(rows.every((row) => Number(row.n) === 1)).toBe(true);
    } finally {
      await client.end();
    }

    // The survivor keeps the live stream going (the client reconnects through nginx if its
    // instance was the one that died).
    const after = await api(dispatcher, 'POST', '/work-orders', {
      title: 'After the crash',
      siteId: sites.items[0]?.id,
      equipmentTypeId: types.items[0]?.id,
      priority: 'standard',
    });
    expect(after.status).toBe(201);
    const afterId = (JSON.parse(after.body) as { id: string }).id;
    await stream.waitFor((event) => JSON.stringify(event.data).includes(afterId), 20_000);
    stream.close();
    await topology.restartApi(0);
  });
});
