// A throwaway copy of the repository for running the shell scripts for real,
// with fake docker/npm/node first on PATH. The fakes record every call (argv,
// a few environment variables, the working directory) so tests can assert the
// scripts' decisions without a Docker engine and without a real install/build.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The files under test, copied from the real tree into every sandbox. */
const COPIED = [
  'shell/source_environment.sh',
  'shell/run.sh',
  'shell/run_docker.sh',
  'shell/build_image.sh',
  'configuration/environment.properties.example',
];

/** Variables the fakes record with each call. */
const RECORDED_ENV = [
  'ALREADY_SOURCED',
  'NETMON_ENV_FILE',
  'NETMON_CONFIG',
  'NETMON_LISTEN',
  'LOG_LEVEL',
  'DOCKER_NAME',
  'CUSTOM_FROM_FILE',
  'MALLOC_MMAP_THRESHOLD_',
];

// Field and record separators (ASCII US/RS) so arguments with spaces or
// newlines come back exactly as they were passed.
const US = '\x1f';
const RS = '\x1e';

const RECORD = `
log_call() {
  {
    printf '%s\\037' "$(basename "$0")" "$PWD" "$@"
    printf '\\035'
    for v in ${RECORDED_ENV.join(' ')}; do
      eval "isset=\\\${$v+set}"
      if [ -n "$isset" ]; then eval "printf '%s=%s\\037' \\"$v\\" \\"\\$$v\\""; fi
    done
    printf '\\036'
  } >>"$FAKE_LOG"
}
`;

/** The Dockerfile's base image tag (ARG NODE_IMAGE), and the digest the fake registry resolves it to. */
export const BASE_IMAGE = /^ARG NODE_IMAGE=(\S+)$/m.exec(readFileSync(path.join(REPO, 'Dockerfile'), 'utf8'))?.[1] ?? 'missing';
export const FAKE_BASE_DIGEST = `sha256:${'b'.repeat(64)}`;

/*
 * Fake docker with a tiny image store in $FAKE_STATE/images/<name> holding
 * "<id> <revision>", so `build` then `image inspect` behave like the real thing.
 */
const FAKE_DOCKER = `#!/bin/sh
${RECORD}
log_call "$@"
store=$FAKE_STATE/images
mkdir -p "$store"
case $1 in
  version)
    if [ "\${FAKE_DAEMON:-up}" = down ]; then
      echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2
      exit 1
    fi
    echo 28.2.2 ;;
  image)
    case $2 in
      inspect)
        format=$4; name=$5
        if [ ! -f "$store/$name" ]; then echo "Error: No such image: $name" >&2; exit 1; fi
        read -r id revision <"$store/$name"
        case $format in
          *revision*) echo "$revision" ;;
          *.Id*) echo "$id" ;;
          *RepoDigests*) echo "$revision" ;;
          *) echo "fake docker: unexpected format $format" >&2; exit 2 ;;
        esac ;;
      rm)
        if [ "\${FAKE_IMAGE_IN_USE:-}" = 1 ]; then echo "Error: image is being used" >&2; exit 1; fi ;;
    esac ;;
  build)
    if [ "\${FAKE_BUILD_FAILS:-}" = 1 ]; then echo "fake build failed" >&2; exit 1; fi
    shift
    label=; tag=
    while [ $# -gt 0 ]; do
      case $1 in
        --label) label=$2; shift ;;
        --tag | -t) tag=$2; shift ;;
      esac
      shift
    done
    n=$(ls "$FAKE_STATE" | wc -l)
    echo "sha256:new$n \${label#*=}" >"$store/$tag" ;;
  pull)
    # A pulled base image: its "revision" field holds the repo digest.
    if [ "\${FAKE_PULL_FAILS:-}" = 1 ]; then echo "Error response from daemon: network unreachable" >&2; exit 1; fi
    name=$3
    echo "sha256:base \${name%%:*}@\${FAKE_BASE_DIGEST}" >"$store/$name" ;;
  container)
    [ "$2" = inspect ] && [ -f "$FAKE_STATE/container-exists" ] || exit 1 ;;
esac
exit 0
`;

/** Fake npm: `ci` makes node_modules, `run build` makes dist/cli.js. */
const FAKE_NPM = `#!/bin/sh
${RECORD}
log_call "$@"
case $1 in
  ci) [ "\${FAKE_NPM_CI_FAILS:-}" = 1 ] && exit 1; mkdir -p node_modules ;;
  run) [ "$2" = build ] && mkdir -p dist && : >dist/cli.js ;;
esac
exit 0
`;

/** Fake node: answers the version check, records everything else. */
const FAKE_NODE = `#!/bin/sh
${RECORD}
case $1 in
  -e) exit "\${FAKE_NODE_TOO_OLD:-0}" ;;
  --version) echo v18.0.0; exit 0 ;;
esac
log_call "$@"
exit 0
`;

export interface Call {
  cmd: string;
  cwd: string;
  args: string[];
  env: Record<string, string>;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  calls: Call[];
}

export interface Sandbox {
  root: string;
  bin: string;
  state: string;
  /** HEAD of the sandbox's own git repository. */
  head: string;
  run(script: string, args?: string[], env?: Record<string, string>, opts?: { path?: string }): RunResult;
  write(rel: string, content: string): void;
  exists(rel: string): boolean;
  read(rel: string): string;
  /** Pretends `docker build` ran earlier: an image with this revision label. */
  addImage(revision: string, name?: string): void;
  addContainer(): void;
  commit(message: string): string;
  cleanup(): void;
}

export interface SandboxOptions {
  /** Make the sandbox a git repository (run_docker.sh compares its HEAD). */
  git?: boolean;
}

/** A sandbox factory for one test file: every sandbox it makes is removed after its test. */
export function sandboxesPerTest(): (options?: SandboxOptions) => Sandbox {
  let made: Sandbox[] = [];
  afterEach(() => {
    for (const s of made) s.cleanup();
    made = [];
  });
  return (options) => {
    const s = createSandbox(options);
    made.push(s);
    return s;
  };
}

const GIT_ID = ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false'];

export function createSandbox(options: SandboxOptions = {}): Sandbox {
  const base = mkdtempSync(path.join(tmpdir(), 'netmon-shell-'));
  const root = path.join(base, 'repo');
  const bin = path.join(base, 'bin');
  const state = path.join(base, 'state');
  const log = path.join(base, 'calls.log');
  for (const dir of [root, bin, state]) mkdirSync(dir, { recursive: true });

  for (const rel of COPIED) {
    // A script missing from the tree fails its own tests at spawn time.
    if (!existsSync(path.join(REPO, rel))) continue;
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    copyFileSync(path.join(REPO, rel), path.join(root, rel));
  }
  // Stand-ins for the rest of the tree: the scripts only hash, date and mount them.
  const fixtures: Record<string, string> = {
    'package.json': '{"name":"network-monitor","type":"module"}\n',
    'package-lock.json': '{"lockfileVersion":3,"packages":{}}\n',
    'tsconfig.json': '{}\n',
    'tsconfig.build.json': '{}\n',
    'tsconfig.page.json': '{}\n',
    'src/cli.ts': 'export {};\n',
    // build_image.sh reads the base image from the real ARG NODE_IMAGE line.
    Dockerfile: `ARG NODE_IMAGE=${BASE_IMAGE}\nFROM \${NODE_IMAGE}\n`,
    '.gitignore': 'node_modules/\ndist/\ndata/\nconfiguration/config.json\nconfiguration/environment.properties\n',
  };
  for (const [rel, content] of Object.entries(fixtures)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }

  for (const [name, text] of [
    ['docker', FAKE_DOCKER],
    ['npm', FAKE_NPM],
    ['node', FAKE_NODE],
  ] as const) {
    writeFileSync(path.join(bin, name), text);
    chmodSync(path.join(bin, name), 0o755);
  }

  const git = (...args: string[]): string => execFileSync('git', [...GIT_ID, ...args], { cwd: root, encoding: 'utf8' }).trim();
  let head = '';
  if (options.git) {
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'fixture');
    head = git('rev-parse', 'HEAD');
  }

  const sandbox: Sandbox = {
    root,
    bin,
    state,
    get head() {
      return head;
    },
    run(script, args = [], env = {}, opts = {}) {
      rmSync(log, { force: true });
      const result = spawnSync(path.join(root, 'shell', script), args, {
        cwd: base,
        encoding: 'utf8',
        timeout: 20_000,
        // A clean environment: nothing from the test runner (ALREADY_SOURCED,
        // LOG_LEVEL, ...) may leak into the decisions under test.
        env: {
          PATH: opts.path ?? `${bin}:/usr/bin:/bin`,
          HOME: base,
          LANG: 'C',
          FAKE_LOG: log,
          FAKE_STATE: state,
          FAKE_BASE_DIGEST,
          ...env,
        },
      });
      if (result.error) throw result.error;
      return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls: readCalls(log) };
    },
    write(rel, content) {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), content);
    },
    exists: (rel) => existsSync(path.join(root, rel)),
    read: (rel) => readFileSync(path.join(root, rel), 'utf8'),
    addImage(revision, name = 'network-monitor') {
      mkdirSync(path.join(state, 'images'), { recursive: true });
      writeFileSync(path.join(state, 'images', name), `sha256:old ${revision}\n`);
    },
    addContainer() {
      writeFileSync(path.join(state, 'container-exists'), '');
    },
    commit(message) {
      writeFileSync(path.join(root, 'src', 'cli.ts'), `export {}; // ${message}\n`);
      git('commit', '-q', '-a', '-m', message);
      head = git('rev-parse', 'HEAD');
      return head;
    },
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
  return sandbox;
}

function readCalls(log: string): Call[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split(RS)
    .filter((record) => record !== '')
    .map((record) => {
      const [argPart = '', envPart = ''] = record.split('\x1d');
      const [cmd = '', cwd = '', ...args] = argPart.split(US).slice(0, -1);
      const env: Record<string, string> = {};
      for (const pair of envPart.split(US).slice(0, -1)) {
        const eq = pair.indexOf('=');
        env[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      return { cmd, cwd, args, env };
    });
}

/**
 * A PATH holding only the named host tools (symlinked), to prove a script's
 * behaviour when something like docker or node is absent even on machines
 * where it is installed.
 */
export function restrictedPath(dir: string, tools: string[]): string {
  mkdirSync(dir, { recursive: true });
  for (const tool of tools) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (!found) throw new Error(`host tool ${tool} not found`);
    symlinkSync(found, path.join(dir, tool));
  }
  return dir;
}

/** The argv after `docker run`, or undefined when the script never ran it. */
export function dockerRun(calls: Call[]): string[] | undefined {
  return calls.find((c) => c.cmd === 'docker' && c.args[0] === 'run')?.args.slice(1);
}

export function dockerBuilds(calls: Call[]): Call[] {
  return calls.filter((c) => c.cmd === 'docker' && c.args[0] === 'build');
}

/** The value after a flag, for every occurrence (e.g. all `-e`). */
export function flagValues(argv: string[], flag: string): string[] {
  const values: string[] = [];
  argv.forEach((arg, i) => {
    const next = argv[i + 1];
    if (arg === flag && next !== undefined) values.push(next);
  });
  return values;
}
