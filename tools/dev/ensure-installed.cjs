// Runs before `npm start` and `npm test` (plain JavaScript: nothing else is installed yet on a
// fresh clone). Installs the dependencies when node_modules is missing or older than the lock file.
// `npm ci` refuses this registry mirror's lock file (other platforms' optional binaries are absent),
// so the lock file is applied with `npm install`.
const { execSync } = require('node:child_process');
const { statSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const mtime = (file) => {
  try {
    return statSync(path.join(root, file)).mtimeMs;
  } catch {
    return 0;
  }
};

if (mtime('node_modules/.package-lock.json') < mtime('package-lock.json')) {
  process.stdout.write('[dispatch] installing dependencies (npm install)\n');
  execSync('npm install --no-audit --no-fund --loglevel=error', { cwd: root, stdio: 'inherit' });
}
