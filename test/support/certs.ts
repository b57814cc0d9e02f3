import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCertificate {
  dir: string;
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
}

export interface CertificateAuthority {
  certFile: string;
  keyFile: string;
  cert: Buffer;
}

/**
 * A fresh P-256 key and a certificate for it, valid two days, made with the openssl CLI for each test run:
 * self-signed, or signed by `issuer`; `extensions` are openssl -addext values, `extensionSection` the body
 * of an openssl config section of extensions (for values -addext cannot take, such as a DNS name with a comma).
 */
function newCertificate(
  commonName: string,
  extensions: string[],
  issuer?: CertificateAuthority,
  extensionSection?: string,
): TestCertificate {
  const dir = mkdtempSync(path.join(tmpdir(), 'netmon-cert-'));
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  const configFile = path.join(dir, 'openssl.cnf');
  if (extensionSection !== undefined) {
    writeFileSync(configFile, `[req]\ndistinguished_name = dn\n[dn]\n[extensions]\n${extensionSection}\n`);
  }
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      ...(issuer ? ['-CA', issuer.certFile, '-CAkey', issuer.keyFile] : []),
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${commonName}`,
      ...extensions.flatMap((extension) => ['-addext', extension]),
      ...(extensionSection === undefined ? [] : ['-config', configFile, '-extensions', 'extensions']),
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { dir, certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
}

/** A self-signed server certificate for 127.0.0.1/localhost. */
export function makeSelfSignedCertificate(commonName = 'localhost'): TestCertificate {
  return newCertificate(commonName, ['subjectAltName=IP:127.0.0.1,DNS:localhost']);
}

/** A certificate authority (for client certificates). */
export function makeCertificateAuthority(commonName: string): CertificateAuthority {
  return newCertificate(commonName, ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign']);
}

/** A client certificate (extendedKeyUsage clientAuth) signed by `ca`; `subjectAltName` as openssl writes it, e.g. `DNS:a,IP:10.0.0.5`. */
export function issueClientCertificate(ca: CertificateAuthority, commonName: string, subjectAltName?: string): TestCertificate {
  return newCertificate(
    commonName,
    [
      'basicConstraints=CA:FALSE',
      'extendedKeyUsage=clientAuth',
      ...(subjectAltName === undefined ? [] : [`subjectAltName=${subjectAltName}`]),
    ],
    ca,
  );
}

/** A self-signed certificate whose subjectAltName is `entries` (openssl config lines, e.g. `DNS.1 = a,b`). */
export function makeCertificateWithAltNames(commonName: string, entries: string[]): TestCertificate {
  return newCertificate(commonName, [], undefined, `subjectAltName = @alt\n[alt]\n${entries.join('\n')}`);
}
