import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the tests use the project's own CA tooling
import { ensureCertificates } from '../../../../tools/certs/certificates';

export interface TestCertificates {
  /** The throwaway CA that signed the server certificate. */
  caFile: string;
  /** Server certificate for DNS:localhost and IP:127.0.0.1, and its key. */
  certFile: string;
  keyFile: string;
  /** A second CA that signed nothing the server presents: a client trusting only it must refuse. */
  otherCaFile: string;
}

/**
 * A self-signed CA that issues nothing (ensureCertificates would also issue, and spend seconds on,
 * four service certificates nobody needs here).
 */
function makeUnrelatedCa(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const caFile = path.join(dir, 'ca.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      path.join(dir, 'ca.key'),
      '-out',
      caFile,
      '-days',
      '2',
      '-subj',
      '/CN=Dispatch test unrelated CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return caFile;
}

/**
 * A throwaway CA in `dir` made as tools/certs makes the deployment's (the PostgreSQL server presents
 * its `postgres` certificate: localhost, 127.0.0.1), and an unrelated second CA.
 */
export function makeTestCertificates(dir: string): TestCertificates {
  const certificates = ensureCertificates({ dir });
  return {
    caFile: certificates.caFile,
    certFile: certificates.services.postgres.certFile,
    keyFile: certificates.services.postgres.keyFile,
    otherCaFile: makeUnrelatedCa(path.join(dir, 'other-ca')),
  };
}
