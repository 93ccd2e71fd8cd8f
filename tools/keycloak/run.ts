/**
 * Runs Keycloak in the foreground with the dispatch realm.
 *
 *   npx tsx tools/keycloak/run.ts [--port 8080] [--mem] [--data-dir DIR]
 *   npm run keycloak -- --port 8180
 *
 * Default: dev-file database in <repo>/.data/keycloak (users created at runtime survive restarts).
 * --mem: in-memory database, a fresh realm on every start. Ctrl-C (SIGINT) or SIGTERM stops it cleanly.
 */
import {
  KEYCLOAK_VERSION,
  REALM_NAME,
  findJavaHome,
  KEYCLOAK_MIN_JAVA_MAJOR,
  startKeycloak,
  type KeycloakDatabase,
  type KeycloakInstance,
} from './keycloak';

interface CliOptions {
  port: number;
  database: KeycloakDatabase;
  dataDir?: string;
}

function usage(message?: string): never {
  if (message) console.error(message);
  console.error('usage: tsx tools/keycloak/run.ts [--port 8080] [--mem] [--data-dir DIR]');
  process.exit(2);
}

function parseArgs(argv: string[]): CliOptions {
  const options: CliOptions = {
    port: Number(process.env.KEYCLOAK_PORT ?? 8080),
    database: 'dev-file',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) usage(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--port':
        options.port = Number(value());
        break;
      case '--mem':
        options.database = 'dev-mem';
        break;
      case '--data-dir':
        options.dataDir = value();
        break;
      case '-h':
      case '--help':
        usage();
        break;
      default:
        usage(`unknown argument ${arg}`);
    }
  }
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535)
    usage('invalid --port');
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const running: { instance?: KeycloakInstance } = {};
  let shuttingDown = false;
  const shutdown = (signal: string): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    console.log(`\n${signal}: stopping Keycloak...`);
    // Still starting: exiting is enough, keycloak.ts SIGTERMs the process groups it spawned on exit.
    const done = running.instance ? running.instance.stop() : Promise.resolve();
    done.then(
      () => {
        console.log('Keycloak stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  const started = Date.now();
  console.log(
    `Starting Keycloak ${KEYCLOAK_VERSION} (${options.database}) on port ${options.port} ` +
      `with JAVA_HOME=${findJavaHome(KEYCLOAK_MIN_JAVA_MAJOR)} ...`,
  );
  const instance = await startKeycloak({
    port: options.port,
    database: options.database,
    dataDir: options.dataDir,
  });
  running.instance = instance;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`Keycloak ready in ${seconds} s (pid ${instance.pid}, log ${instance.logFile})`);
  console.log(`  Realm:  ${instance.baseUrl}/realms/${REALM_NAME}`);
  console.log(`  Admin:  ${instance.baseUrl}/admin  (admin / admin)`);
  console.log('  Users:  <acme|globex>-<admin|dispatcher|driver|viewer> / demo');
  console.log('Press Ctrl-C to stop.');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
