import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerOptions } from 'node:https';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { NextFunction, Request, Response } from 'express';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { basicAuth } from './basic-auth.js';
import { hasAllowedSan } from './client-sans.js';

/**
 * The web configuration file of the Prometheus exporter-toolkit
 * (tls_server_config, basic_auth_users with bcrypt hashes), so the exporter is
 * secured the same way as node_exporter and friends.
 */
const clientAuthType = z.enum([
  'NoClientCert',
  'RequestClientCert',
  'RequireAnyClientCert',
  'VerifyClientCertIfGiven',
  'RequireAndVerifyClientCert',
]);

const webConfigSchema = z
  .object({
    tls_server_config: z
      .object({
        cert_file: z.string().min(1),
        key_file: z.string().min(1),
        client_auth_type: clientAuthType.or(z.literal('RequireClientCert')).default('NoClientCert'),
        client_ca_file: z.string().min(1).optional(),
        client_allowed_sans: z.array(z.string().min(1)).optional(),
        min_version: z.enum(['TLS10', 'TLS11', 'TLS12', 'TLS13']).default('TLS12'),
        max_version: z.enum(['TLS10', 'TLS11', 'TLS12', 'TLS13']).optional(),
      })
      .passthrough()
      .optional(),
    basic_auth_users: z.record(z.string().min(1), z.string().regex(/^\$2[aby]?\$\d{2}\$/, 'expected a bcrypt hash')).optional(),
    http_server_config: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export interface WebConfig {
  tls?: TlsServerSettings;
  authenticate?: (req: Request, res: Response, next: NextFunction) => void;
}

/** What the HTTPS server needs: its options, and the client-certificate policy applied after each handshake. */
export interface TlsServerSettings {
  options: ServerOptions;
  /** Why a client that completed the handshake must be refused under client_auth_type, or null to serve it. */
  refusal(socket: TLSSocket): string | null;
}

export class WebConfigError extends Error {}

const TLS_VERSIONS = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' } as const;

type ClientAuthType = z.infer<typeof clientAuthType>;

/**
 * Each client_auth_type exactly as Go's crypto/tls defines it (pkg.go.dev/crypto/tls#ClientAuthType), which is what
 * the Prometheus exporter-toolkit maps it to (docs/web-configuration.md: "Maps to ClientAuth Policies"):
 * - NoClientCert: no certificate is asked for; one sent anyway is not verified.
 * - RequestClientCert: asked for, not required, not verified.
 * - RequireAnyClientCert: at least one certificate required, "not required to be valid".
 * - VerifyClientCertIfGiven: not required, but "if the client does send a certificate it is required to be valid".
 * - RequireAndVerifyClientCert: a valid certificate is required.
 * "Valid" means it chains to client_ca_file and is usable for client authentication (extended key usage).
 */
const CLIENT_AUTH_POLICY: Record<ClientAuthType, { request: boolean; require: boolean; verify: boolean }> = {
  NoClientCert: { request: false, require: false, verify: false },
  RequestClientCert: { request: true, require: false, verify: false },
  RequireAnyClientCert: { request: true, require: true, verify: false },
  VerifyClientCertIfGiven: { request: true, require: false, verify: true },
  RequireAndVerifyClientCert: { request: true, require: true, verify: true },
};

export function loadWebConfig(file: string): WebConfig {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new WebConfigError(`web config ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = webConfigSchema.safeParse(document ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new WebConfigError(`web config ${file}: ${problems.join('; ')}`);
  }
  const dir = path.dirname(path.resolve(file));
  const fail = (problem: string): never => {
    throw new WebConfigError(`web config ${file}: ${problem}`);
  };
  const read = (name: string): Buffer => {
    try {
      return readFileSync(path.resolve(dir, name));
    } catch (error) {
      return fail(`cannot read ${name}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  };
  const config: WebConfig = {};
  const tls = parsed.data.tls_server_config;
  if (tls) config.tls = tlsServerSettings(tls, read, fail);
  const users = parsed.data.basic_auth_users;
  if (users && Object.keys(users).length > 0) config.authenticate = basicAuth(users);
  return config;
}

function tlsServerSettings(
  tls: NonNullable<z.infer<typeof webConfigSchema>['tls_server_config']>,
  read: (name: string) => Buffer,
  fail: (problem: string) => never,
): TlsServerSettings {
  // The exporter-toolkit's own name for RequireAnyClientCert, kept there for backwards compatibility.
  const mode = tls.client_auth_type === 'RequireClientCert' ? 'RequireAnyClientCert' : tls.client_auth_type;
  const policy = CLIENT_AUTH_POLICY[mode];
  const allowedSans = tls.client_allowed_sans === undefined ? null : new Set(tls.client_allowed_sans);
  if (allowedSans !== null && allowedSans.size === 0) {
    fail('tls_server_config.client_allowed_sans: empty, which would refuse every client; list the allowed SANs or remove it');
  }
  if (allowedSans !== null && !policy.require) {
    // As the exporter-toolkit documents it: the other modes let a client in without a certificate, so without a SAN.
    fail(
      `tls_server_config.client_allowed_sans: needs client_auth_type RequireAndVerifyClientCert (or RequireAnyClientCert); ${mode} lets a client connect without a certificate, leaving no SAN to check`,
    );
  }
  if (policy.verify && !tls.client_ca_file) {
    fail(`tls_server_config.client_ca_file: required when client_auth_type is ${mode} (the CA that signs client certificates)`);
  }
  if (!policy.request && tls.client_ca_file) {
    // The exporter-toolkit refuses this too: a CA with no policy looks like protection and is none.
    fail(
      'tls_server_config.client_ca_file: set, but client_auth_type is NoClientCert; set client_auth_type (RequireAndVerifyClientCert requires certificates signed by this CA)',
    );
  }
  const clientCa = tls.client_ca_file ? read(tls.client_ca_file) : undefined;
  if (clientCa && !holdsCertificate(clientCa)) {
    fail(`tls_server_config.client_ca_file: ${tls.client_ca_file} holds no PEM certificate`);
  }
  return {
    options: {
      cert: read(tls.cert_file),
      key: read(tls.key_file),
      ca: clientCa,
      requestCert: policy.request,
      // A handshake that must fail fails inside TLS where the library can do it; refusal() covers the other modes.
      rejectUnauthorized: policy.require && policy.verify,
      minVersion: TLS_VERSIONS[tls.min_version],
      maxVersion: tls.max_version ? TLS_VERSIONS[tls.max_version] : undefined,
    },
    refusal(socket) {
      if (!policy.request) return null;
      const given = Object.keys(socket.getPeerCertificate()).length > 0;
      if (!given) return policy.require ? 'no client certificate' : null;
      if (policy.verify && !socket.authorized) {
        return `client certificate not valid for client_ca_file: ${String(socket.authorizationError)}`;
      }
      if (allowedSans !== null && !hasAllowedSan(socket.getPeerCertificate().subjectaltname, allowedSans)) {
        return 'client certificate has none of client_allowed_sans';
      }
      return null;
    },
  };
}

function holdsCertificate(pem: Buffer): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}
