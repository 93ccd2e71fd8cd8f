/**
 * Starts a Debian PostgreSQL server and prints `{"pid": …}`, then waits to be killed: a test kills
 * this process with SIGKILL and checks that the server does not outlive it.
 * Usage: node --import tsx debian-postgres-child.ts '<DebianPostgresOptions as JSON>'
 */
// eslint-disable-next-line @nx/enforce-module-boundaries -- the test drives the repo's own server tooling
import { startDebianPostgres } from '../../../../tools/postgres/debian-postgres';

startDebianPostgres(JSON.parse(process.argv[2] ?? '{}'))
  .then((server) => {
    process.stdout.write(`${JSON.stringify({ pid: server.pid })}\n`);
    setInterval(() => undefined, 60_000);
  })
  .catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
