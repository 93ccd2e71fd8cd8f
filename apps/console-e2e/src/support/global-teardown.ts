// eslint-disable-next-line @nx/enforce-module-boundaries -- global setup and teardown reach the testing library by path
import { releaseTestInfrastructure } from '../../../../libs/testing/src/infrastructure';
import { forgetConsoleOrigin } from './console-origin';

export default async function globalTeardown(): Promise<void> {
  const running = globalThis.dispatchConsoleE2e;
  if (!running) return;
  globalThis.dispatchConsoleE2e = undefined;
  if (running.vite.pid) {
    try {
      process.kill(-running.vite.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  if (running.originAdded)
    await forgetConsoleOrigin(running.consoleUrl).catch((error: unknown) =>
      process.stderr.write(
        `[console-e2e] could not remove the console's origin: ${String(error)}\n`,
      ),
    );
  await running.api.stop();
  await running.database.drop();
  await releaseTestInfrastructure();
}
