import { publishTestEnvironment } from '../../../../libs/testing/src/test-environment';
import { startTestInfrastructure, type TestInfrastructure } from '../../../../libs/testing/src/infrastructure';

declare global {
  var dispatchTestInfrastructure: TestInfrastructure | undefined;
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const infrastructure = await startTestInfrastructure((line) => process.stderr.write(`[test-infra] ${line}\n`));
  globalThis.dispatchTestInfrastructure = infrastructure;
  publishTestEnvironment(infrastructure.environment);
  process.stderr.write(`[test-infra] ready in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
}
