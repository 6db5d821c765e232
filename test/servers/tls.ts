// Run-time TLS material: a throwaway CA and a server certificate for
// localhost/127.0.0.1, made with the openssl CLI so nothing secret is committed
// and nothing expires in the repository.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MissingServerError, installHints, which } from './binaries.js';

const execFileP = promisify(execFile);

export interface TlsFiles {
  /** PEM of the CA that signed the server certificate; give it to clients as `ca`. */
  caFile: string;
  ca: string;
  certFile: string;
  keyFile: string;
  /** Name in the certificate (also valid: IP 127.0.0.1). */
  serverName: 'localhost';
}

// Explicit configs so the result does not depend on the system openssl.cnf.
const caConfig = `[req]
distinguished_name = dn
prompt = no
x509_extensions = v3_ca
[dn]
CN = cosocket test CA
[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
`;

const serverConfig = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = localhost
`;

const serverExt = `basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

/** Write ca.crt, server.crt and server.key into `dir` (EC P-256 keys: fast to make). */
export async function generateTlsFiles(dir: string): Promise<TlsFiles> {
  const openssl = which('openssl');
  if (!openssl) {
    throw new MissingServerError(`TLS test servers need the openssl CLI on PATH (${installHints.openssl})`);
  }
  const p = (name: string) => join(dir, name);
  writeFileSync(p('ca.cnf'), caConfig);
  writeFileSync(p('server.cnf'), serverConfig);
  writeFileSync(p('server.ext'), serverExt);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await execFileP(openssl, ['req', '-x509', ...ec, '-days', '2', '-config', p('ca.cnf'), '-keyout', p('ca.key'), '-out', p('ca.crt')]);
  await execFileP(openssl, ['req', '-new', ...ec, '-config', p('server.cnf'), '-keyout', p('server.key'), '-out', p('server.csr')]);
  await execFileP(openssl, [
    'x509',
    '-req',
    '-in',
    p('server.csr'),
    '-CA',
    p('ca.crt'),
    '-CAkey',
    p('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    p('server.ext'),
    '-out',
    p('server.crt'),
  ]);
  return {
    caFile: p('ca.crt'),
    ca: readFileSync(p('ca.crt'), 'utf8'),
    certFile: p('server.crt'),
    keyFile: p('server.key'),
    serverName: 'localhost',
  };
}
