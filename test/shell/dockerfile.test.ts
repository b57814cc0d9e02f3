// The Dockerfile's hardening, read as data (no Docker engine here): multi-stage,
// pinned Node 24 slim, non-root, state volume, health check, exposed port,
// production dependencies only, nothing secret in the context or the layers.
// The HEALTHCHECK command itself is run with the real node against real sockets.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { builtinModules } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './sandbox.js';

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  body: Instruction[];
}

/** Instructions with continuation lines joined and comments dropped. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    const match = /^(\S+)\s*(.*)$/s.exec(full);
    if (match) out.push({ keyword: (match[1] ?? '').toUpperCase(), args: match[2] ?? '' });
  }
  return out;
}

function parse(text: string): { globalArgs: Map<string, string>; stages: Stage[] } {
  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  for (const ins of instructions(text)) {
    const current = stages.at(-1);
    if (ins.keyword === 'FROM') {
      const [image = '', as, name] = ins.args.split(/\s+/);
      const resolved = image.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string, b: string) => globalArgs.get(a ?? b) ?? '');
      stages.push({ from: resolved, name: as?.toUpperCase() === 'AS' ? name : undefined, body: [] });
    } else if (!current) {
      if (ins.keyword === 'ARG') {
        const [key = '', value = ''] = ins.args.split('=', 2);
        globalArgs.set(key, value);
      }
    } else {
      current.body.push(ins);
    }
  }
  return { globalArgs, stages };
}

/** Exec-form JSON array, or the shell form as one string. */
function execForm(args: string): string[] {
  return args.trim().startsWith('[') ? (JSON.parse(args) as string[]) : [args];
}

const dockerfile = readFileSync(path.join(REPO, 'Dockerfile'), 'utf8');
const { globalArgs, stages } = parse(dockerfile);
const final = stages.at(-1) as Stage;
const finalOf = (keyword: string) => final.body.filter((i) => i.keyword === keyword);
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  dependencies: Record<string, string>;
};

// Docker's .dockerignore semantics, reduced to what an allowlist needs: rules
// apply in order, a later match wins, `!` re-includes, and a rule matching a
// directory covers everything under it.
function contextIncludes(rel: string): boolean {
  const rules = readFileSync(path.join(REPO, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const toRegex = (glob: string) =>
    new RegExp(
      '^' +
        glob
          .replace(/\/$/, '')
          .replace(/[.+^${}()|[\]]/g, '\\$&')
          .replace(/\*\*\//g, '\u0000')
          .replace(/\*\*/g, '.*')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]')
          .replace(/\u0000/g, '(?:.*/)?') +
        '$',
    );
  const parts = rel.split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let included = true;
  for (const rule of rules) {
    const negated = rule.startsWith('!');
    const re = toRegex(negated ? rule.slice(1) : rule);
    if (candidates.some((c) => re.test(c))) included = negated;
  }
  return included;
}

describe('Dockerfile', () => {
  it('is multi-stage: a build stage with dev dependencies, a lean final stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const build = stages.find((s) => s.body.some((i) => i.keyword === 'RUN' && /npm run build/.test(i.args)));
    expect(build).toBeDefined();
    expect(build).not.toBe(final);
    // The build stage installs everything (TypeScript is a devDependency).
    expect(build?.body.some((i) => i.keyword === 'RUN' && /npm ci(?!.*--omit=dev)/.test(i.args))).toBe(true);
  });

  it('bases every stage on a supported Node (22 or 24) slim image pinned to a full release', () => {
    // The digest is resolved and printed by shell/build_image.sh at build time.
    const pinned = /^node:(22|24)\.\d+\.\d+-[a-z]+-slim(@sha256:[0-9a-f]{64})?$/;
    expect(globalArgs.get('NODE_IMAGE')).toMatch(pinned);
    for (const stage of stages) expect(stage.from).toMatch(pinned);
  });

  it('runs as a non-root user in the final stage', () => {
    const users = finalOf('USER').map((i) => i.args.trim());
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1) ?? '';
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(user).toBe('node');
    const lastUser = final.body.findIndex((i) => i.keyword === 'USER' && i.args.trim() === user);
    expect(lastUser).toBeLessThan(final.body.findIndex((i) => i.keyword === 'ENTRYPOINT'));
  });

  it('keeps state in a VOLUME at the path the default state.path resolves to, writable by that user', () => {
    expect(finalOf('WORKDIR').at(-1)?.args.trim()).toBe('/app');
    expect(finalOf('VOLUME').flatMap((i) => execForm(i.args))).toContain('/app/data');
    expect(finalOf('RUN').some((i) => /chown node:node data\b/.test(i.args))).toBe(true);
  });

  it('exposes the metrics port and health-checks /healthz with node itself', () => {
    expect(finalOf('EXPOSE').map((i) => i.args.trim())).toEqual(['9847']);
    const [check] = finalOf('HEALTHCHECK');
    expect(check?.args).toMatch(/--interval=\d+s/);
    expect(check?.args).toContain('/healthz');
    expect(check?.args).not.toMatch(/\b(curl|wget)\b/);
    const cmd = execForm((check?.args ?? '').replace(/^.*?CMD\s+/, ''));
    expect(cmd.slice(0, 2)).toEqual(['node', '-e']);
  });

  it('starts `node dist/cli.js serve` (V8 heap options between), the package bin, so arguments append to serve', () => {
    expect(execForm(finalOf('ENTRYPOINT')[0]?.args ?? '')).toEqual(['node', '--max-semi-space-size=8', 'dist/cli.js']);
    expect(execForm(finalOf('CMD')[0]?.args ?? '')).toEqual(['serve']);
    expect(Object.values(pkg.bin)).toContain('dist/cli.js');
  });

  it('ships production dependencies only: no install, sources or compiler in the final stage', () => {
    expect(finalOf('RUN').some((i) => /npm (ci|install|i)\b/.test(i.args))).toBe(false);
    const copies = finalOf('COPY').map((i) => i.args);
    expect(copies.some((c) => /\bsrc\b|tsconfig/.test(c))).toBe(false);
    const modules = copies.find((c) => /node_modules/.test(c)) ?? '';
    const from = /--from=(\S+)/.exec(modules)?.[1];
    const source = stages.find((s) => s.name === from);
    expect(source?.body.some((i) => i.keyword === 'RUN' && /npm ci .*--omit=dev/.test(i.args))).toBe(true);
    expect(finalOf('ENV').map((i) => i.args)).toContain('NODE_ENV=production');
  });

  it('bakes in no secrets: no secret-looking ENV/ARG, no config or env file copied', () => {
    for (const ins of instructions(dockerfile)) {
      if (ins.keyword === 'ENV' || ins.keyword === 'ARG') {
        expect(ins.args).not.toMatch(/pass|secret|token|credential|api_?key/i);
      }
      if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
        expect(ins.args).not.toMatch(/configuration|environment\.properties|\.env\b|\bdata\b/);
      }
    }
  });
});

describe('.dockerignore', () => {
  it('starts by excluding everything, so new files stay out unless listed', () => {
    const first = readFileSync(path.join(REPO, '.dockerignore'), 'utf8')
      .split('\n')
      .find((l) => l.trim() !== '' && !l.startsWith('#'));
    expect(first).toBe('*');
  });

  it.each([
    'configuration/config.json',
    'configuration/environment.properties',
    'data/state.json',
    '.git/config',
    'node_modules/express/index.js',
    'dist/cli.js',
    'src/config/load.test.ts',
    'test/shell/sandbox.ts',
  ])('keeps %s out of the build context', (rel) => {
    expect(contextIncludes(rel)).toBe(false);
  });

  it('lets in every file the Dockerfile copies from the context, and they exist', () => {
    const sources = instructions(dockerfile)
      .filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))
      .flatMap((i) =>
        i.args
          .split(/\s+/)
          .filter((a) => !a.startsWith('--'))
          .slice(0, -1),
      );
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'src']));
    for (const source of sources) {
      expect(existsSync(path.join(REPO, source)), source).toBe(true);
      expect(contextIncludes(source), source).toBe(true);
    }
    expect(contextIncludes('src/cli.ts')).toBe(true);
  });
});

// The image installs `dependencies` only; a runtime import of a devDependency
// would pass every test here and crash only in the container.
describe('runtime imports', () => {
  it('every package imported by non-test code under src/ is a production dependency', () => {
    // What the build leaves out (tests, test harnesses) never reaches the image.
    const build = JSON.parse(readFileSync(path.join(REPO, 'tsconfig.build.json'), 'utf8')) as { exclude?: string[] };
    const excluded = (build.exclude ?? []).map(
      (glob) =>
        new RegExp(
          `^${glob
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*\*\//g, '(?:.*/)?')
            .replace(/\*\*/g, '.*')
            .replace(/\*/g, '[^/]*')}$`,
        ),
    );
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        const relative = path.relative(REPO, full);
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.ts$/.test(name) && !excluded.some((re) => re.test(relative))) files.push(full);
      }
    };
    walk(path.join(REPO, 'src'));
    const builtins = new Set(builtinModules);
    const offenders: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      // Type-only imports are erased by tsc and need nothing at runtime.
      const specifiers = [
        ...text.matchAll(/^\s*import\s+(?!type\s)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm),
        ...text.matchAll(/^\s*export\s+(?!type\s)[^'"]*?\sfrom\s+['"]([^'"]+)['"]/gm),
        ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
      ].map((m) => m[1] ?? '');
      for (const spec of specifiers) {
        if (spec.startsWith('.') || spec.startsWith('node:')) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? '');
        if (builtins.has(name)) continue;
        if (!(name in pkg.dependencies)) offenders.push(`${path.relative(REPO, file)}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

describe('HEALTHCHECK command, run with the real node', () => {
  const check = finalOf('HEALTHCHECK')[0]?.args ?? '';
  const [node, flag, script] = execForm(check.replace(/^.*?CMD\s+/, ''));

  function runCheck(port: number): Promise<number | null> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [flag ?? '', script ?? ''], {
        env: { PATH: process.env.PATH ?? '', NETMON_LISTEN: `0.0.0.0:${port}` },
        stdio: 'ignore',
      });
      child.on('error', reject);
      child.on('exit', resolve);
    });
  }

  async function withServer(server: Server, status: number, test: (port: number) => Promise<void>): Promise<string[]> {
    const paths: string[] = [];
    server.on('request', (req, res) => {
      paths.push(req.url ?? '');
      res.statusCode = status;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await test((server.address() as AddressInfo).port);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    return paths;
  }

  it('is `node -e <script>`', () => {
    expect(node).toBe('node');
    expect(flag).toBe('-e');
  });

  it.each([
    [200, 0],
    [401, 0],
    [503, 1],
  ])('asks GET /healthz on the NETMON_LISTEN port: HTTP %i -> exit %i', async (status, exit) => {
    const paths = await withServer(createHttpServer(), status, async (port) => {
      expect(await runCheck(port)).toBe(exit);
    });
    expect(paths).toEqual(['/healthz']);
  });

  it('fails when nothing listens', async () => {
    const server = createHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    expect(await runCheck(port)).toBe(1);
  });

  const hasOpenssl = spawnSync('sh', ['-c', 'command -v openssl']).status === 0;
  it.skipIf(!hasOpenssl)('falls back to https when the exporter serves TLS (self-signed)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'netmon-hc-'));
    try {
      const made = spawnSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
          '-keyout',
          path.join(dir, 'key.pem'),
          '-out',
          path.join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      expect(made.status).toBe(0);
      const server = createHttpsServer({
        key: readFileSync(path.join(dir, 'key.pem')),
        cert: readFileSync(path.join(dir, 'cert.pem')),
      });
      const paths = await withServer(server, 200, async (port) => {
        expect(await runCheck(port)).toBe(0);
      });
      expect(paths).toEqual(['/healthz']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
