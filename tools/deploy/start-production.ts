/**
 * `npm run start:production [-- --demo]`: the deployment's topology natively on this machine —
 * nginx on https://localhost:8443 (http://localhost:8081 redirects), two API instances, Keycloak in
 * production mode behind /auth, PostgreSQL accepting TLS only (or DATABASE_URL_FILE / DATABASE_URL,
 * the owner's URL of a server of your own). Certificates in certs/, secrets in .secrets/, data and
 * logs in .data/production/. Ctrl-C stops everything.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDebianPackages } from './debian-packages';
import {
  DEFAULT_PORTS,
  DEMO_TENANTS,
  REPO_ROOT,
  startProductionTopology,
  type ProductionTopology,
} from './production';

const say = (line: string) => process.stdout.write(`[dispatch] ${line}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { demo: { type: 'boolean', default: false } } });
  ensureDebianPackages(say);
  say('building the API');
  execFileSync('npx', ['nx', 'run', 'api:build', '--output-style=stream-without-prefixes'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false' },
  });
  const databaseUrlFile = process.env.DATABASE_URL_FILE;
  const databaseUrl = databaseUrlFile
    ? fs.readFileSync(databaseUrlFile, 'utf8').trim()
    : process.env.DATABASE_URL;
  // Ctrl-C may arrive twice (from the terminal and relayed by tsx): stop once, ignore the rest.
  // During the start, exiting runs the exit hooks that stop whatever has been started so far.
  const started: { topology?: ProductionTopology } = {};
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say('stopping');
    await started.topology?.stop();
    process.exit(started.topology ? 0 : 130);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  const topology = await startProductionTopology({
    ports: DEFAULT_PORTS,
    dataDir: path.join(REPO_ROOT, '.data', 'production'),
    certsDir: path.join(REPO_ROOT, 'certs'),
    secretsDir: path.join(REPO_ROOT, '.secrets'),
    databaseUrl,
    demo: values.demo,
    log: say,
  });
  started.topology = topology;
  const relative = (file: string) => path.relative(process.cwd(), file) || file;
  const lines = [
    '',
    'Dispatch (production topology) is running.',
    '',
    `  Console        ${topology.publicUrl}/`,
    `  API            ${topology.publicUrl}/api/v1   (docs ${topology.publicUrl}/api/docs)`,
    `  Keycloak       ${topology.publicUrl}/auth   (admin console ${topology.publicUrl}/auth/admin: admin / the password in .secrets/keycloak-admin-password)`,
    `  CA             ${relative(topology.caFile)}   (trust it: curl --cacert, NODE_EXTRA_CA_CERTS, or import it into the browser)`,
    `  Metrics        https://localhost:${DEFAULT_PORTS.api[0]}/metrics and :${DEFAULT_PORTS.api[1]}/metrics (not through nginx)`,
    `  Logs           ${relative(path.join(REPO_ROOT, '.data', 'production', 'logs'))}`,
    '',
    ...(values.demo
      ? [
          '  Demo logins (password "demo"; an admin sets up a one-time-password app at first sign-in):',
          ...DEMO_TENANTS.map(
            ([slug]) =>
              `    ${slug.padEnd(8)} ${['admin', 'dispatcher', 'driver', 'viewer'].map((role) => `${slug}-${role}`).join('  ')}`,
          ),
        ]
      : [
          '  No tenants or users yet (add --demo for demo tenants and logins):',
          '    node apps/api/dist/cli.js provision <slug> <name>   with DATABASE_URL_FILE=.data/production/run-secrets/migration-database-url',
        ]),
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[dispatch] failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
