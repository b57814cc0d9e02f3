import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config/load.js';

/** The example files a user copies must agree with each other and with .gitignore. */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('configuration examples', () => {
  const example = JSON.parse(read('configuration/config.example.json')) as { routers: Array<{ passwordEnv?: string }> };
  const properties = read('configuration/environment.properties.example');

  it('config.example.json is valid once its password variable is set', () => {
    const env = Object.fromEntries(example.routers.flatMap((r) => (r.passwordEnv ? [[r.passwordEnv, 'secret']] : [])));
    expect(Object.keys(env).length).toBeGreaterThan(0);
    expect(buildConfig(example, 'configuration/config.example.json', env).config.routers).toHaveLength(example.routers.length);
  });

  it('names its password variable as environment.properties.example does', () => {
    const variables = new Set([...properties.matchAll(/^#?([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]));
    for (const router of example.routers) if (router.passwordEnv) expect(variables).toContain(router.passwordEnv);
  });

  it('keeps local secrets and state out of git', () => {
    const paths = [
      'configuration/config.json',
      'configuration/home.pass',
      'configuration/router.pass',
      'configuration/netmon-api.key',
      'configuration/environment.properties',
      'data/state.json',
    ];
    const ignored = execFileSync('git', ['check-ignore', '--no-index', ...paths], { cwd: ROOT, encoding: 'utf8' });
    expect(ignored.trim().split('\n')).toEqual(paths);
    // The examples themselves stay tracked.
    expect(() =>
      execFileSync('git', ['check-ignore', '--no-index', 'configuration/config.example.json'], { cwd: ROOT, stdio: 'pipe' }),
    ).toThrow();
  });
});
