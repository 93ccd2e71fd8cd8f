/**
 * The deployment's secrets, one file each (Docker secrets, or read by the native production start),
 * generated at random where missing and never overwritten: `.secrets/` by default, a 0700 folder
 * of 0600 files, git-ignored. Nothing secret goes into the compose file, the environment or the
 * repository: services receive the *path* of a file (`*_FILE`, `--config-file`).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Every generated secret, by file name. */
export const SECRET_NAMES = [
  /** PostgreSQL's superuser, who owns the product's schemas and runs migrations. */
  'postgres-password',
  /** The API's own login (`dispatch_app`, a member of `dispatch_api`: it may not rewrite the audit trail). */
  'api-db-password',
  /** Keycloak's login to its own database. */
  'keycloak-db-password',
  /** Keycloak's bootstrap administrator (`admin`) of the master realm. */
  'keycloak-admin-password',
  /** The confidential `dispatch-api` client's secret (user and API-client administration). */
  'keycloak-api-client-secret',
] as const;

export type SecretName = (typeof SECRET_NAMES)[number];

export type Secrets = Record<SecretName, string> & { dir: string; file(name: string): string };

/** Writes `content` to `file` with mode 0600, atomically (readers never see half a secret). */
export function writeSecretFile(file: string, content: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, content, { mode: 0o600 });
  fs.chmodSync(temp, 0o600);
  fs.renameSync(temp, file);
}

/** Makes the secrets folder and every missing secret; returns them all (the values, read back). */
export function ensureSecrets(dir: string): Secrets {
  const root = path.resolve(dir);
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  fs.chmodSync(root, 0o700);
  const values = {} as Record<SecretName, string>;
  for (const name of SECRET_NAMES) {
    const file = path.join(root, name);
    if (!fs.existsSync(file)) writeSecretFile(file, randomBytes(24).toString('base64url'));
    const value = fs.readFileSync(file, 'utf8').trim();
    if (!value) throw new Error(`The secret file ${file} is empty: delete it to have one made`);
    values[name] = value;
  }
  return { ...values, dir: root, file: (name: string) => path.join(root, name) };
}

/** A postgres:// URL with credentials, for a secret file (never for the environment). */
export function postgresUrl(parts: {
  user: string;
  password: string;
  host: string;
  port: number;
  database: string;
  caFile?: string;
}): string {
  const url = new URL(`postgres://${parts.host}:${parts.port}/${parts.database}`);
  url.username = parts.user;
  url.password = parts.password;
  if (parts.caFile) {
    // node-postgres and libpq both read these: TLS, the server's certificate verified against our
    // CA and its name against the host.
    url.searchParams.set('sslmode', 'verify-full');
    url.searchParams.set('sslrootcert', parts.caFile);
  }
  return url.toString();
}
