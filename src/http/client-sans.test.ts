import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { certificateSans, goIpString, hasAllowedSan } from './client-sans.js';

/** A certificate with these subjectAltName entries (openssl config syntax), as Node reads it. */
function subjectAltNameOf(entries: string[]): string | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), 'netmon-sans-'));
  writeFileSync(
    path.join(dir, 'openssl.cnf'),
    `[req]\ndistinguished_name = dn\n[dn]\n[san]\nsubjectAltName = @alt\n[alt]\n${entries.join('\n')}\n`,
  );
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
      '-days',
      '1',
      '-subj',
      '/CN=not-a-san',
      '-config',
      path.join(dir, 'openssl.cnf'),
      '-extensions',
      'san',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  return new X509Certificate(readFileSync(path.join(dir, 'cert.pem'))).subjectAltName;
}

describe('certificateSans', () => {
  it("reads DNS, e-mail, IP and URI names from a real certificate, IPs as Go writes them, never the subject's CN", () => {
    const text = subjectAltNameOf([
      'DNS.1 = prom.example',
      'DNS.2 = a,b',
      'IP.1 = 10.0.0.5',
      'IP.2 = 2001:db8:0:0:0:0:0:1',
      'IP.3 = ::ffff:1.2.3.4',
      'email.1 = ops@example.org',
      'URI.1 = spiffe://cluster.local/ns/monitoring/sa/prometheus',
      'RID.1 = 1.2.3.4',
    ]);
    expect(certificateSans(text)).toEqual([
      'prom.example',
      'a,b',
      '10.0.0.5',
      '2001:db8::1',
      '1.2.3.4',
      'ops@example.org',
      'spiffe://cluster.local/ns/monitoring/sa/prometheus',
    ]);
  });

  it('matches exactly: no case folding, no wildcards, nothing from an absent extension', () => {
    const text = subjectAltNameOf(['DNS.1 = *.example', 'DNS.2 = Prom.example']);
    const allowed = (names: string[]) => hasAllowedSan(text, new Set(names));
    expect(allowed(['prom.example'])).toBe(false);
    expect(allowed(['scraper.example'])).toBe(false);
    expect(allowed(['Prom.example'])).toBe(true);
    expect(allowed(['*.example'])).toBe(true);
    expect(hasAllowedSan(undefined, new Set(['not-a-san']))).toBe(false);
  });

  it('writes IPv6 in RFC 5952 form and IPv4-mapped addresses as IPv4, as net.IP.String does', () => {
    expect(goIpString('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(goIpString('2001:DB8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(goIpString('0:0:0:0:0:FFFF:A00:5')).toBe('10.0.0.5');
    expect(goIpString('192.168.88.1')).toBe('192.168.88.1');
  });
});
