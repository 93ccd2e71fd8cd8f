// eslint-disable-next-line @nx/enforce-module-boundaries -- see global-setup.ts
import { releaseTestInfrastructure } from '../../../../libs/testing/src/infrastructure';

export default async function globalTeardown(): Promise<void> {
  await releaseTestInfrastructure();
}
