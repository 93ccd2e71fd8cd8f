import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { NO_REUSE } from './http';

/** The built API (`apps/api/dist/main.js`) as a real operating-system process, for crash tests and benchmarks. */
export const API_MAIN = path.resolve(__dirname, '../../../apps/api/dist/main.js');

export class ApiProcess {
  private child: ChildProcess | undefined;
  output = '';

  constructor(
    private readonly env: Record<string, string>,
    private readonly nodeArgs: string[] = [],
  ) {
    if (!existsSync(API_MAIN))
      throw new Error(`${API_MAIN} is missing: build the API first (npx nx run api:build)`);
  }

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.env.PORT}`;
  }

  async start(timeoutMs = 30_000): Promise<void> {
    const child = spawn(process.execPath, [...this.nodeArgs, API_MAIN], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null)
        throw new Error(`API exited with ${child.exitCode}: ${this.output.slice(-2000)}`);
      try {
        // No connection kept for the suite to find stale later (see NO_REUSE).
        if ((await fetch(`${this.baseUrl}/health/live`, { headers: NO_REUSE })).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`API did not start: ${this.output.slice(-2000)}`);
  }

  /** SIGKILL: no shutdown hooks, no draining of connections, transactions cut mid-flight. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}
