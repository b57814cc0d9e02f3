#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { VERSION } from './version.js';

const USAGE = `network-monitor ${VERSION}: Prometheus exporter for LAN devices behind MikroTik RouterOS routers

Usage:
  network-monitor serve [--config FILE] [--demo]   poll routers and serve /metrics
  network-monitor devices [--config FILE] [--json] [--demo]
                                                   poll every router once and print its devices
  network-monitor check-config [--config FILE]     validate a configuration file
  network-monitor --help | --version

Options:
  -c, --config FILE  configuration file (default: $NETMON_CONFIG, then configuration/config.json)
      --demo         use a simulated router with a sample home network (no router or config needed)
      --json         print devices as JSON
  -h, --help         show this help
  -V, --version      print the version

Environment: NETMON_CONFIG, NETMON_LISTEN (host:port), LOG_LEVEL.
`;

function parseCommandLine(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string', short: 'c' },
      demo: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', short: 'V', default: false },
    },
  });
}

export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    process.stderr.write(`network-monitor: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  if (rest.length > 0) {
    process.stderr.write(`network-monitor: unexpected argument ${rest[0]}\n`);
    return 2;
  }
  switch (command) {
    case 'serve': {
      const { serveCommand } = await import('./commands/serve.js');
      return serveCommand({ configPath: values.config, demo: values.demo });
    }
    case 'devices': {
      const { devicesCommand } = await import('./commands/devices.js');
      return devicesCommand({ configPath: values.config, json: values.json, demo: values.demo });
    }
    case 'check-config': {
      const { checkConfigCommand } = await import('./commands/check-config.js');
      return checkConfigCommand({ configPath: values.config });
    }
    default:
      process.stderr.write(`network-monitor: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // serve keeps the process alive itself and exits on a signal; other commands end here.
    if (code !== -1) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`network-monitor: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
