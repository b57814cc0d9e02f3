/**
 * TLS settings for the API-SSL service, from the router's config block.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';

export interface RouterTlsConfig {
  enabled: boolean;
  /** PEM text, or a path to a PEM file; null uses the system's CAs. */
  ca: string | null;
  rejectUnauthorized: boolean;
  /** api-ssl without a certificate on the router: anonymous Diffie-Hellman. */
  anonymous: boolean;
}

export const API_PORT = 8728;
export const API_SSL_PORT = 8729;

/**
 * Anonymous DH suites RouterOS offers when api-ssl has no certificate (newer
 * routers negotiate the GCM ones, older ones AES-SHA). OpenSSL 3 only enables
 * them at security level 0, and they do not exist in TLS 1.3.
 */
export const ANONYMOUS_CIPHERS =
  'ADH-AES256-GCM-SHA384:ADH-AES128-GCM-SHA256:ADH-AES256-SHA256:ADH-AES128-SHA256:ADH-AES256-SHA:ADH-AES128-SHA:@SECLEVEL=0';

/** The port to dial: the configured one, else the API or API-SSL default. */
export function resolvePort(port: number | undefined | null, tls: Pick<RouterTlsConfig, 'enabled'> | undefined): number {
  if (port !== undefined && port !== null) return port;
  return tls?.enabled ? API_SSL_PORT : API_PORT;
}

/** node:tls options for the config, or null for plain TCP. Reads the CA file. */
export function buildTlsOptions(config: RouterTlsConfig | undefined, host: string): ConnectionOptions | null {
  if (!config?.enabled) return null;
  if (config.anonymous) {
    // There is no certificate to verify: anonymous TLS encrypts against passive
    // eavesdropping only, which is why it needs an explicit opt-in.
    return {
      ciphers: ANONYMOUS_CIPHERS,
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    };
  }
  const options: ConnectionOptions = { rejectUnauthorized: config.rejectUnauthorized, minVersion: 'TLSv1.2' };
  if (config.ca !== null) options.ca = config.ca.includes('-----BEGIN') ? config.ca : readFileSync(config.ca, 'utf8');
  // SNI only for names; node:tls rejects IP literals as servername.
  if (!/^[\d.]+$/.test(host) && !host.includes(':')) options.servername = host;
  return options;
}
