/**
 * `npm run citus:up [-- --coordinator-port 55432 --worker-ports 55433,55434 --data-dir .data/citus]`:
 * builds Citus 13.2.2 for Debian's PostgreSQL 15 when it is not installed yet, starts a coordinator
 * and two workers (tools/citus/cluster.ts) with their data in `.data/citus/` and prints the
 * coordinator's URL. Ctrl-C stops all three.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './build';
import { type CitusPorts, startCitusCluster } from './cluster';

const say = (line: string) => process.stdout.write(`[citus] ${line}\n`);

function port(value: string, flag: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65_535)
    throw new Error(`${flag}: not a TCP port: ${value}`);
  return parsed;
}

function parsePorts(coordinator: string, workers: string): CitusPorts {
  const [first, second, ...rest] = workers.split(',').map((entry) => entry.trim());
  if (first === undefined || second === undefined || rest.length > 0)
    throw new Error(`--worker-ports: two ports separated by a comma, not ${workers}`);
  return {
    coordinator: port(coordinator, '--coordinator-port'),
    workers: [port(first, '--worker-ports'), port(second, '--worker-ports')],
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'coordinator-port': { type: 'string', default: '55432' },
      'worker-ports': { type: 'string', default: '55433,55434' },
      'data-dir': { type: 'string', default: path.join(REPO_ROOT, '.data', 'citus') },
    },
  });
  const ports = parsePorts(values['coordinator-port'], values['worker-ports']);
  const dataDir = path.resolve(values['data-dir']);
  const cluster = await startCitusCluster({ dataDir, ports, log: say });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say('stopping the coordinator and both workers');
    await cluster.stop();
    say('stopped');
    process.exit(0);
  };
  // `on`, not `once`: Ctrl-C reaches us twice (from the terminal and relayed by tsx), and a
  // second SIGINT without a listener would kill us before the servers have stopped.
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  const relative = (file: string) => path.relative(process.cwd(), file) || file;
  const lines = [
    '',
    'Citus is running (PostgreSQL 15, schema-based sharding on).',
    '',
    `  Coordinator   ${cluster.coordinatorUrl}`,
    ...cluster.workerUrls.map((url, index) => `  Worker ${index + 1}      ${url}`),
    '',
    `  Connect to the coordinator: every schema created there becomes a distributed schema on one worker.`,
    `  Data and logs in ${relative(dataDir)} (the URLs stay the same across restarts).`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[citus] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
