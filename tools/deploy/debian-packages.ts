/**
 * The Debian packages the native production topology runs on (nginx; PostgreSQL 15's server, whose
 * pg_dump can back it up), and what its tests add (Chromium and the tool that puts our CA into its
 * certificate store): installed with apt-get when missing and we are root, else a clear error.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const PACKAGES: { name: string; present: () => boolean }[] = [
  { name: 'nginx', present: () => fs.existsSync('/usr/sbin/nginx') },
  {
    name: 'postgresql-15',
    present: () => fs.existsSync('/usr/lib/postgresql/15/bin/postgres'),
  },
];

const TEST_PACKAGES: typeof PACKAGES = [
  { name: 'chromium', present: () => fs.existsSync('/usr/bin/chromium') },
  { name: 'libnss3-tools', present: () => fs.existsSync('/usr/bin/certutil') },
];

export function ensureDebianPackages(
  log: (line: string) => void = () => undefined,
  options: { forTests?: boolean } = {},
): void {
  const missing = [...PACKAGES, ...(options.forTests ? TEST_PACKAGES : [])]
    .filter((candidate) => !candidate.present())
    .map(({ name }) => name);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0)
    throw new Error(`Missing Debian packages: run  sudo apt-get install -y ${missing.join(' ')}`);
  log(`installing ${missing.join(', ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-q'], { stdio: 'ignore', env });
  execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env,
  });
}
