/**
 * The project's own certificate authority and the service certificates issued from it, made with
 * the `openssl` command-line tool into one folder (`certs/` by default; git-ignored except its
 * README). `ca.crt` is the file clients trust; every `*.key` is 0600.
 *
 * Idempotent: a run only makes what is missing, and reissues a service certificate when it
 * expires within RENEW_BEFORE_DAYS, no longer verifies against the CA, or lacks a name it must
 * carry. `renew: true` reissues every service certificate; `renewAuthority: true` starts a new CA
 * (and so new certificates for everything: clients must trust the new ca.crt).
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CA_DAYS = 3650;
/** Browsers refuse server certificates valid for more than 398 days. */
export const SERVICE_DAYS = 397;
export const RENEW_BEFORE_DAYS = 30;

/** The services of the deployment and the names each is reached by (compose and native). */
export const SERVICES = {
  nginx: ['localhost', 'nginx', '127.0.0.1', '::1'],
  keycloak: ['localhost', 'keycloak', '127.0.0.1'],
  postgres: ['localhost', 'postgres', '127.0.0.1'],
  api: ['localhost', 'api', 'api-1', 'api-2', '127.0.0.1'],
} as const;

export type ServiceName = keyof typeof SERVICES;

export interface CertificateOptions {
  dir: string;
  /** Extra names for the public entry point (nginx), e.g. the deployment's DNS name. */
  publicNames?: string[];
  renew?: boolean;
  renewAuthority?: boolean;
}

export interface ServiceCertificate {
  certFile: string;
  keyFile: string;
  names: string[];
  notAfter: Date;
  /** What this run did for it. */
  action: 'kept' | 'issued' | 'renewed';
}

export interface Certificates {
  dir: string;
  caFile: string;
  caKeyFile: string;
  caAction: 'kept' | 'created';
  services: Record<ServiceName, ServiceCertificate>;
}

const DAY_MS = 86_400_000;

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim() || String(error)}`, {
      cause: error,
    });
  }
}

function isIp(name: string): boolean {
  return /^[\d.]+$/.test(name) || name.includes(':');
}

function subjectAltName(names: readonly string[]): string {
  return names.map((name) => (isIp(name) ? `IP:${name}` : `DNS:${name}`)).join(',');
}

function readCertificate(file: string): X509Certificate | undefined {
  try {
    return new X509Certificate(fs.readFileSync(file));
  } catch {
    return undefined;
  }
}

/** The names a certificate carries, as written in SERVICES (IPv6 in openssl's long form too). */
function namesOf(certificate: X509Certificate): Set<string> {
  const names = new Set<string>();
  for (const entry of (certificate.subjectAltName ?? '').split(', ')) {
    const [kind, value] = entry.split(':', 2) as [string, string | undefined];
    if (!value) continue;
    if (kind === 'DNS') names.add(value);
    if (kind === 'IP Address') names.add(entry.slice('IP Address:'.length));
  }
  return names;
}

function normaliseIp(name: string): string {
  // openssl prints ::1 as 0:0:0:0:0:0:0:1
  return name === '::1' ? '0:0:0:0:0:0:0:1' : name;
}

function needsIssue(
  certificate: X509Certificate | undefined,
  ca: X509Certificate,
  names: readonly string[],
): boolean {
  if (!certificate) return true;
  if (new Date(certificate.validTo).getTime() - Date.now() < RENEW_BEFORE_DAYS * DAY_MS)
    return true;
  if (!certificate.verify(ca.publicKey)) return true;
  const present = namesOf(certificate);
  return names.some((name) => !present.has(name) && !present.has(normaliseIp(name)));
}

function writeAtomically(file: string, write: (temp: string) => void, mode: number): void {
  const temp = `${file}.${process.pid}.tmp`;
  write(temp);
  fs.chmodSync(temp, mode);
  fs.renameSync(temp, file);
}

function createAuthority(caFile: string, caKeyFile: string): void {
  writeAtomically(
    caKeyFile,
    (temp) =>
      openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072', '-out', temp]),
    0o600,
  );
  writeAtomically(
    caFile,
    (temp) =>
      openssl([
        'req',
        '-x509',
        '-new',
        '-key',
        caKeyFile,
        '-sha256',
        '-days',
        String(CA_DAYS),
        '-subj',
        '/O=Dispatch/CN=Dispatch local CA',
        '-addext',
        'basicConstraints=critical,CA:TRUE,pathlen:0',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
        '-out',
        temp,
      ]),
    0o644,
  );
}

function issue(
  service: string,
  names: readonly string[],
  dir: string,
  caFile: string,
  caKeyFile: string,
): void {
  const keyFile = path.join(dir, `${service}.key`);
  const certFile = path.join(dir, `${service}.crt`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `dispatch-cert-${service}-`));
  try {
    const key = path.join(work, 'key.pem');
    const request = path.join(work, 'request.csr');
    const extensions = path.join(work, 'extensions.cnf');
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key]);
    openssl(['req', '-new', '-key', key, '-subj', `/O=Dispatch/CN=${service}`, '-out', request]);
    fs.writeFileSync(
      extensions,
      [
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth,clientAuth',
        `subjectAltName=${subjectAltName(names)}`,
        'subjectKeyIdentifier=hash',
        'authorityKeyIdentifier=keyid',
        '',
      ].join('\n'),
    );
    const certificate = path.join(work, 'cert.pem');
    openssl([
      'x509',
      '-req',
      '-in',
      request,
      '-CA',
      caFile,
      '-CAkey',
      caKeyFile,
      '-CAcreateserial',
      '-CAserial',
      path.join(work, 'ca.srl'),
      '-days',
      String(SERVICE_DAYS),
      '-sha256',
      '-extfile',
      extensions,
      '-out',
      certificate,
    ]);
    // The key first: a certificate is never published without its key in place.
    writeAtomically(keyFile, (temp) => fs.copyFileSync(key, temp), 0o600);
    writeAtomically(
      certFile,
      // The chain a client needs besides the CA it trusts is the certificate itself.
      (temp) => fs.copyFileSync(certificate, temp),
      0o644,
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Makes (or keeps) the CA and every service certificate in `options.dir`. */
export function ensureCertificates(options: CertificateOptions): Certificates {
  const dir = path.resolve(options.dir);
  fs.mkdirSync(dir, { recursive: true });
  const caFile = path.join(dir, 'ca.crt');
  const caKeyFile = path.join(dir, 'ca.key');

  let ca = readCertificate(caFile);
  let caAction: Certificates['caAction'] = 'kept';
  const caExpiring = ca && new Date(ca.validTo).getTime() - Date.now() < 90 * DAY_MS;
  if (!ca || !fs.existsSync(caKeyFile) || caExpiring || options.renewAuthority) {
    createAuthority(caFile, caKeyFile);
    ca = readCertificate(caFile);
    caAction = 'created';
  }
  if (!ca) throw new Error(`Could not read the CA certificate ${caFile}`);

  const services = {} as Record<ServiceName, ServiceCertificate>;
  for (const service of Object.keys(SERVICES) as ServiceName[]) {
    const names = [
      ...new Set([
        ...SERVICES[service],
        ...(service === 'nginx' ? (options.publicNames ?? []) : []),
      ]),
    ];
    const certFile = path.join(dir, `${service}.crt`);
    const keyFile = path.join(dir, `${service}.key`);
    const existing = fs.existsSync(keyFile) ? readCertificate(certFile) : undefined;
    let action: ServiceCertificate['action'] = 'kept';
    if (options.renew || caAction === 'created' || needsIssue(existing, ca, names)) {
      issue(service, names, dir, caFile, caKeyFile);
      action = existing ? 'renewed' : 'issued';
    }
    const current = readCertificate(certFile);
    if (!current) throw new Error(`Could not read ${certFile}`);
    services[service] = {
      certFile,
      keyFile,
      names,
      notAfter: new Date(current.validTo),
      action,
    };
  }
  return { dir, caFile, caKeyFile, caAction, services };
}
