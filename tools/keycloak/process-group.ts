/**
 * What starting Keycloak takes besides Keycloak itself, shared by the development Keycloak
 * (keycloak.ts) and the production one (production.ts): `kc.sh` runs detached in its own process
 * group (the JVM is its child) with its output in a log file; stop() signals the whole group; groups
 * still running when this Node process exits are SIGTERMed; a cross-process lock guards the Quarkus
 * build of a distribution; a port is checked before Keycloak would fail on it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The last `lines` lines of a log file, for an error message. */
export function tailOfFile(file: string, lines = 40): string {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .slice(-lines - 1)
      .join('\n')
      .trimEnd();
  } catch {
    return '(no log)';
  }
}

/** True while the process (or, with a negative id, any process of the group) exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** Resolves true once no process of the group is left, false when `timeoutMs` passed first. */
export async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!processAlive(-pgid)) return true;
    await sleep(200);
  }
  return !processAlive(-pgid);
}

// Detached process groups still running; SIGTERMed when this Node process exits without stop().
const runningGroups = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pgid: number): void {
  runningGroups.add(pgid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const group of runningGroups) signalGroup(group, 'SIGTERM');
  });
}

/**
 * A cross-process lock: an atomically created folder holding the owner's pid (stale, and taken
 * over, once that process is gone). Resolves to the function that releases it.
 */
export async function acquireLock(lockDir: string, timeoutMs: number): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  const ownerFile = path.join(lockDir, 'owner');
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(ownerFile, String(process.pid));
      return () => fs.rmSync(lockDir, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let stale: boolean;
    try {
      const owner = Number.parseInt(fs.readFileSync(ownerFile, 'utf8'), 10);
      stale = !Number.isInteger(owner) || !processAlive(owner);
    } catch {
      // owner file not written yet (or lock just released): stale only if old
      try {
        stale = Date.now() - fs.statSync(lockDir).mtimeMs > 60_000;
      } catch {
        stale = false;
      }
    }
    if (stale) {
      fs.rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for lock ${lockDir} (held by another start)`);
    await sleep(500);
  }
}

/** Rejects with `inUseMessage` when something listens on `host:port` already. */
export function assertPortFree(port: number, host: string, inUseMessage: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(inUseMessage) : error),
    );
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve()));
  });
}

export interface RunResult {
  code: number | null;
  /** stdout and stderr, interleaved as they came. */
  output: string;
}

/**
 * Runs a program to its end with its output collected. With `timeoutMs` it runs in its own process
 * group, which is SIGKILLed when the time is up.
 */
export function runToCompletion(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const { timeoutMs } = options;
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: timeoutMs !== undefined,
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            if (child.pid) signalGroup(child.pid, 'SIGKILL');
          }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export interface KeycloakProcess {
  /** Process id of `kc.sh`, which is also the id of its process group (the JVM is its child). */
  pid: number;
  /** Resolves when `kc.sh` has exited. */
  exit: Promise<void>;
  /** `exit code N` or `signal S` once `kc.sh` has exited; undefined while it runs. */
  exitInfo(): string | undefined;
  /** SIGTERM to the process group, SIGKILL after 20 s; resolves once every process is gone. */
  stop(): Promise<void>;
}

/**
 * Starts `<home>/bin/kc.sh <args>` detached in its own process group, its output (after a header
 * naming JAVA_HOME and the arguments) in `logFile`, which is truncated first and then only
 * appended to (O_APPEND: lines the caller adds later never overwrite Keycloak's).
 */
export async function spawnKeycloak(
  home: string,
  args: string[],
  options: { javaHome: string; env: NodeJS.ProcessEnv; logFile: string },
): Promise<KeycloakProcess> {
  const { logFile } = options;
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  fs.writeFileSync(
    logFile,
    `# ${new Date().toISOString()} JAVA_HOME=${options.javaHome}\n# kc.sh ${args.join(' ')}\n`,
  );
  const logFd = fs.openSync(logFile, 'a');
  const child = spawn(path.join(home, 'bin', 'kc.sh'), args, {
    cwd: home,
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: options.env,
  });
  fs.closeSync(logFd);
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid as number));
    child.once('error', reject);
  });
  trackGroup(pid);

  let exitInfo: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
      resolve();
    });
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      signalGroup(pid, 'SIGTERM');
      let gone = await waitForGroupExit(pid, 20_000);
      if (!gone) {
        signalGroup(pid, 'SIGKILL');
        gone = await waitForGroupExit(pid, 5_000);
      }
      if (exitInfo === undefined) await Promise.race([exit, sleep(5_000)]);
      if (!gone) throw new Error(`Keycloak process group ${pid} did not exit after SIGKILL`);
      runningGroups.delete(pid);
    })();
    return stopping;
  };
  return { pid, exit, exitInfo: () => exitInfo, stop };
}

/**
 * Polls `isReady` every 500 ms (sooner when Keycloak exits) until it says yes. Throws with the end of
 * the log when Keycloak exits first or `timeoutMs` after `started` has passed (`Keycloak did not
 * <waitingFor> within …`); stopping Keycloak then is the caller's to do.
 */
export async function waitForKeycloak(
  keycloak: KeycloakProcess,
  options: {
    isReady: () => Promise<boolean>;
    /** `Date.now()` the time limit counts from. */
    started: number;
    timeoutMs: number;
    waitingFor: string;
    logFile: string;
  },
): Promise<void> {
  const { logFile } = options;
  for (;;) {
    const exitInfo = keycloak.exitInfo();
    if (exitInfo !== undefined) {
      throw new Error(
        `Keycloak exited during startup (${exitInfo}). Last lines of ${logFile}:\n${tailOfFile(logFile)}`,
      );
    }
    if (await options.isReady()) return;
    if (Date.now() - options.started > options.timeoutMs) {
      throw new Error(
        `Keycloak did not ${options.waitingFor} within ${Math.round(options.timeoutMs / 1000)} s. ` +
          `Last lines of ${logFile}:\n${tailOfFile(logFile)}`,
      );
    }
    await Promise.race([keycloak.exit, sleep(500)]);
  }
}
