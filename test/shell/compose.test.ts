// docker-compose.yml, checked without a Docker engine: parsed as YAML, every
// mounted file exists, every mount lands where the mounted files expect it,
// and Prometheus's start-up rewrite of prometheus.yml is applied with a real
// sed and the result checked by a real promtool.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO } from './sandbox.js';

interface Service {
  build?: string;
  image?: string;
  command?: string | string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  env_file?: Array<{ path: string; required: boolean }>;
  volumes?: string[];
  ports?: string[];
  depends_on?: string[];
  read_only?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
  init?: boolean;
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

const compose = parse(readFileSync(path.join(REPO, 'docker-compose.yml'), 'utf8')) as Compose;
const services = compose.services;
const svc = (name: string): Service => {
  const s = services[name];
  if (!s) throw new Error(`no service ${name}`);
  return s;
};
const readYaml = (rel: string) => parse(readFileSync(path.join(REPO, rel), 'utf8')) as unknown;

/** host -> container for bind mounts (host starts with "./"), named volumes separately. */
function mounts(s: Service): { binds: Map<string, string>; named: Map<string, string> } {
  const binds = new Map<string, string>();
  const named = new Map<string, string>();
  for (const spec of s.volumes ?? []) {
    const [host = '', container = ''] = spec.split(':');
    (host.startsWith('./') ? binds : named).set(host, container);
  }
  return { binds, named };
}
/** The host path mounted at (or above) a container path, e.g. for a file inside a mounted directory. */
function hostPathFor(s: Service, containerPath: string): string | undefined {
  for (const [host, container] of mounts(s).binds) {
    if (containerPath === container) return host;
    if (containerPath.startsWith(`${container}/`)) return path.join(host, containerPath.slice(container.length + 1));
  }
  return undefined;
}
const flag = (args: string[], name: string) =>
  args.map((a) => a.match(new RegExp(`^--${name}=(.*)$`))?.[1]).find((v) => v !== undefined);

const have = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

describe('docker-compose.yml', () => {
  it('runs the exporter, Prometheus, Alertmanager and Grafana', () => {
    expect(Object.keys(services).sort()).toEqual(['alertmanager', 'grafana', 'network-monitor', 'prometheus']);
    for (const [name, s] of Object.entries(services)) {
      for (const dep of s.depends_on ?? []) expect(services, `${name} depends on ${dep}`).toHaveProperty(dep);
    }
  });

  it('pins every third-party image to a version', () => {
    for (const name of ['prometheus', 'alertmanager', 'grafana']) {
      expect(svc(name).image).toMatch(/^[\w./-]+:v?\d+\.\d+\.\d+$/);
    }
  });

  it('mounts only files and directories that exist in the repository', () => {
    for (const s of Object.values(services)) {
      for (const host of mounts(s).binds.keys()) expect(existsSync(path.join(REPO, host)), host).toBe(true);
    }
  });

  it('declares every named volume it uses', () => {
    for (const s of Object.values(services)) {
      for (const name of mounts(s).named.keys()) expect(compose.volumes, name).toHaveProperty(name);
    }
  });

  describe('exporter', () => {
    const exporter = svc('network-monitor');

    it('builds this repository and runs serve with optional extra arguments', () => {
      expect(exporter.build).toBe('.');
      expect(exporter.command).toBe('serve ${NETMON_SERVE_ARGS:-}');
    });

    it('mounts configuration/ read-only, keeps state in a named volume, listens on the published port', () => {
      const { binds, named } = mounts(exporter);
      expect(binds.get('./configuration')).toBe('/app/configuration');
      expect(exporter.volumes).toContain('./configuration:/app/configuration:ro');
      expect([...named.values()]).toEqual(['/app/data']);
      expect(exporter.environment?.NETMON_CONFIG).toBe('/app/configuration/config.json');
      expect(exporter.environment?.NETMON_LISTEN).toBe('0.0.0.0:9847');
      expect(exporter.ports).toEqual(['${METRICS_PORT:-9847}:9847']);
    });

    it('reads environment.properties when present, without failing on a fresh clone', () => {
      expect(exporter.env_file).toEqual([{ path: 'configuration/environment.properties', required: false }]);
    });

    it('is hardened like shell/run_docker.sh runs it', () => {
      expect(exporter.init).toBe(true);
      expect(exporter.read_only).toBe(true);
      expect(exporter.cap_drop).toEqual(['ALL']);
      expect(exporter.security_opt).toEqual(['no-new-privileges:true']);
    });
  });

  describe('prometheus', () => {
    const prometheus = svc('prometheus');
    const script = prometheus.entrypoint?.[2] ?? '';
    const words = script.split(/\s+/);
    const configInContainer = flag(words, 'config.file') ?? '';
    const sourceInContainer = /\s(\/\S+\.yml)\s*>/.exec(script)?.[1] ?? '';
    const redirectTarget = />\s*(\S+)/.exec(script)?.[1] ?? '';
    const sedExpressions = [...script.matchAll(/-e '([^']+)'/g)].map((m) => m[1] ?? '');

    /** prometheus.yml as the container will see it, made with the compose file's own sed expressions. */
    function rewritten(): string {
      const r = spawnSync('sed', [...sedExpressions.flatMap((e) => ['-e', e]), path.join(REPO, 'prometheus.yml')], {
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    }

    it('starts from the shipped prometheus.yml and writes the config it then loads', () => {
      expect(prometheus.entrypoint?.slice(0, 2)).toEqual(['/bin/sh', '-c']);
      expect(hostPathFor(prometheus, sourceInContainer)).toBe('./prometheus.yml');
      expect(redirectTarget).toBe(configInContainer);
      expect(script).toContain('exec /bin/prometheus');
      expect(flag(words, 'storage.tsdb.path')).toBe(mounts(prometheus).named.get('prometheus-data'));
    });

    it('points the shipped scrape and alerting targets at the compose services', () => {
      const config = parse(rewritten()) as {
        scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
        alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
      };
      const targets = (job: string) =>
        config.scrape_configs.find((j) => j.job_name === job)?.static_configs.flatMap((c) => c.targets);
      expect(targets('network-monitor')).toEqual(['network-monitor:9847']);
      expect(config.alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((c) => c.targets))).toEqual([
        'alertmanager:9093',
      ]);
      // The hosts named are services of this file, on the ports they listen on.
      expect(svc('network-monitor').environment?.NETMON_LISTEN).toMatch(/:9847$/);
      expect(svc('alertmanager').ports?.[0]).toMatch(/:9093$/);
    });

    it('mounts every rule file where the rewritten config looks for it', () => {
      const config = parse(rewritten()) as { rule_files: string[] };
      expect(config.rule_files.length).toBeGreaterThan(0);
      for (const rule of config.rule_files) {
        const inContainer = path.posix.join(path.posix.dirname(configInContainer), rule);
        const host = hostPathFor(prometheus, inContainer);
        expect(host, inContainer).toBeDefined();
        expect(existsSync(path.join(REPO, host ?? '')), `${host}`).toBe(true);
      }
    });

    it.skipIf(!have('promtool'))('the rewritten config with its rules passes promtool check config', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'netmon-compose-'));
      try {
        // Lay the files out as the container sees them beside the config.
        writeFileSync(path.join(dir, path.posix.basename(configInContainer)), rewritten());
        const alertingTarget = mounts(prometheus).binds.get('./alerting') ?? '';
        cpSync(
          path.join(REPO, 'alerting'),
          path.join(dir, path.posix.relative(path.posix.dirname(configInContainer), alertingTarget)),
          {
            recursive: true,
          },
        );
        const r = spawnSync('promtool', ['check', 'config', path.join(dir, 'prometheus.yml')], { encoding: 'utf8' });
        expect(r.status, r.stdout + r.stderr).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('alertmanager', () => {
    const alertmanager = svc('alertmanager');
    const args = Array.isArray(alertmanager.command) ? alertmanager.command : [];

    it('loads alerting/alertmanager.yml', () => {
      expect(hostPathFor(alertmanager, flag(args, 'config.file') ?? '')).toBe('./alerting/alertmanager.yml');
      expect(flag(args, 'storage.path')).toBe(mounts(alertmanager).named.get('alertmanager-data'));
    });

    it.skipIf(!have('amtool'))('that file passes amtool check-config', () => {
      const r = spawnSync('amtool', ['check-config', path.join(REPO, 'alerting/alertmanager.yml')], { encoding: 'utf8' });
      expect(r.status, r.stdout + r.stderr).toBe(0);
    });
  });

  describe('grafana', () => {
    const grafana = svc('grafana');

    it('provisions from grafana/provisioning', () => {
      expect(mounts(grafana).binds.get('./grafana/provisioning')).toBe('/etc/grafana/provisioning');
    });

    it('mounts grafana/dashboards where every dashboard provider loads from', () => {
      const dir = path.join(REPO, 'grafana/provisioning/dashboards');
      const providers = readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .flatMap(
          (f) =>
            (readYaml(`grafana/provisioning/dashboards/${f}`) as { providers: Array<{ options: { path: string } }> }).providers,
        );
      expect(providers.length).toBeGreaterThan(0);
      for (const provider of providers) {
        expect(hostPathFor(grafana, provider.options.path)).toBe('./grafana/dashboards');
      }
      expect(readdirSync(path.join(REPO, 'grafana/dashboards')).some((f) => f.endsWith('.json'))).toBe(true);
    });

    it('has data sources that point at the prometheus service', () => {
      const dir = path.join(REPO, 'grafana/provisioning/datasources');
      const sources = readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .flatMap(
          (f) =>
            (readYaml(`grafana/provisioning/datasources/${f}`) as { datasources: Array<{ type: string; url: string }> })
              .datasources,
        )
        .filter((d) => d.type === 'prometheus');
      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources) {
        const url = new URL(source.url);
        expect(services).toHaveProperty(url.hostname);
        expect(svc(url.hostname).image).toMatch(/^prom\/prometheus:/);
        expect(url.port).toBe('9090');
      }
    });
  });
});
