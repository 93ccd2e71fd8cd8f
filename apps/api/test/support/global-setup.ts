// Jest's global setup runs outside its module registry (no moduleNameMapper), so it reaches the
// testing library by path.
// eslint-disable-next-line @nx/enforce-module-boundaries -- see above
import { acquireTestInfrastructure } from '../../../../libs/testing/src/infrastructure';

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  await acquireTestInfrastructure((line) => process.stderr.write(`[test-infra] ${line}\n`));
  process.stderr.write(`[test-infra] ready in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
}
