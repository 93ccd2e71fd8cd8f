export default async function globalTeardown(): Promise<void> {
  const running = globalThis.dispatchConsoleE2e;
  if (!running) return;
  if (running.vite.pid) {
    try {
      process.kill(-running.vite.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await running.api.stop();
  await running.database.drop();
  await running.infrastructure.stop();
}
