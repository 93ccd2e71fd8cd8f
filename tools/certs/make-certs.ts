/**
 * `npm run certs [-- --renew] [-- --renew-ca] [-- --name dispatch.example.com] [-- --dir <dir>]`
 *
 * Makes the project's CA and the service certificates (nginx, Keycloak, PostgreSQL, the API) into
 * certs/, or keeps the ones that are still good. Run it again to renew what expires within 30 days.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureCertificates } from './certificates';

const ROOT = path.resolve(__dirname, '..', '..');

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: path.join(ROOT, 'certs') },
    name: { type: 'string', multiple: true, default: [] },
    renew: { type: 'boolean', default: false },
    'renew-ca': { type: 'boolean', default: false },
  },
});

const result = ensureCertificates({
  dir: values.dir,
  publicNames: [...values.name, ...(process.env.DISPATCH_PUBLIC_NAMES?.split(',') ?? [])].filter(
    Boolean,
  ),
  renew: values.renew,
  renewAuthority: values['renew-ca'],
});

const day = (date: Date) => date.toISOString().slice(0, 10);
process.stdout.write(
  `CA ${result.caAction === 'created' ? 'created' : 'kept'}: ${path.relative(process.cwd(), result.caFile)} (clients trust this file)\n`,
);
for (const [service, certificate] of Object.entries(result.services)) {
  process.stdout.write(
    `${service.padEnd(9)} ${certificate.action.padEnd(8)} until ${day(certificate.notAfter)}  ${certificate.names.join(', ')}\n`,
  );
}
