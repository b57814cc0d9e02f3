import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * The configuration file's schema (docs/configuration.md). Every key but a
 * router's name/host/user and one password source has a default, so the
 * smallest useful file names one router.
 */

const macPattern = /^[0-9A-Fa-f]{2}([:-]?[0-9A-Fa-f]{2}){5}$/;

const tlsSchema = z
  .object({
    enabled: z.boolean().default(false),
    ca: z.string().min(1).nullable().default(null),
    rejectUnauthorized: z.boolean().default(true),
    anonymous: z.boolean().default(false),
  })
  .strict()
  .default({ enabled: false, ca: null, rejectUnauthorized: true, anonymous: false });

/**
 * Device-depth sources, each on by default: a source is then read where the
 * router has its menu (a missing menu is skipped, not an error). `false` never
 * asks, for a router whose user lacks the policy or whose owner does not want it.
 */
const sourcesSchema = z
  .object({
    wifi: z.boolean().default(true),
    traffic: z.boolean().default(true),
    ipv6: z.boolean().default(true),
    pools: z.boolean().default(true),
  })
  .strict()
  .default({ wifi: true, traffic: true, ipv6: true, pools: true });

export type SourceName = keyof z.infer<typeof sourcesSchema>;
export type RouterSources = Record<SourceName, boolean>;

export const routerSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "_", "." or "-"'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).optional(),
    user: z.string().min(1),
    password: z.string().optional(),
    passwordFile: z.string().min(1).optional(),
    passwordEnv: z.string().min(1).optional(),
    tls: tlsSchema,
    timeoutSeconds: z.number().positive().max(300).default(10),
    /** This router is an access point or switch inside the LAN of the named router. */
    gateway: z.string().min(1).nullable().default(null),
    sources: sourcesSchema,
  })
  .strict()
  .superRefine((router, ctx) => {
    const sources = ['password', 'passwordFile', 'passwordEnv'].filter(
      (key) => router[key as 'password' | 'passwordFile' | 'passwordEnv'] !== undefined,
    );
    if (sources.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['password'],
        message:
          sources.length === 0
            ? 'one of password, passwordFile or passwordEnv is required'
            : `only one of password, passwordFile, passwordEnv may be set (found ${sources.join(', ')})`,
      });
    }
    if (router.tls.anonymous && !router.tls.enabled) {
      ctx.addIssue({ code: 'custom', path: ['tls', 'anonymous'], message: 'anonymous TLS needs tls.enabled: true' });
    }
  });

const listenSchema = z.string().refine((value) => parseListen(value) !== null, {
  message: 'expected "host:port", e.g. "0.0.0.0:9847" or "[::]:9847"',
});

export const configSchema = z
  .object({
    routers: z.array(routerSchema).default([]),
    // More routers from JSON files (each an array of router objects), re-read while running.
    routerFiles: z.array(z.string().min(1)).default([]),
    // This instance polls only its share of the routers; env NETMON_SHARD=i/n overrides it.
    shard: z
      .object({ index: z.number().int().min(0), count: z.number().int().min(1).max(1024) })
      .strict()
      .refine((shard) => shard.index < shard.count, { message: 'index must be below count (0-based)', path: ['index'] })
      .nullable()
      .default(null),
    poll: z
      .object({
        intervalSeconds: z.number().min(1).max(3600).default(15),
        offsetSeconds: z.number().min(0).default(0),
        // Routers connected to and polled at the same moment; the others wait their turn.
        concurrency: z.number().int().min(1).max(4096).default(32),
        // Each router polls at its own stable place within this many seconds after the slot.
        spreadSeconds: z.number().min(0).default(0),
      })
      .strict()
      .refine((poll) => poll.spreadSeconds === 0 || poll.spreadSeconds < poll.intervalSeconds, {
        message: 'must be less than poll.intervalSeconds',
        path: ['spreadSeconds'],
      })
      .default({ intervalSeconds: 15, offsetSeconds: 0, concurrency: 32, spreadSeconds: 0 }),
    presence: z
      .object({
        timeoutSeconds: z.number().positive().default(300),
        arpStates: z.array(z.string().min(1)).default(['reachable', 'delay', 'probe']),
      })
      .strict()
      .default({ timeoutSeconds: 300, arpStates: ['reachable', 'delay', 'probe'] }),
    retention: z
      .object({
        forgetAfterDays: z.number().positive().default(30),
        maxDevicesPerRouter: z.number().int().positive().default(10000),
      })
      .strict()
      .default({ forgetAfterDays: 30, maxDevicesPerRouter: 10000 }),
    devices: z
      .array(
        z
          .object({
            mac: z.string().regex(macPattern, 'expected a MAC address like "AA:BB:CC:DD:EE:FF"'),
            // Shown in labels, logs and terminals: no control characters.
            name: z
              .string()
              .min(1)
              .max(128)
              .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'must not contain control characters'),
            router: z.string().min(1),
          })
          .strict(),
      )
      .default([]),
    http: z
      .object({
        listen: listenSchema.default('0.0.0.0:9847'),
        webConfigFile: z.string().min(1).nullable().default(null),
      })
      .strict()
      .default({ listen: '0.0.0.0:9847', webConfigFile: null }),
    state: z
      .object({ path: z.string().min(1).default('data/state.json') })
      .strict()
      .default({ path: 'data/state.json' }),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .strict()
      .default({ level: 'info' }),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.routers.length === 0 && config.routerFiles.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['routers'], message: 'at least one router is required (in routers or routerFiles)' });
    }
    const names = new Set<string>();
    config.routers.forEach((router, index) => {
      if (names.has(router.name)) {
        ctx.addIssue({ code: 'custom', path: ['routers', index, 'name'], message: `duplicate router name "${router.name}"` });
      }
      names.add(router.name);
    });
    // With router files, a gateway may name a router of a file: checked once the files are read (router-files.ts).
    if (config.routerFiles.length === 0) checkGateways(config.routers, ctx);
    config.devices.forEach((device, index) => {
      // Routers from files are known only once the files are read (checked there).
      if (config.routerFiles.length === 0 && !names.has(device.router)) {
        ctx.addIssue({
          code: 'custom',
          path: ['devices', index, 'router'],
          message: `unknown router "${device.router}" (known: ${[...names].join(', ')})`,
        });
      }
    });
  });

/**
 * A gateway must be another configured router that is not itself behind a
 * gateway: access points join one router's LAN, so chains (and with them
 * cycles) would only hide a configuration mistake. Returns the index of each
 * router whose gateway is wrong, with what to do about it.
 */
export function gatewayProblems(
  routers: ReadonlyArray<{ name: string; gateway?: string | null }>,
): Array<{ index: number; message: string }> {
  const byName = new Map(routers.map((router) => [router.name, router]));
  const problems: Array<{ index: number; message: string }> = [];
  routers.forEach((router, index) => {
    const gateway = router.gateway ?? null;
    if (gateway === null) return;
    const target = byName.get(gateway);
    if (gateway === router.name) {
      problems.push({ index, message: 'a router cannot be its own gateway' });
    } else if (target === undefined) {
      problems.push({
        index,
        message: `unknown router "${gateway}": name one of the configured routers (${someNames(byName.keys())})`,
      });
    } else if (target.gateway) {
      problems.push({
        index,
        message: `"${gateway}" is itself behind gateway "${target.gateway}": point this router at "${target.gateway}" directly (gateways do not chain)`,
      });
    }
  });
  return problems;
}

function checkGateways(
  routers: ReadonlyArray<{ name: string; gateway: string | null }>,
  ctx: { addIssue(issue: { code: 'custom'; path: Array<string | number>; message: string }): void },
): void {
  for (const { index, message } of gatewayProblems(routers)) {
    ctx.addIssue({ code: 'custom', path: ['routers', index, 'gateway'], message });
  }
}

/** A fleet's names, as many as a message can hold. */
function someNames(names: Iterable<string>, limit = 20): string {
  const all = [...names];
  return all.length > limit ? `${all.slice(0, limit).join(', ')} and ${all.length - limit} more` : all.join(', ');
}

export type RawConfig = z.infer<typeof configSchema>;
export type RouterConfigInput = RawConfig['routers'][number];

export interface ListenAddress {
  host: string;
  port: number;
}

export function parseListen(value: string): ListenAddress | null {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value);
  if (!match) return null;
  const host = match[1] ?? match[2] ?? '';
  const port = Number(match[3]);
  if (port > 65535) return null;
  if (match[1] !== undefined && isIP(host) !== 6) return null;
  return { host: host === '' ? '0.0.0.0' : host, port };
}
