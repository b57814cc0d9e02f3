import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceRecord } from '../../test/support/devices.js';
import { type RunningSimulator, sampleLan, startSimulator } from '../simulator/index.js';
import { clipToWidth, displayWidth, renderDeviceTable, terminalSafe, useColor } from './device-table.js';

const NOW = 1_800_000_000;
const ESC = '\u001b';

const devices = [
  deviceRecord({
    router: 'home',
    mac: '3C:D9:2B:00:00:09',
    ip: '192.168.88.9',
    name: 'printer',
    hostname: 'HP-1234',
    present: false,
    lastSeen: NOW - 7200,
    firstSeen: NOW - 90_000,
    lease: 'static',
    leaseStatus: 'waiting',
    watched: true,
  }),
  deviceRecord({
    router: 'home',
    mac: '00:0C:42:00:00:01',
    ip: '192.168.88.1',
    hostname: 'gateway',
    present: true,
    lastSeen: NOW - 42,
    firstSeen: NOW - 90_000,
    lease: 'dynamic',
    leaseStatus: 'bound',
    leaseExpiresAt: NOW + 600,
    interface: 'bridge',
    bridgePort: 'ether1',
  }),
  deviceRecord({
    router: 'home',
    mac: 'DA:A1:19:00:00:01',
    ip: '192.168.88.100',
    hostname: 'phone',
    present: true,
    lastSeen: NOW - 180,
    firstSeen: NOW - 200,
    conflicts: ['ip 192.168.88.100 also claimed by 00:11:22:33:44:55'],
  }),
  deviceRecord({ router: 'home', mac: '00:1B:63:00:00:01', name: 'old laptop', watched: true, present: false }),
];

describe('renderDeviceTable', () => {
  it('adds a WI-FI column (signal, its strength in words, access point) only when some device is on Wi-Fi', () => {
    const wifi = (ap: string, signalDbm: number) => ({
      ap,
      interface: 'wifi1',
      ssid: 'Home',
      band: '5ghz-ax',
      signalDbm,
      txRateBps: null,
      rxRateBps: null,
      connectedSince: null,
    });
    const table = renderDeviceTable(
      [
        deviceRecord({
          router: 'home',
          mac: 'D0:00:00:00:00:01',
          hostname: 'tablet',
          present: true,
          lastSeen: NOW - 5,
          wifi: wifi('ap-upstairs', -61),
        }),
        deviceRecord({
          router: 'home',
          mac: 'D0:00:00:00:00:02',
          hostname: 'camera',
          present: true,
          lastSeen: NOW - 5,
          wifi: wifi('ap-garage\u001b[2J', -80),
        }),
        deviceRecord({ router: 'home', mac: 'D0:00:00:00:00:03', hostname: 'nas', present: true, lastSeen: NOW - 5 }),
      ],
      { now: NOW, color: false, vendor: () => null },
    );
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^NAME +IP +MAC +VENDOR +ROUTER +PORT +WI-FI +LEASE /);
    expect(table).toContain('-80 dBm weak, ap-garage\ufffd[2J');
    expect(table).toContain('-61 dBm good, ap-upstairs');
    expect(lines.find((line) => line.startsWith('nas'))).toMatch(/^nas +D0:00:00:00:00:03 +home +none /);
  });

  it('prints the page table in plain, aligned text: present first, by name, with vendor and a summary', () => {
    expect(renderDeviceTable(devices, { now: NOW, color: false })).toBe(
      [
        'NAME               IP              MAC                VENDOR           ROUTER  PORT             LEASE                       LAST SEEN  STATE       NOTES',
        'gateway            192.168.88.1    00:0C:42:00:00:01  Routerboard.com  home    bridge · ether1  dynamic, expires in 10 min  42 s ago   present',
        'phone              192.168.88.100  DA:A1:19:00:00:01  private address  home                     none                        3 min ago  present     conflict',
        'printer (HP-1234)  192.168.88.9    3C:D9:2B:00:00:09  Hewlett Packard  home                     static, waiting             2 h ago    absent      watched',
        'old laptop                         00:1B:63:00:00:01  Apple, Inc.      home                     none                        never      never seen  watched',
        '4 devices: 2 present, 2 absent, 2 watched',
        '',
      ].join('\n'),
    );
  });

  it('colours states and dims absent rows only when asked, without breaking alignment', () => {
    const plain = renderDeviceTable(devices, { now: NOW, color: false });
    const coloured = renderDeviceTable(devices, { now: NOW, color: true });
    expect(plain).not.toContain(ESC);
    expect(coloured).toContain(`${ESC}[32mpresent   ${ESC}[0m`);
    expect(coloured).toContain(`${ESC}[31mabsent    ${ESC}[0m`);
    expect(coloured).toContain(`${ESC}[1mNAME`);
    // The absent printer's other cells are dimmed.
    expect(coloured).toContain(`${ESC}[2mprinter (HP-1234)${ESC}[0m`);
    // Same text once the escapes are gone (trailing blanks of the last column aside).
    const stripped = coloured.replace(/\u001b\[\d+m/g, '').replace(/ +\n/g, '\n');
    expect(stripped).toBe(plain);
  });

  it('never lets a hostname drive the terminal', () => {
    const hostile = deviceRecord({
      router: 'home',
      mac: '00:0C:42:00:00:02',
      hostname: `evil${ESC}]0;pwned\u0007${ESC}[2J\r\nnext\u202eline`,
      present: true,
      lastSeen: NOW,
    });
    const out = renderDeviceTable([hostile], { now: NOW, color: false });
    expect(out).not.toContain(ESC);
    expect(out).not.toContain('\r');
    expect(out).not.toContain('\u202e');
    expect(out.split('\n')).toHaveLength(4);
    expect(out).toContain('evil\ufffd]0;pwned\ufffd\ufffd[2J\ufffd\ufffdnext\ufffdline');
    expect(terminalSafe('tab\there\u0085')).toBe('tab\ufffdhere\ufffd');
  });

  it('clips long names by terminal columns, counting wide characters twice', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('📺 TV')).toBe(5);
    expect(displayWidth('Küche')).toBe(5);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(clipToWidth('x'.repeat(40), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(clipToWidth('日本語のホスト名', 7)).toBe('日本語…');
    expect(clipToWidth('short', 10)).toBe('short');
    const long = deviceRecord({
      router: 'home',
      mac: '00:0C:42:00:00:03',
      hostname: 'h'.repeat(100),
      present: true,
      lastSeen: NOW,
    });
    const firstRow = renderDeviceTable([long], { now: NOW, color: false }).split('\n')[1]!;
    expect(firstRow.startsWith(`${'h'.repeat(31)}…  `)).toBe(true);
  });

  it('takes vendor names from the lookup it is given', () => {
    const out = renderDeviceTable([devices[1]!], { now: NOW, color: false, vendor: () => 'Acme' });
    expect(out.split('\n')[1]).toContain('  Acme  ');
  });
});

describe('useColor', () => {
  it('colours a terminal only, and honours NO_COLOR, FORCE_COLOR and TERM=dumb', () => {
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor({}, {})).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(useColor({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '0' })).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
  });
});

describe('devices command against the simulator', () => {
  const ROOT = path.resolve(import.meta.dirname, '../..');
  let simulator: RunningSimulator;
  let configPath: string;

  beforeAll(async () => {
    simulator = await startSimulator({
      host: '127.0.0.1',
      port: 0,
      users: [{ name: 'monitor', password: 'pw-table' }],
      lan: sampleLan(),
    });
    configPath = path.join(mkdtempSync(path.join(tmpdir(), 'netmon-table-')), 'config.json');
    const config = {
      routers: [{ name: 'demo', host: simulator.host, port: simulator.port, user: 'monitor', password: 'pw-table' }],
    };
    writeFileSync(configPath, JSON.stringify(config), { mode: 0o600 });
  });

  afterAll(async () => {
    await simulator?.close();
  });

  const env = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: 'xterm-256color' };

  function run(command: string, args: string[]): Promise<{ code: number | null; stdout: string }> {
    return new Promise((resolve) => {
      const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.on('exit', (code) => resolve({ code, stdout }));
    });
  }

  it('prints plain text into a pipe, with every device and its vendor', async () => {
    const { code, stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'devices', '--config', configPath]);
    expect(code).toBe(0);
    expect(stdout).not.toContain(ESC);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME +IP +MAC +VENDOR +ROUTER +PORT +LEASE +LAST SEEN +STATE +NOTES$/);
    const json = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'devices', '--json', '--config', configPath]);
    const records = JSON.parse(json.stdout) as Array<{ mac: string; vendor?: unknown }>;
    // --json stays the plain device records.
    expect(records.every((record) => !('vendor' in record))).toBe(true);
    expect(lines).toHaveLength(records.length + 2);
    for (const record of records) expect(stdout).toContain(record.mac);
    expect(lines.find((line) => line.includes('00:11:32:ED:E6:61'))).toContain('Synology Incorporated');
    expect(lines.at(-1)).toMatch(new RegExp(`^${records.length} devices: \\d+ present, \\d+ absent, 0 watched$`));
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)('colours the table on a terminal (a real pty from script(1))', async () => {
    const command = `'${process.execPath}' --import tsx src/cli.ts devices --config '${configPath}'`;
    const { code, stdout } = await run('script', ['-qec', command, '/dev/null']);
    expect(code).toBe(0);
    expect(stdout).toContain(`${ESC}[1mNAME`);
    expect(stdout).toContain(`${ESC}[32mpresent`);
  });
});
