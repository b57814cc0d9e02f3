import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildConfig } from './load.js';
import { skippedFileMessage } from './own-files.js';
import { collectRouters, RouterFileSet } from './router-files.js';

const router = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  host: `${name}.example`,
  user: 'monitor',
  password: 'p',
  ...extra,
});

describe('RouterFileSet', () => {
  let dir: string;
  const write = (file: string, content: unknown) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), typeof content === 'string' ? content : JSON.stringify(content));
  };
  const names = (set: RouterFileSet, taken: string[] = []) => set.read(new Set(taken)).routers.map((r) => r.name);

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'netmon-router-files-'));
  });

  it('reads every file the globs match, in path order, with defaults applied', () => {
    write('a.json', [router('a1'), router('a2', { port: 9000 })]);
    write('sub/deep/b.json', [router('b1', { tls: { enabled: true } })]);
    write('c.txt', [router('ignored')]);
    const set = new RouterFileSet(['*.json', 'sub/**/*.json'], dir, {});
    const read = set.read(new Set());
    expect(read.problems).toEqual([]);
    expect(read.files).toEqual([path.join(dir, 'a.json'), path.join(dir, 'sub/deep/b.json')]);
    expect(read.routers.map((r) => [r.name, r.port])).toEqual([
      ['a1', 8728],
      ['a2', 9000],
      ['b1', 8729],
    ]);
    expect(new RouterFileSet(['{a,c}.*'], dir, {}).match()).toEqual([path.join(dir, 'a.json'), path.join(dir, 'c.txt')]);
  });

  it('keeps the last good version of a file that turns bad, and reports the problem once', () => {
    write('a.json', [router('a1')]);
    const set = new RouterFileSet(['*.json'], dir, {});
    expect(names(set)).toEqual(['a1']);
    write('a.json', [router('a1'), { name: 'a2', host: 'h' }]);
    const bad = set.read(new Set());
    expect(bad.routers.map((r) => r.name)).toEqual(['a1']);
    expect(bad.problems).toEqual([{ path: `${path.join(dir, 'a.json')}:$[1].user`, message: expect.any(String) }]);
    expect(bad.newProblems).toHaveLength(1);
    expect(set.read(new Set()).newProblems).toEqual([]);
    write('a.json', '[{"name": ');
    const broken = set.read(new Set());
    expect(broken.problems).toEqual([
      { path: `${path.join(dir, 'a.json')}:$`, message: 'not valid JSON: Unexpected end of JSON input' },
    ]);
    expect(broken.routers.map((r) => r.name)).toEqual(['a1']);
    write('a.json', [router('a3')]);
    expect(names(set)).toEqual(['a3']);
  });

  it('refuses a file whose routers repeat a name of the config or an earlier file', () => {
    write('a.json', [router('one'), router('two')]);
    write('b.json', [router('two'), router('three')]);
    const set = new RouterFileSet(['*.json'], dir, {});
    const read = set.read(new Set(['one']));
    expect(read.routers.map((r) => r.name)).toEqual(['two', 'three']);
    expect(read.problems).toEqual([
      {
        path: `${path.join(dir, 'a.json')}:$[0].name`,
        message: 'duplicate router name "one" (already in the config or another router file)',
      },
    ]);
    write('c.json', [router('x'), router('x')]);
    expect(set.read(new Set(['one'])).problems.map((p) => p.path)).toEqual([
      `${path.join(dir, 'a.json')}:$[0].name`,
      `${path.join(dir, 'c.json')}:$[1].name`,
    ]);
  });

  it('drops the routers of a file that was deleted', () => {
    write('a.json', [router('a1')]);
    write('b.json', [router('b1')]);
    const set = new RouterFileSet(['*.json'], dir, {});
    expect(names(set)).toEqual(['a1', 'b1']);
    rmSync(path.join(dir, 'a.json'));
    expect(names(set)).toEqual(['b1']);
  });

  it('watches the directory part of each pattern', () => {
    const set = new RouterFileSet(['routers/*.json', 'fleet/**/x.json', '/etc/netmon/extra.json'], dir, {});
    expect(set.directories()).toEqual(['/etc/netmon', path.join(dir, 'fleet'), path.join(dir, 'routers')].sort());
  });

  it('lets watched devices name a router from a file, and an unknown one is a problem', () => {
    write('a.json', [router('filed')]);
    const { config } = buildConfig(
      {
        routerFiles: ['*.json'],
        devices: [
          { mac: 'AA:BB:CC:DD:EE:01', name: 'nas', router: 'filed' },
          { mac: 'AA:BB:CC:DD:EE:02', name: 'tv', router: 'nowhere' },
        ],
      },
      '(test)',
      {},
    );
    expect(config.routers).toEqual([]);
    const all = collectRouters(config, new RouterFileSet(config.routerFiles, dir, {}));
    expect(all.routers.map((r) => r.name)).toEqual(['filed']);
    expect(all.problems).toEqual([{ path: '$.devices[1].router', message: 'unknown router "nowhere"' }]);
  });

  it('checks gateways across the config and every file, naming the file and the router', () => {
    write('gw.json', [router('home')]);
    write('aps.json', [router('ap1', { gateway: 'home' }), router('ap2', { gateway: 'hom' }), router('ap3', { gateway: 'ap1' })]);
    const { config } = buildConfig({ routers: [router('office', { gateway: 'home' })], routerFiles: ['*.json'] }, '(test)', {});
    const all = collectRouters(config, new RouterFileSet(config.routerFiles, dir, {}));
    expect(all.routers.map((r) => r.name)).toEqual(['office', 'ap1', 'ap2', 'ap3', 'home']);
    const aps = path.join(dir, 'aps.json');
    expect(all.problems).toEqual([
      {
        path: `${aps}:$[1].gateway`,
        message: 'router "ap2": unknown router "hom": name one of the configured routers (office, ap1, ap2, ap3, home)',
      },
      {
        path: `${aps}:$[2].gateway`,
        message:
          'router "ap3": "ap1" is itself behind gateway "home": point this router at "home" directly (gateways do not chain)',
      },
    ]);
    expect(all.fleetProblems).toEqual(all.problems);
  });

  it("refuses a file router whose passwordFile or CA is the state file or a file beside it, any shard's", () => {
    const state = path.join(dir, 'state.json');
    write('pw', 'secret\n');
    write('r/a.json', [router('a1', { password: undefined, passwordFile: path.join(dir, 'pw') })]);
    write('r/b.json', [router('b1', { password: undefined, passwordFile: path.join(dir, 'state.shard-1.json') })]);
    write('r/c.json', [router('c1', { tls: { enabled: true, ca: path.join(dir, 'state.shard-0.json.lock') } })]);
    write('state.shard-1.json', 'the state file of shard 1');
    const { config } = buildConfig(
      { routerFiles: ['r/*.json'], state: { path: state }, shard: { index: 0, count: 2 } },
      path.join(dir, 'config.json'),
      {},
    );
    const all = collectRouters(config, new RouterFileSet(config.routerFiles, dir, {}));
    expect(all.routers.map((r) => r.name)).toEqual(['a1']);
    expect(all.problems).toEqual([
      {
        path: `${path.join(dir, 'r/b.json')}:$[0].passwordFile`,
        message: `is ${path.join(dir, 'state.shard-1.json')}, a file written with the state file ($.state.path), which is rewritten and moved aside; give this file a path of its own`,
      },
      {
        path: `${path.join(dir, 'r/c.json')}:$[0].tls.ca`,
        message: `is ${path.join(dir, 'state.shard-0.json.lock')}, a file written with the state file ($.state.path), which is rewritten and moved aside; give this file a path of its own`,
      },
    ]);
  });

  it("skips the exporter's own files a glob matches, each named with what it is, reported once", () => {
    const at = (file: string) => path.join(dir, file);
    write('a.json', [router('a1', { password: undefined, passwordFile: at('filed-pw') })]);
    write('filed-pw', 'p\n');
    write('pw', 'secret\n');
    write('state.json', '{"version":1}');
    for (const beside of ['.journal', '.lock', '.bak', '.tmp-1', '.corrupt-20260101T000000Z']) write(`state.json${beside}`, 'x');
    write('state.shard-1.json', '{}');
    write('state.shard-1.json.journal', 'x');
    write('web.yml', 'tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\n');
    write('tls.crt', 'not a certificate');
    write('tls.key', 'not a key');
    write('config.json', '{}');
    const { config } = buildConfig(
      {
        routers: [router('inline', { password: undefined, passwordFile: at('pw') })],
        routerFiles: ['*'],
        state: { path: at('state.json') },
        http: { webConfigFile: at('web.yml') },
      },
      at('config.json'),
      {},
    );
    const files = new RouterFileSet(config.routerFiles, dir, {});
    const all = collectRouters(config, files);
    expect(all.problems).toEqual([]);
    expect(all.routers.map((r) => r.name)).toEqual(['inline', 'a1']);
    expect(all.files).toEqual([at('a.json')]);
    const beside = 'a file the exporter writes beside the state file ($.state.path)';
    const expected = [
      ['config.json', 'the configuration file'],
      ['filed-pw', `a file named by ${at('a.json')}:$[0].passwordFile`],
      ['pw', 'a file named by $.routers[0].passwordFile'],
      ['state.json', 'the state file ($.state.path)'],
      ['state.json.bak', beside],
      ['state.json.corrupt-20260101T000000Z', beside],
      ['state.json.journal', beside],
      ['state.json.lock', beside],
      ['state.json.tmp-1', beside],
      ['state.shard-1.json', "a shard's state file ($.state.path)"],
      ['state.shard-1.json.journal', beside],
      ['tls.crt', `a file named by ${at('web.yml')}: tls_server_config.cert_file`],
      ['tls.key', `a file named by ${at('web.yml')}: tls_server_config.key_file`],
      ['web.yml', 'a file named by $.http.webConfigFile'],
    ].map(([file, is]) => ({ file: at(file!), is }));
    expect(all.skipped).toEqual(expected);
    expect(all.newSkipped).toEqual(expected);
    expect(skippedFileMessage(all.skipped[3]!)).toBe(
      `${at('state.json')} matches routerFiles but is the state file ($.state.path); skipped (not a router file)`,
    );
    // Said once, not at every re-scan, nor when a file comes back or the state store writes through a new temporary file.
    expect(collectRouters(config, files).newSkipped).toEqual([]);
    rmSync(at('state.json.lock'));
    rmSync(at('state.json.tmp-1'));
    expect(collectRouters(config, files).newSkipped).toEqual([]);
    write('state.json.lock', 'x');
    write('state.json.tmp-2', 'x');
    write('state.json.corrupt-20260102T000000Z', 'x');
    expect(collectRouters(config, files).newSkipped).toEqual([{ file: at('state.json.corrupt-20260102T000000Z'), is: beside }]);
  });

  it('recognises an own file by inode and through a symlink, and leaves names that only look alike', () => {
    const at = (file: string) => path.join(dir, file);
    write('data/state.json', '{}');
    write('routers/real.json', [router('r1')]);
    write('routers/state.json.example', [router('r2')]);
    write('routers/my-state.json', [router('r3')]);
    linkSync(at('data/state.json'), at('routers/hard.json'));
    symlinkSync(at('data/state.json'), at('routers/soft.json'));
    const { config } = buildConfig({ routerFiles: ['routers/*'], state: { path: at('data/state.json') } }, at('c.json'), {});
    const all = collectRouters(config, new RouterFileSet(config.routerFiles, dir, {}));
    expect(all.problems).toEqual([]);
    expect(all.routers.map((r) => r.name)).toEqual(['r3', 'r1', 'r2']);
    expect(all.skipped).toEqual([
      {
        file: at('routers/hard.json'),
        is: `a hard link to ${at('data/state.json')}, written with the state file ($.state.path)`,
      },
      { file: at('routers/soft.json'), is: 'the state file ($.state.path)' },
    ]);
  });

  it('needs routers or routerFiles in the config', () => {
    expect(() => buildConfig({}, '(test)', {})).toThrow(
      /\$\.routers: at least one router is required \(in routers or routerFiles\)/,
    );
  });
});
