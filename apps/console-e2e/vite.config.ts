import path from 'node:path';
import { mergeConfig } from 'vite';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the suite serves the console with the console's own config
import consoleConfig from '../console/vite.config';

/**
 * The console as the end-to-end suite serves it: the console's own Vite config, with its own
 * pre-bundle cache, so a developer's `npm start` beside it never finds its optimized dependencies
 * rebuilt underneath it (nor the other way round), and without watching files: a source saved
 * while the suite runs must not reload the page under a test (it did, mid-dialog). The port
 * comes from the command line.
 */
const config = mergeConfig(consoleConfig, {
  cacheDir: path.resolve(__dirname, '../../node_modules/.vite/console-e2e'),
  server: { hmr: false },
});
// Set after merging: mergeConfig skips a null, and null is what turns the watcher off.
config.server = { ...config.server, watch: null };
export default config;
