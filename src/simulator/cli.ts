#!/usr/bin/env node
/**
 * The RouterOS API simulator on its own, for trying the exporter's setup
 * without a router: `npm run simulator -- --port 18728 --user netmon
 * --password-file configuration/home.pass`, then a config pointing at it.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateLan, sampleLan, startSimulator } from './index.js';

const USAGE = `Usage: node dist/simulator/cli.js [options]     (or: npm run simulator -- [options])

Serves the RouterOS API (the real wire protocol) with a simulated LAN, for trying
network-monitor without a router.

Options:
  --host ADDRESS          listen address (default 127.0.0.1)
  --port PORT             listen port (default 8728; 0 picks a free one)
  --user NAME             API user (default netmon)
  --password TEXT         its password
  --password-file FILE    or read it from a file (one trailing newline dropped)
  --devices N             a generated LAN of N devices instead of the sample home network
  --animate               let devices age, leave and come back, as in serve --demo
  -h, --help              show this help
`;

function fail(message: string): never {
  process.stderr.write(`simulator: ${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse().values;
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = Number(values.port ?? 8728);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a whole number from 0 to 65535`);
  let password = values.password;
  if (values['password-file'] !== undefined) {
    try {
      password = readFileSync(values['password-file'], 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      fail(`cannot read ${values['password-file']}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
  }
  if (password === undefined) fail('give the API password with --password or --password-file');
  const devices = values.devices === undefined ? undefined : Number(values.devices);
  if (devices !== undefined && !(Number.isInteger(devices) && devices > 0)) fail('--devices must be a positive whole number');
  const user = values.user ?? 'netmon';
  const lan = devices === undefined ? sampleLan() : generateLan({ devices });
  const simulator = await startSimulator({
    host: values.host ?? '127.0.0.1',
    port,
    users: [{ name: user, password }],
    lan,
    animate: values.animate,
  });
  const what = devices === undefined ? 'the sample home network' : `a generated LAN of ${devices} devices`;
  process.stdout.write(
    `RouterOS API simulator listening on ${simulator.host}:${simulator.port} (user ${user}, ${what}); Ctrl-C stops it\n`,
  );
  const stop = () => {
    void simulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function parse() {
  return parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string' },
      'password-file': { type: 'string' },
      devices: { type: 'string' },
      animate: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

await main();
