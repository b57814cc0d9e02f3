import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConfig, ConfigError, loadConfigFile, resolveConfigPath } from './load.js';

const minimal = { routers: [{ name: 'home', host: '192.0.2.1', user: 'monitor', password: 'pw' }] };

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('fills every documented default', () => {
    const { config } = buildConfig(minimal, '/etc/netmon/config.json', {});
    expect(config.routers[0]).toEqual({
      name: 'home',
      host: '192.0.2.1',
      port: 8728,
      user: 'monitor',
      password: 'pw',
      tls: { enabled: false, ca: null, rejectUnauthorized: true, anonymous: false },
      timeoutSeconds: 10,
      gateway: null,
      sources: { wifi: true, traffic: true, ipv6: true, pools: true },
    });
    expect(config.poll).toEqual({ intervalSeconds: 15, offsetSeconds: 0, concurrency: 32, spreadSeconds: 0 });
    expect(config.presence).toEqual({ timeoutSeconds: 300, arpStates: ['reachable', 'delay', 'probe'] });
    expect(config.retention).toEqual({ forgetAfterDays: 30, maxDevicesPerRouter: 10000 });
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 9847 });
    expect(config.state.path).toBe(path.resolve('data/state.json'));
    expect(config.log.level).toBe('info');
  });

  it('routers[].gateway names another router that has no gateway; sources turn off per router', () => {
    const router = (name: string, extra: object = {}) => ({ ...minimal.routers[0], name, ...extra });
    const { config } = buildConfig(
      { routers: [router('home'), router('ap1', { gateway: 'home', sources: { traffic: false } })] },
      'c.json',
      {},
    );
    expect(config.routers[1]).toMatchObject({
      gateway: 'home',
      sources: { wifi: true, traffic: false, ipv6: true, pools: true },
    });
    const problems = problemsOf(() =>
      buildConfig(
        {
          routers: [
            router('home'),
            router('ap1', { gateway: 'home' }),
            router('ap2', { gateway: 'ap1' }),
            router('self', { gateway: 'self' }),
            router('lost', { gateway: 'nowhere' }),
          ],
        },
        'c.json',
        {},
      ),
    );
    expect(
      problemsOf(() => buildConfig({ routers: [router('odd', { sources: { wifi: 'yes', radio: true } })] }, 'c.json', {})),
    ).toEqual([
      '$.routers[0].sources.wifi: expected true or false, found a string',
      '$.routers[0].sources.radio: unknown key (known here: wifi, traffic, ipv6, pools)',
    ]);
    expect(problems).toEqual([
      '$.routers[2].gateway: "ap1" is itself behind gateway "home": point this router at "home" directly (gateways do not chain)',
      '$.routers[3].gateway: a router cannot be its own gateway',
      '$.routers[4].gateway: unknown router "nowhere": name one of the configured routers (home, ap1, ap2, self, lost)',
    ]);
  });

  it('defaults the TLS port to 8729, never 8728', () => {
    const { config } = buildConfig({ routers: [{ ...minimal.routers[0], tls: { enabled: true } }] }, 'c.json', {});
    expect(config.routers[0]?.port).toBe(8729);
  });

  it('lists every problem with its JSON path', () => {
    const problems = problemsOf(() =>
      buildConfig(
        {
          routers: [
            { name: 'home', host: '', user: 'u' },
            { name: 'home', host: 'h', user: 'u', password: 'p', port: 70000 },
          ],
          poll: { intervalSeconds: 0 },
          devices: [
            { mac: 'nope', name: 'nas', router: 'office' },
            { mac: 'AA:BB:CC:DD:EE:FF', name: 'tab\there', router: 'home' },
          ],
          bogus: 1,
        },
        'c.json',
        {},
      ),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\$\.routers\[0\]\.host: /),
        expect.stringMatching(/^\$\.routers\[0\]\.password: one of password, passwordFile or passwordEnv is required/),
        expect.stringMatching(/^\$\.routers\[1\]\.port: /),
        expect.stringMatching(/^\$\.poll\.intervalSeconds: /),
        expect.stringMatching(/^\$\.devices\[0\]\.mac: expected a MAC address/),
        '$.devices[1].name: must not contain control characters',
        '$.bogus: unknown key (known here: routers, routerFiles, shard, poll, presence, retention, devices, http, state, log)',
      ]),
    );
  });

  it('reports duplicate routers and watched devices on unknown routers', () => {
    const problems = problemsOf(() =>
      buildConfig(
        { routers: [minimal.routers[0], minimal.routers[0]], devices: [{ mac: 'AA:BB:CC:DD:EE:FF', name: 'x', router: 'nope' }] },
        'c.json',
        {},
      ),
    );
    expect(problems).toContain('$.routers[1].name: duplicate router name "home"');
    expect(problems).toContain('$.devices[0].router: unknown router "nope" (known: home)');
  });

  it('reads passwords from a file or the environment', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'netmon-config-'));
    writeFileSync(path.join(dir, 'pw.txt'), 's3cret\n');
    const { config } = buildConfig(
      {
        routers: [
          { name: 'a', host: 'h', user: 'u', passwordFile: path.join(dir, 'pw.txt') },
          { name: 'b', host: 'h', user: 'u', passwordEnv: 'ROUTER_B_PW' },
        ],
      },
      path.join(dir, 'config.json'),
      { ROUTER_B_PW: 'from-env' },
    );
    expect(config.routers.map((r) => r.password)).toEqual(['s3cret', 'from-env']);
    const problems = problemsOf(() =>
      buildConfig({ routers: [{ name: 'b', host: 'h', user: 'u', passwordEnv: 'MISSING_VAR' }] }, 'c.json', {}),
    );
    expect(problems).toEqual(['$.routers[0].passwordEnv: environment variable MISSING_VAR is not set']);
  });

  it('applies NETMON_LISTEN and LOG_LEVEL over the file', () => {
    const { config } = buildConfig(minimal, 'c.json', { NETMON_LISTEN: '127.0.0.1:9999', LOG_LEVEL: 'DEBUG' });
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 9999 });
    expect(config.log.level).toBe('debug');
    expect(problemsOf(() => buildConfig(minimal, 'c.json', { NETMON_LISTEN: 'nonsense' }))[0]).toMatch(/^\$\.http\.listen: /);
  });

  it('resolves the config path from flag, then NETMON_CONFIG, then the default', () => {
    expect(resolveConfigPath('a.json', { NETMON_CONFIG: 'b.json' })).toBe('a.json');
    expect(resolveConfigPath(undefined, { NETMON_CONFIG: 'b.json' })).toBe('b.json');
    expect(resolveConfigPath(undefined, {})).toBe('configuration/config.json');
  });

  it('names unreadable and malformed files, and never echoes the password', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'netmon-config-'));
    const file = path.join(dir, 'config.json');
    writeFileSync(file, '{"routers": [ {"password": "hunter2-secret",');
    const problems = problemsOf(() => loadConfigFile(file, {}));
    expect(problems[0]).toMatch(/^\$: not valid JSON/);
    expect(problems.join('\n')).not.toContain('hunter2-secret');
  });

  it('a missing file says how to make one from the example', () => {
    const missing = path.join(mkdtempSync(path.join(tmpdir(), 'netmon-config-')), 'config.json');
    let error: unknown;
    try {
      loadConfigFile(missing, {});
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([{ path: '$', message: 'no such file' }]);
    expect((error as ConfigError).hint).toBe(
      'To start, copy the example and fill in your router (docs/configuration.md):\n' +
        `  cp configuration/config.example.json ${missing}\n` +
        'To try the exporter without a router: network-monitor serve --demo',
    );
  });

  it("speaks the editor's language: required, ranges, kinds, choices, and the key a typo meant", () => {
    const problems = problemsOf(() =>
      buildConfig(
        {
          routers: [{ name: 'home', user: 'u', password: 'p', port: 70000, timeoutSeconds: 0, tls: { enabeld: true } }],
          poll: { intervalSecond: 5, offsetSeconds: 'soon' },
          retention: { maxDevicesPerRouter: 2.5 },
          log: { level: 'loud' },
          Devices: [],
        },
        'c.json',
        {},
      ),
    );
    expect(problems).toEqual([
      '$.routers[0].host: required',
      '$.routers[0].port: must be a whole number from 1 to 65535',
      '$.routers[0].tls.enabeld: unknown key; did you mean "enabled"?',
      '$.routers[0].timeoutSeconds: must be a number more than 0 and at most 300',
      '$.poll.offsetSeconds: expected a number, found a string',
      '$.poll.intervalSecond: unknown key; did you mean "intervalSeconds"?',
      '$.retention.maxDevicesPerRouter: must be a whole number more than 0',
      '$.log.level: must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent"',
      '$.Devices: unknown key; did you mean "devices"?',
    ]);
    expect(problems.join('\n')).not.toMatch(/Invalid input|received undefined|Too big|Unrecognized/);
  });

  it('warns when a world-readable file holds a password', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'netmon-config-'));
    const file = path.join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(minimal));
    chmodSync(file, 0o644);
    expect(loadConfigFile(file, {}).warnings[0]).toMatch(/world-readable \(mode 644\)/);
    chmodSync(file, 0o600);
    expect(loadConfigFile(file, {}).warnings).toEqual([]);
  });
});
