import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerOptions } from 'node:https';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import type { NextFunction, Request, Response } from 'express';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * The web configuration file of the Prometheus exporter-toolkit
 * (tls_server_config, basic_auth_users with bcrypt hashes), so the exporter is
 * secured the same way as node_exporter and friends.
 */
const webConfigSchema = z
  .object({
    tls_server_config: z
      .object({
        cert_file: z.string().min(1),
        key_file: z.string().min(1),
        client_auth_type: z
          .enum([
            'NoClientCert',
            'RequestClientCert',
            'RequireAnyClientCert',
            'VerifyClientCertIfGiven',
            'RequireAndVerifyClientCert',
          ])
          .default('NoClientCert'),
        client_ca_file: z.string().min(1).optional(),
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
  tls?: ServerOptions;
  authenticate?: (req: Request, res: Response, next: NextFunction) => void;
}

export class WebConfigError extends Error {}

const TLS_VERSIONS = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' } as const;

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
  const read = (name: string): Buffer => {
    try {
      return readFileSync(path.resolve(dir, name));
    } catch (error) {
      throw new WebConfigError(`web config ${file}: cannot read ${name}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  };
  const config: WebConfig = {};
  const tls = parsed.data.tls_server_config;
  if (tls) {
    const clientAuth = tls.client_auth_type;
    if (
      clientAuth !== 'NoClientCert' &&
      clientAuth !== 'RequestClientCert' &&
      clientAuth !== 'RequireAnyClientCert' &&
      !tls.client_ca_file
    ) {
      throw new WebConfigError(`web config ${file}: client_auth_type ${clientAuth} needs client_ca_file`);
    }
    config.tls = {
      cert: read(tls.cert_file),
      key: read(tls.key_file),
      ca: tls.client_ca_file ? read(tls.client_ca_file) : undefined,
      requestCert: clientAuth !== 'NoClientCert',
      rejectUnauthorized: clientAuth === 'RequireAndVerifyClientCert',
      minVersion: TLS_VERSIONS[tls.min_version],
      maxVersion: tls.max_version ? TLS_VERSIONS[tls.max_version] : undefined,
    };
  }
  const users = parsed.data.basic_auth_users;
  if (users && Object.keys(users).length > 0) config.authenticate = basicAuth(users);
  return config;
}

/**
 * Basic auth against bcrypt hashes. An unknown user is checked against a
 * dummy hash so the reply takes as long as for a known one; verified
 * credentials are cached (by a SHA-256 of user, password and hash) because
 * bcrypt costs ~100 ms and Prometheus sends the same credentials every scrape.
 */
export function basicAuth(users: Record<string, string>) {
  const dummyHash = bcrypt.hashSync('network-monitor-dummy', 10);
  const verified = new Set<string>();
  const MAX_CACHE = 1024;
  return (req: Request, res: Response, next: NextFunction): void => {
    const credentials = parseBasicAuth(req.headers.authorization);
    const deny = (): void => {
      res.setHeader('WWW-Authenticate', 'Basic realm="network-monitor", charset="UTF-8"');
      res.status(401).type('text/plain').send('unauthorized\n');
    };
    if (!credentials) {
      deny();
      return;
    }
    const hash = lookupUser(users, credentials.user);
    const cacheKey = createHash('sha256')
      .update(`${credentials.user}\0${credentials.password}\0${hash ?? ''}`)
      .digest('hex');
    if (hash !== undefined && verified.has(cacheKey)) {
      next();
      return;
    }
    bcrypt
      .compare(credentials.password, hash ?? dummyHash)
      .then((ok) => {
        if (ok && hash !== undefined) {
          if (verified.size >= MAX_CACHE) verified.clear();
          verified.add(cacheKey);
          next();
        } else {
          deny();
        }
      })
      .catch(next);
  };
}

/** Compares every configured name in constant time, so response timing does not reveal which users exist. */
function lookupUser(users: Record<string, string>, user: string): string | undefined {
  const wanted = createHash('sha256').update(user).digest();
  let found: string | undefined;
  for (const [name, hash] of Object.entries(users)) {
    if (timingSafeEqual(createHash('sha256').update(name).digest(), wanted)) found = hash;
  }
  return found;
}

function parseBasicAuth(header: string | undefined): { user: string; password: string } | null {
  if (!header) return null;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
