import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCertificate {
  dir: string;
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
}

/** A fresh self-signed certificate for 127.0.0.1/localhost, made with the openssl CLI for each test run. */
export function makeSelfSignedCertificate(commonName = 'localhost'): TestCertificate {
  const dir = mkdtempSync(path.join(tmpdir(), 'netmon-cert-'));
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
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
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-days',
      '2',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { dir, certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
}

export interface CertificateAuthority {
  certFile: string;
  keyFile: string;
  cert: Buffer;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'];

/** A fresh certificate authority (for client certificates), made with the openssl CLI. */
export function makeCertificateAuthority(commonName: string): CertificateAuthority {
  const dir = mkdtempSync(path.join(tmpdir(), 'netmon-ca-'));
  const certFile = path.join(dir, 'ca.pem');
  const keyFile = path.join(dir, 'ca-key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      ...EC_KEY,
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile, cert: readFileSync(certFile) };
}

/** A client certificate (extendedKeyUsage clientAuth) signed by `ca`. */
export function issueClientCertificate(ca: CertificateAuthority, commonName: string): TestCertificate {
  const dir = mkdtempSync(path.join(tmpdir(), 'netmon-client-cert-'));
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-CA',
      ca.certFile,
      '-CAkey',
      ca.keyFile,
      ...EC_KEY,
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      'basicConstraints=CA:FALSE',
      '-addext',
      'extendedKeyUsage=clientAuth',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { dir, certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
}
