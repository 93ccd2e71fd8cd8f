// Jest's global setup runs outside its module registry (no moduleNameMapper), so it reaches the
// testing library by path.
// eslint-disable-next-line @nx/enforce-module-boundaries -- see above
import { publishTestEnvironment } from '../../../../libs/testing/src/test-environment';
// eslint-disable-next-line @nx/enforce-module-boundaries -- see above
import { publishDemoTokens } from '../../../../libs/testing/src/tokens';
// eslint-disable-next-line @nx/enforce-module-boundaries -- see above
import {
  startTestInfrastructure,
  type TestInfrastructure,
} from '../../../../libs/testing/src/infrastructure';

declare global {
  var dispatchTestInfrastructure: TestInfrastructure | undefined;
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const infrastructure = await startTestInfrastructure((line) =>
    process.stderr.write(`[test-infra] ${line}\n`),
  );
  globalThis.dispatchTestInfrastructure = infrastructure;
  publishTestEnvironment(infrastructure.environment);
  await publishDemoTokens();
  process.stderr.write(`[test-infra] ready in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
}
