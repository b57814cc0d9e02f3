import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLLED_TABLES } from '../../src/routeros/session.js';
import { createWireTransport } from '../../src/routeros/wire-transport.js';
import { type RunningSimulator, sampleGatewayLan, startSimulator } from '../../src/simulator/index.js';
import { codeBlocks } from './markdown.js';

/**
 * The RouterOS commands in docs/routeros.md and the README are checked against
 * the names the RouterOS manual uses, so a user never pastes a policy or a
 * service the router does not know. Each list below is copied from the page
 * the document cites:
 *
 * - Policies: https://help.mikrotik.com/docs/display/ROS/User ("User Groups",
 *   property `policy`; `rest-api` exists since RouterOS 7.1).
 * - Services and their properties: https://help.mikrotik.com/docs/display/ROS/Services
 *   ("It is not possible to add new services, only existing service
 *   modifications are allowed").
 * - Certificate commands and key usages: https://help.mikrotik.com/docs/display/ROS/Certificates
 * - Firewall filter properties: https://help.mikrotik.com/docs/display/ROS/Filter
 */
const POLICIES = new Set([
  'local',
  'telnet',
  'ssh',
  'ftp',
  'reboot',
  'read',
  'write',
  'policy',
  'test',
  'winbox',
  'password',
  'web',
  'sniff',
  'sensitive',
  'api',
  'romon',
  'rest-api',
]);
const SERVICES = new Set(['telnet', 'ftp', 'www', 'ssh', 'www-ssl', 'api', 'winbox', 'api-ssl']);
const KEY_USAGES = new Set([
  'code-sign',
  'crl-sign',
  'decipher-only',
  'dvcs',
  'encipher-only',
  'key-cert-sign',
  'ocsp-sign',
  'tls-client',
  'content-commitment',
  'data-encipherment',
  'digital-signature',
  'email-protect',
  'key-agreement',
  'key-encipherment',
  'timestamp',
  'tls-server',
]);

/** Command (menu and verb) -> the properties it takes, and whether it names an item first. */
const COMMANDS: Record<string, { item: boolean; properties: ReadonlySet<string> }> = {
  '/user group add': { item: false, properties: new Set(['name', 'policy', 'skin', 'comment']) },
  '/user add': { item: false, properties: new Set(['name', 'group', 'address', 'password', 'comment', 'disabled']) },
  '/ip service set': { item: true, properties: new Set(['address', 'certificate', 'port', 'disabled', 'tls-version', 'vrf']) },
  '/certificate add': {
    item: false,
    properties: new Set([
      'name',
      'common-name',
      'subject-alt-name',
      'key-usage',
      'days-valid',
      'key-size',
      'country',
      'organization',
    ]),
  },
  '/certificate sign': { item: true, properties: new Set(['ca', 'name', 'ca-crl-host']) },
  '/certificate import': { item: false, properties: new Set(['file-name', 'passphrase', 'name', 'trusted']) },
  '/certificate export-certificate': { item: true, properties: new Set(['file-name', 'export-passphrase', 'type']) },
  '/ip firewall filter add': {
    item: false,
    properties: new Set([
      'chain',
      'action',
      'protocol',
      'dst-port',
      'src-address',
      'src-address-list',
      'in-interface',
      'comment',
      'place-before',
    ]),
  },
};

interface Command {
  source: string;
  command: string;
  item: string | null;
  properties: Map<string, string>;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ROUTEROS_DOC = readFileSync(path.join(ROOT, 'docs/routeros.md'), 'utf8');

/** `a b="c d" e=f` -> words, quotes removed. */
function words(line: string): string[] {
  return [...line.matchAll(/(?:[^\s"]+|"[^"]*")+/g)].map((match) => match[0].replace(/"/g, ''));
}

function parseCommands(document: string, source: string): Command[] {
  const commands: Command[] = [];
  for (const block of codeBlocks(document, 'routeros')) {
    for (const line of block.split('\n')) {
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      const tokens = words(line.trim());
      const key = Object.keys(COMMANDS)
        .filter((candidate) => tokens.slice(0, candidate.split(' ').length).join(' ') === candidate)
        .sort((a, b) => b.length - a.length)[0];
      if (key === undefined) throw new Error(`${source}: a command this test does not know (add it with its source): ${line}`);
      const rest = tokens.slice(key.split(' ').length);
      const item = COMMANDS[key]!.item && rest[0] !== undefined && !rest[0].includes('=') ? rest.shift()! : null;
      const properties = new Map<string, string>();
      for (const token of rest) {
        const at = token.indexOf('=');
        if (at <= 0) throw new Error(`${source}: "${token}" is not property=value in: ${line}`);
        properties.set(token.slice(0, at), token.slice(at + 1));
      }
      commands.push({ source, command: key, item, properties });
    }
  }
  return commands;
}

function isPrefix(value: string): boolean {
  const [address, bits, extra] = value.split('/');
  if (extra !== undefined || address === undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  return /^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

const COMMANDS_IN_DOCS = [
  ...parseCommands(ROUTEROS_DOC, 'docs/routeros.md'),
  ...parseCommands(readFileSync(path.join(ROOT, 'README.md'), 'utf8'), 'README.md'),
];

describe('RouterOS commands in the documentation', () => {
  it('finds the setup commands in both documents', () => {
    const used = new Set(COMMANDS_IN_DOCS.map((c) => `${c.source}: ${c.command}`));
    for (const source of ['docs/routeros.md', 'README.md']) {
      for (const command of ['/user group add', '/user add', '/ip service set']) expect(used).toContain(`${source}: ${command}`);
    }
  });

  it('use only properties the manual lists for each command', () => {
    for (const command of COMMANDS_IN_DOCS) {
      const unknown = [...command.properties.keys()].filter((key) => !COMMANDS[command.command]!.properties.has(key));
      expect({ command: `${command.source}: ${command.command}`, unknown }).toEqual({
        command: `${command.source}: ${command.command}`,
        unknown: [],
      });
    }
  });

  it('give the exporter group exactly read and api, both real policy names', () => {
    const groups = COMMANDS_IN_DOCS.filter((c) => c.command === '/user group add');
    for (const group of groups) {
      const policies = (group.properties.get('policy') ?? '').split(',');
      expect(policies.filter((policy) => !POLICIES.has(policy.replace(/^!/, '')))).toEqual([]);
      expect(policies.sort()).toEqual(['api', 'read']);
    }
    // The user is put in that group.
    const groupNames = new Set(groups.map((g) => g.properties.get('name')));
    for (const user of COMMANDS_IN_DOCS.filter((c) => c.command === '/user add')) {
      expect(groupNames).toContain(user.properties.get('group'));
      expect(isPrefix(user.properties.get('address') ?? '')).toBe(true);
    }
  });

  it('set only existing services, restricted to an address prefix', () => {
    const services = COMMANDS_IN_DOCS.filter((c) => c.command === '/ip service set');
    expect(new Set(services.map((s) => s.item))).toEqual(new Set(['api', 'api-ssl']));
    for (const service of services) {
      expect(SERVICES.has(service.item ?? '')).toBe(true);
      if (service.properties.get('disabled') === 'no') {
        const address = service.properties.get('address') ?? '';
        expect(address.split(',').every(isPrefix)).toBe(true);
      }
      expect(['yes', 'no', undefined]).toContain(service.properties.get('disabled'));
    }
  });

  it('sign certificates for TLS with key usages the manual lists, and point api-ssl at one', () => {
    const added = COMMANDS_IN_DOCS.filter((c) => c.command === '/certificate add');
    for (const certificate of added) {
      const usages = certificate.properties.get('key-usage')?.split(',') ?? [];
      expect(usages.filter((usage) => !KEY_USAGES.has(usage))).toEqual([]);
    }
    const names = new Set(added.map((c) => c.properties.get('name')));
    for (const sign of COMMANDS_IN_DOCS.filter((c) => c.command === '/certificate sign')) {
      expect(names).toContain(sign.item);
      if (sign.properties.has('ca')) expect(names).toContain(sign.properties.get('ca'));
    }
    const apiSsl = COMMANDS_IN_DOCS.find((c) => c.command === '/ip service set' && c.item === 'api-ssl');
    expect(names).toContain(apiSsl?.properties.get('certificate'));
  });

  it('cites the manual page of every kind of command', () => {
    for (const page of ['ROS/User', 'ROS/Services', 'ROS/Certificates', 'ROS/Filter', 'ROS/API']) {
      expect(ROUTEROS_DOC).toContain(`https://help.mikrotik.com/docs/display/${page})`);
    }
  });
});

describe('the per-source table of docs/routeros.md', () => {
  const rows = ROUTEROS_DOC.split('\n')
    .map((line) => /^\| [^|]+ \| `(\/[^`]+)` \| ([^|]+) \|/.exec(line))
    .filter((match) => match !== null)
    .map((match) => ({ menu: match[1]!, policies: match[2]!.replace(/`/g, '').trim() }));

  let simulator: RunningSimulator;
  beforeAll(async () => {
    // A router with every menu the table names, the optional device-depth ones included.
    const lan = {
      ...sampleGatewayLan(),
      wifiRegistrations: [],
      wifiwave2Registrations: [],
      wirelessRegistrations: [],
      capsmanRegistrations: [],
    };
    simulator = await startSimulator({ users: [{ name: 'netmon', password: 'doc-check' }], lan });
  });
  afterAll(async () => {
    await simulator?.close();
  });

  it('lists every table a poll reads, each with real policy names', () => {
    const menus = new Set(rows.map((row) => row.menu));
    for (const table of POLLED_TABLES) expect(menus).toContain(table.path);
    for (const row of rows) {
      expect(
        row.policies
          .split(',')
          .map((policy) => policy.trim())
          .filter((policy) => !POLICIES.has(policy)),
      ).toEqual([]);
    }
  });

  it('names menus the simulator (speaking the real protocol) serves', async () => {
    const transport = createWireTransport({
      host: simulator.host,
      port: simulator.port,
      user: 'netmon',
      password: 'doc-check',
      tls: null,
      connectTimeoutSeconds: 5,
    });
    await transport.connect();
    try {
      for (const row of rows) {
        await expect(transport.print(row.menu, ['.id']), row.menu).resolves.toBeInstanceOf(Array);
      }
    } finally {
      await transport.close();
    }
  });
});
