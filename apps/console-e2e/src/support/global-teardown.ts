// eslint-disable-next-line @nx/enforce-module-boundaries -- global setup and teardown reach the testing library by path
import { releaseTestInfrastructure } from '../../../../libs/testing/src/infrastructure';

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
  await releaseTestInfrastructure();
}
