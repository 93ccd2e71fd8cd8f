/**
 * Regenerates `libs/api-client` from the API's code: exports the OpenAPI document from the built
 * API (no database needed), then lets orval write the typed client and TanStack Query hooks.
 *
 *   npm run api-client:generate          (after changing a controller or a DTO; commit the result)
 *   npm run api-client:generate -- --check   (CI: fails if the checked-in output is stale)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const CLIENT = path.join(ROOT, 'libs', 'api-client');
const check = process.argv.includes('--check');

const document = execFileSync('node', [path.join(ROOT, 'apps', 'api', 'dist', 'openapi.js')], {
  cwd: ROOT,
  encoding: 'utf8',
});
const target = path.join(CLIENT, 'openapi.json');
const before = readFileSync(target, 'utf8');
writeFileSync(target, document);
execFileSync('npx', ['orval', '--config', path.join(CLIENT, 'orval.config.ts')], {
  cwd: CLIENT,
  stdio: 'ignore',
});

if (check) {
  const untracked = execFileSync(
    'git',
    ['ls-files', '--others', '--exclude-standard', '--', 'libs/api-client'],
    { cwd: ROOT, encoding: 'utf8' },
  ).trim();
  const changed = execFileSync('git', ['diff', '--name-only', '--', 'libs/api-client'], {
    cwd: ROOT,
    encoding: 'utf8',
  }).trim();
  if (changed || untracked) {
    console.error(
      `libs/api-client is stale: run \`npm run api-client:generate\` and commit the result.\n${changed}\n${untracked}`,
    );
    process.exit(1);
  }
  console.log('libs/api-client matches the API.');
} else {
  console.log(
    before === document
      ? 'OpenAPI document unchanged; client regenerated.'
      : 'OpenAPI document changed; client regenerated: review and commit libs/api-client.',
  );
}
