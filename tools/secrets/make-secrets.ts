/**
 * `npm run secrets [-- --compose] [-- --public-url https://dispatch.example.com:8443]`
 *
 * Makes the deployment's secrets in .secrets/ (random, 0600, kept once made). With --compose, also
 * the files docker-compose.yml mounts that are built from them, in .secrets/compose/: the API's
 * and the migrations' database URLs (verified TLS to the `postgres` service), Keycloak's
 * configuration file (its database and bootstrap-admin passwords) and the production realm with
 * the API client's secret and the public URL filled in.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { renderProductionRealm } from '../keycloak/production';
import { ensureSecrets, postgresUrl, writeSecretFile } from './secrets';

const ROOT = path.resolve(__dirname, '..', '..');
/** Where the compose services find our CA (./certs mounted read-only). */
const COMPOSE_CA_FILE = '/etc/dispatch/certs/ca.crt';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: path.join(ROOT, '.secrets') },
    compose: { type: 'boolean', default: false },
    'public-url': {
      type: 'string',
      default: process.env.DISPATCH_PUBLIC_URL ?? 'https://localhost:8443',
    },
  },
});

const secrets = ensureSecrets(values.dir);
process.stdout.write(`secrets in ${path.relative(process.cwd(), secrets.dir) || '.'} (0600)\n`);

if (values.compose) {
  const dir = path.join(secrets.dir, 'compose');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const database = { host: 'postgres', port: 5432, database: 'dispatch', caFile: COMPOSE_CA_FILE };
  writeSecretFile(
    path.join(dir, 'database-url'),
    postgresUrl({ ...database, user: 'dispatch_app', password: secrets['api-db-password'] }),
  );
  writeSecretFile(
    path.join(dir, 'migration-database-url'),
    postgresUrl({ ...database, user: 'postgres', password: secrets['postgres-password'] }),
  );
  writeSecretFile(
    path.join(dir, 'keycloak.conf'),
    [
      '# Made by npm run secrets -- --compose: Keycloak reads it with --config-file.',
      `db-password=${secrets['keycloak-db-password']}`,
      'bootstrap-admin-username=admin',
      `bootstrap-admin-password=${secrets['keycloak-admin-password']}`,
      '',
    ].join('\n'),
  );
  writeSecretFile(
    path.join(dir, 'dispatch-realm.json'),
    renderProductionRealm(values['public-url'], secrets['keycloak-api-client-secret']),
  );
  process.stdout.write(
    `compose files in ${path.relative(process.cwd(), dir)} for ${values['public-url']}\n`,
  );
}
