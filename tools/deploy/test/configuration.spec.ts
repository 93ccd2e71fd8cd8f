/**
 * The deployment's configuration files, checked without starting anything: docker-compose.yml
 * against the Compose Specification's JSON schema, the nginx template with `nginx -t`, the
 * certificate and secret scripts, and that nothing secret is in the compose file or the repository.
 */
import Ajv from 'ajv';
import draft07 from 'ajv/dist/refs/json-schema-draft-07.json';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { ensureCertificates, SERVICES } from '../../certs/certificates';
import { ensureSecrets, SECRET_NAMES } from '../../secrets/secrets';
import { ensureDebianPackages } from '../debian-packages';
import { writeNativeNginxConfig } from '../nginx-config';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');

interface ComposeService {
  environment?: Record<string, string>;
  secrets?: (string | { source: string })[];
  ports?: string[];
  network_mode?: string;
  command?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets: Record<string, { file?: string; environment?: string }>;
}

function compose(): ComposeFile {
  return parse(fs.readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as ComposeFile;
}

/**
 * The Compose Specification's JSON schema, as `docker compose` validates with it: vendored beside
 * the repository (../shared/vendor, never copied in), or wherever COMPOSE_SPEC_SCHEMA says.
 */
const COMPOSE_SPEC_SCHEMA =
  process.env.COMPOSE_SPEC_SCHEMA ?? path.join(ROOT, '..', 'shared', 'vendor', 'compose-spec.json');

/** The schema names draft-07 by its https address, which Ajv knows as http://…#. */
function composeValidator() {
  const schema = JSON.parse(fs.readFileSync(COMPOSE_SPEC_SCHEMA, 'utf8')) as { $schema: string };
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  ajv.addMetaSchema({ ...draft07, $id: schema.$schema });
  return ajv.compile(schema);
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'dispatch-deploy-'));
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification', () => {
    const validate = composeValidator();
    // Compose resolves YAML merge keys (<<) before it validates; so does this parse.
    const document = parse(fs.readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as unknown;
    const valid = validate(document);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('would be refused by the schema if it were wrong (the check can fail)', () => {
    const validate = composeValidator();
    const document = parse(fs.readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as {
      services: Record<string, Record<string, unknown>>;
    };
    (document.services.nginx as Record<string, unknown>).restart_policy = 'always';
    expect(validate(document)).toBe(false);
  });

  it('has nginx, two API instances, Keycloak, PostgreSQL and a backup service; only nginx publishes ports', () => {
    const { services } = compose();
    expect(Object.keys(services).sort()).toEqual(
      ['api-1', 'api-2', 'backup', 'keycloak', 'nginx', 'postgres'].sort(),
    );
    for (const [name, service] of Object.entries(services)) {
      expect({ name, network_mode: service.network_mode }).toEqual({
        name,
        network_mode: undefined,
      });
      if (name !== 'nginx')
        expect({ name, ports: service.ports }).toEqual({ name, ports: undefined });
    }
    expect(services.nginx?.ports).toEqual(['8443:8443', '8081:8081']);
    expect(services.keycloak?.command?.[0]).toBe('start');
  });

  it('holds no secret: secrets are files, the environment only names them', () => {
    const file = compose();
    for (const [name, service] of Object.entries(file.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (/PASSWORD|SECRET|TOKEN|_KEY$/.test(key))
          expect({ service: name, key, isFile: key.endsWith('_FILE') }).toEqual({
            service: name,
            key,
            isFile: true,
          });
        expect(String(value)).not.toMatch(/:\/\/[^/\s:@]+:[^@\s]+@/); // no credentials in a URL
      }
    }
    for (const [name, secret] of Object.entries(file.secrets)) {
      expect({ name, file: secret.file?.startsWith('./.secrets/') }).toEqual({ name, file: true });
    }
  });
});

describe('the repository', () => {
  it('tracks no secret, key or generated certificate, and ignores where they are made', () => {
    const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n');
    expect(tracked.filter((file) => file.startsWith('.secrets/'))).toEqual([]);
    expect(tracked.filter((file) => /\.(key|pem|p12|jks)$/.test(file))).toEqual([]);
    expect(tracked.filter((file) => file.startsWith('certs/'))).toEqual(['certs/README.md']);
    const ignored = execFileSync(
      'git',
      [
        'check-ignore',
        '.secrets/postgres-password',
        'certs/ca.key',
        'certs/nginx.crt',
        'backups/x',
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(ignored.trim().split('\n')).toHaveLength(4);
  });
});

describe('tools/certs', () => {
  const dir = tempDir();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('makes a CA and a certificate per service that verifies against it, with the right names', () => {
    const made = ensureCertificates({ dir, publicNames: ['dispatch.example.com'] });
    expect(made.caAction).toBe('created');
    const ca = new X509Certificate(fs.readFileSync(made.caFile));
    expect(ca.ca).toBe(true);
    for (const [service, names] of Object.entries(SERVICES)) {
      const certificate = made.services[service as keyof typeof SERVICES];
      const x509 = new X509Certificate(fs.readFileSync(certificate.certFile));
      expect(x509.verify(ca.publicKey)).toBe(true);
      expect(x509.ca).toBe(false);
      expect(x509.checkHost('localhost')).toBe('localhost');
      expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
      for (const name of names.filter((entry) => /^[a-z]/.test(entry)))
        expect(x509.checkHost(name)).toBe(name);
      const days = (new Date(x509.validTo).getTime() - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(390);
      expect(days).toBeLessThanOrEqual(398);
      expect(fs.statSync(certificate.keyFile).mode & 0o777).toBe(0o600);
    }
    expect(
      new X509Certificate(fs.readFileSync(made.services.nginx.certFile)).checkHost(
        'dispatch.example.com',
      ),
    ).toBe('dispatch.example.com');
    expect(fs.statSync(made.caKeyFile).mode & 0o777).toBe(0o600);
    // openssl agrees with Node.
    expect(
      execFileSync('openssl', ['verify', '-CAfile', made.caFile, made.services.api.certFile], {
        encoding: 'utf8',
      }),
    ).toContain(': OK');
  });

  it('keeps what is good, renews on request, and reissues what no longer matches', () => {
    const before = fs.readFileSync(path.join(dir, 'nginx.crt'), 'utf8');
    const again = ensureCertificates({ dir, publicNames: ['dispatch.example.com'] });
    expect(again.caAction).toBe('kept');
    expect(Object.values(again.services).map((service) => service.action)).toEqual(
      Object.keys(SERVICES).map(() => 'kept'),
    );
    expect(fs.readFileSync(path.join(dir, 'nginx.crt'), 'utf8')).toBe(before);

    // A public name it does not carry yet: only nginx's certificate is reissued.
    const named = ensureCertificates({ dir, publicNames: ['dispatch.example.org'] });
    expect(named.services.nginx.action).toBe('renewed');
    expect(named.services.api.action).toBe('kept');

    const renewed = ensureCertificates({ dir, renew: true });
    expect(Object.values(renewed.services).every((service) => service.action === 'renewed')).toBe(
      true,
    );
    const caBefore = fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8');
    const newAuthority = ensureCertificates({ dir, renewAuthority: true });
    expect(newAuthority.caAction).toBe('created');
    expect(fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8')).not.toBe(caBefore);
    const ca = new X509Certificate(fs.readFileSync(newAuthority.caFile));
    expect(
      new X509Certificate(fs.readFileSync(newAuthority.services.keycloak.certFile)).verify(
        ca.publicKey,
      ),
    ).toBe(true);
  });
});

describe('tools/secrets', () => {
  const dir = path.join(tempDir(), 'secrets');
  afterAll(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

  it('makes every secret once, 0600 in a 0700 folder, and never overwrites one', () => {
    const first = ensureSecrets(dir);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    for (const name of SECRET_NAMES) {
      expect(fs.statSync(path.join(dir, name)).mode & 0o777).toBe(0o600);
      expect(first[name]).toMatch(/^[A-Za-z0-9_-]{32}$/);
    }
    expect(new Set(SECRET_NAMES.map((name) => first[name])).size).toBe(SECRET_NAMES.length);
    const second = ensureSecrets(dir);
    for (const name of SECRET_NAMES) expect(second[name]).toBe(first[name]);
  });
});

describe('nginx configuration', () => {
  beforeAll(() => ensureDebianPackages());

  it('passes nginx -t as rendered for the native topology', () => {
    const prefix = tempDir();
    try {
      const certificates = ensureCertificates({ dir: path.join(prefix, 'certs') });
      fs.mkdirSync(path.join(prefix, 'html'));
      const conf = writeNativeNginxConfig(prefix, {
        httpPort: 18081,
        httpsPort: 18443,
        publicHttpsPort: 18443,
        api: ['localhost:13001', 'localhost:13002'],
        keycloak: 'localhost:18444',
        tlsCertFile: certificates.services.nginx.certFile,
        tlsKeyFile: certificates.services.nginx.keyFile,
        caFile: certificates.caFile,
        consoleRoot: path.join(prefix, 'html'),
        accessLog: path.join(prefix, 'logs', 'access.log'),
      });
      const output = execFileSync('nginx', ['-t', '-p', prefix, '-c', conf], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(output).toBe('');
    } finally {
      fs.rmSync(prefix, { recursive: true, force: true });
    }
  });
});
