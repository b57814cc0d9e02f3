import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeCertificateWithAltNames } from '../../test/support/certs.js';
import { certificateSans, goIpString, hasAllowedSan } from './client-sans.js';

/** A certificate with these subjectAltName entries (openssl config syntax), as Node reads it. */
function subjectAltNameOf(entries: string[]): string | undefined {
  return new X509Certificate(makeCertificateWithAltNames('not-a-san', entries).cert).subjectAltName;
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
