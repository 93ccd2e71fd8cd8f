/**
 * A long-running child of the production topology (nginx, an API instance): its output goes to a
 * log file, it is stopped with SIGTERM (SIGKILL after a grace period), and it never outlives the
 * process that started it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface ManagedProcess {
  name: string;
  pid: number;
  logFile: string;
  child: ChildProcess;
  alive(): boolean;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  /** SIGTERM, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** Sends a signal now (e.g. SIGKILL in a crash test). */
  kill(signal: NodeJS.Signals): void;
}

const running = new Set<ManagedProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const managed of running) managed.kill('SIGKILL');
  });
}

export function startManagedProcess(options: {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  /** The child's whole environment: nothing is inherited implicitly. */
  env: Record<string, string>;
  logFile: string;
}): Promise<ManagedProcess> {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = fs.openSync(options.logFile, 'a');
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  let done = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      done = true;
      running.delete(managed);
      resolve();
    });
  });
  const managed: ManagedProcess = {
    name: options.name,
    pid: child.pid ?? -1,
    logFile: options.logFile,
    child,
    alive: () => !done,
    exited,
    kill(signal) {
      if (!done) child.kill(signal);
    },
    async stop(graceMs = 15_000) {
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  return new Promise((resolve, reject) => {
    child.once('spawn', () => {
      running.add(managed);
      installExitHook();
      resolve(managed);
    });
    child.once('error', (error) =>
      reject(new Error(`${options.name} could not start: ${error.message}`)),
    );
  });
}

/** The last lines of a log, for error messages. */
export function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
