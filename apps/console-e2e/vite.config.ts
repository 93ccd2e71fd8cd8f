import path from 'node:path';
import { mergeConfig } from 'vite';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the suite serves the console with the console's own config
import consoleConfig from '../console/vite.config';

/**
 * The console as the end-to-end suite serves it: the console's own Vite config, with its own
 * pre-bundle cache, so a developer's `npm start` beside it never finds its optimized dependencies
 * rebuilt underneath it (nor the other way round). The port comes from the command line.
 */
export default mergeConfig(consoleConfig, {
  cacheDir: path.resolve(__dirname, '../../node_modules/.vite/console-e2e'),
});
