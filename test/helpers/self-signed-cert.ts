/**
 * A self-signed certificate for 127.0.0.1 and localhost, made at test time with the
 * `openssl` command (node:crypto cannot write X.509). openssl is on every Debian machine
 * this project runs on, so no npm package is needed for it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** PEM paths and contents of a fresh certificate and key. */
export interface SelfSignedCert {
  certPath: string;
  keyPath: string;
  cert: Buffer;
}

/** Writes cert.pem and key.pem (P-256, one day) into `dir`. @throws Error naming openssl when it is missing or fails. */
export function makeSelfSignedCert(dir: string): SelfSignedCert {
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  const result = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ], { encoding: 'utf8', timeout: 10_000 });
  if (result.error !== undefined) throw new Error(`The TLS tests need the openssl command (apt-get install openssl): ${result.error.message}`);
  if (result.status !== 0) throw new Error(`openssl could not make a test certificate: ${result.stderr}`);
  return { certPath, keyPath, cert: readFileSync(certPath) };
}
