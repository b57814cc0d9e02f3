// docker-compose.shards.yml and deploy/kubernetes/statefulset.yaml, checked without
// Docker or a cluster: parsed as YAML, the shards cover 0..n-1 exactly once, share
// the config and one state volume, Prometheus scrapes exactly the shard services
// and writes to the VictoriaMetrics service, and promtool accepts its config.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { REPO } from './sandbox.js';

interface Service {
  image?: string;
  build?: string;
  command?: string | string[];
  environment?: Record<string, string>;
  volumes?: string[];
  read_only?: boolean;
  cap_drop?: string[];
}

const compose = parse(readFileSync(path.join(REPO, 'docker-compose.shards.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const shardServices = Object.entries(compose.services).filter(([, s]) => s.environment?.NETMON_SHARD !== undefined);

describe('docker-compose.shards.yml', () => {
  it('runs one exporter per shard, covering 0..n-1 of the same n exactly once', () => {
    const shards = shardServices.map(([, s]) => s.environment!.NETMON_SHARD!);
    expect(shards.sort()).toEqual(['0/2', '1/2']);
    for (const [name, s] of shardServices) {
      expect(s.build, name).toBe('.');
      expect(s.command, name).toBe('serve');
      expect(s.read_only, name).toBe(true);
      expect(s.cap_drop, name).toEqual(['ALL']);
    }
  });

  it('gives every shard the same configuration and one shared state volume', () => {
    const mounts = shardServices.map(([, s]) => s.volumes);
    expect(new Set(mounts.map((m) => JSON.stringify(m))).size).toBe(1);
    expect(mounts[0]).toEqual(['./configuration:/app/configuration:ro', 'netmon-state:/app/data']);
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['netmon-state']));
    expect(new Set(shardServices.map(([, s]) => s.environment!.NETMON_CONFIG)).size).toBe(1);
  });

  it('has Prometheus scrape exactly the shards and remote_write to the VictoriaMetrics service', () => {
    const prometheus = compose.services.prometheus!;
    const mount = prometheus.volumes!.find((v) => v.endsWith(':/etc/prometheus/prometheus.yml:ro'))!;
    const file = path.join(REPO, mount.split(':')[0]!);
    expect(existsSync(file)).toBe(true);
    const config = parse(readFileSync(file, 'utf8')) as {
      scrape_configs: Array<{ static_configs: Array<{ targets: string[] }> }>;
      remote_write: Array<{ url: string }>;
    };
    const targets = config.scrape_configs.flatMap((job) => job.static_configs.flatMap((c) => c.targets));
    expect(targets.sort()).toEqual(shardServices.map(([name]) => `${name}:9847`).sort());
    const vm = compose.services.victoriametrics!;
    expect(vm.image).toMatch(/^victoriametrics\/victoria-metrics:v\d+\.\d+\.\d+$/);
    const storage = (vm.command as string[]).find((arg) => arg.startsWith('-storageDataPath='))!;
    expect(vm.volumes).toContain(`victoriametrics-data:${storage.split('=')[1]}`);
    expect(config.remote_write.map((w) => w.url)).toEqual(['http://victoriametrics:8428/api/v1/write']);
    const check = spawnSync('promtool', ['check', 'config', file], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });

  it('pins every third-party image to a version', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (s.build) continue;
      expect(s.image, name).toMatch(/:v?\d+\.\d+\.\d+$/);
    }
  });
});

describe('deploy/kubernetes/statefulset.yaml', () => {
  const docs = parseAllDocuments(readFileSync(path.join(REPO, 'deploy/kubernetes/statefulset.yaml'), 'utf8')).map(
    (doc) => doc.toJS() as { kind: string; spec?: Record<string, unknown>; data?: Record<string, string> },
  );
  const statefulSet = docs.find((doc) => doc.kind === 'StatefulSet')! as unknown as {
    spec: {
      replicas: number;
      template: {
        spec: {
          containers: Array<{
            env: Array<{ name: string; value?: string; valueFrom?: { fieldRef: { fieldPath: string } } }>;
          }>;
        };
      };
    };
  };

  it('derives NETMON_SHARD from the pod index label and a count equal to replicas', () => {
    const env = new Map(statefulSet.spec.template.spec.containers[0]!.env.map((e) => [e.name, e]));
    expect(env.get('POD_INDEX')?.valueFrom?.fieldRef.fieldPath).toBe("metadata.labels['apps.kubernetes.io/pod-index']");
    expect(env.get('NETMON_SHARD')?.value).toBe('$(POD_INDEX)/$(SHARD_COUNT)');
    expect(Number(env.get('SHARD_COUNT')?.value)).toBe(statefulSet.spec.replicas);
    // Kubernetes expands $(VAR) only for variables defined earlier in the list.
    const names = [...env.keys()];
    expect(names.indexOf('POD_INDEX')).toBeLessThan(names.indexOf('NETMON_SHARD'));
    expect(names.indexOf('SHARD_COUNT')).toBeLessThan(names.indexOf('NETMON_SHARD'));
  });

  it('ships a config that the exporter accepts, with routers from files', async () => {
    const { buildConfig } = await import('../../src/config/load.js');
    const configMap = docs.find((doc) => doc.kind === 'ConfigMap' && doc.data?.['config.json'] !== undefined)!;
    const { config } = buildConfig(JSON.parse(configMap.data!['config.json']!), 'statefulset.yaml', {
      NETMON_SHARD: '1/2',
    });
    expect(config.routerFiles).toEqual(['/app/routers.d/*.json']);
    expect(config.shard).toEqual({ index: 1, count: 2 });
  });
});
