import { isIPv4, isIPv6 } from 'node:net';

/**
 * `client_allowed_sans` of the exporter-toolkit web config: a client
 * certificate must carry a Subject Alternative Name that is exactly one of the
 * list. As the toolkit does it (web/tls_config.go, VerifyPeerCertificate,
 * github.com/prometheus/exporter-toolkit), the names compared are the leaf
 * certificate's DNS names, e-mail addresses, IP addresses as Go's
 * net.IP.String() writes them, and URIs; the comparison is exact (case
 * included, no wildcards).
 *
 * Node gives the names only as text (X509Certificate.subjectAltName,
 * getPeerCertificate().subjectaltname): `DNS:a, IP Address:10.0.0.5, ...`,
 * a value holding a comma, quote or control character written as a JSON
 * string, and IPv6 addresses as eight upper-case groups, which are rewritten
 * here to Go's form (RFC 5952; an IPv4-mapped address as dotted IPv4).
 */

const SAN_ENTRY = /\s*([^:,]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:,|$)/y;

/** The DNS, e-mail, IP and URI names of a certificate, from Node's subjectAltName text; others are skipped. */
export function certificateSans(subjectAltName: string | undefined): string[] {
  if (!subjectAltName) return [];
  const names: string[] = [];
  SAN_ENTRY.lastIndex = 0;
  while (SAN_ENTRY.lastIndex < subjectAltName.length) {
    const match = SAN_ENTRY.exec(subjectAltName);
    if (!match) break; // Text Node would not write; what was read so far stands.
    const type = match[1]!.trim();
    let value = match[2]!;
    if (value.startsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        continue;
      }
    }
    if (type === 'DNS' || type === 'email' || type === 'URI') names.push(value);
    else if (type === 'IP Address') names.push(goIpString(value));
  }
  return names;
}

/** An IP address as Go's net.IP.String() writes it. */
export function goIpString(address: string): string {
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return address;
  const hostname = new URL(`http://[${address}]/`).hostname.slice(1, -1); // RFC 5952: lower case, longest zero run as ::
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(hostname);
  if (mapped) {
    const high = Number.parseInt(mapped[1]!, 16);
    const low = Number.parseInt(mapped[2]!, 16);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return hostname;
}

/** Whether a certificate (its subjectAltName text) carries one of the allowed names. */
export function hasAllowedSan(subjectAltName: string | undefined, allowed: ReadonlySet<string>): boolean {
  return certificateSans(subjectAltName).some((name) => allowed.has(name));
}
