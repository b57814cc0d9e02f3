import { createHash } from 'node:crypto';
import { RouterOSAPI } from 'node-routeros';
import { describe, expect, it } from 'vitest';
import { generateLan, type LanData, md5Response, sampleLan } from './index.js';
import { useSimulatorHarness } from './testing/harness.js';
import { sampleLanWithHostileNames } from './testing/hostile-names.js';
import type { SentenceOf } from './testing/raw-client.js';

const { sim, client } = useSimulatorHarness();

function tinyLan(): LanData {
  return {
    system: {
      identity: 'r1',
      boardName: 'RB5009UG+S+',
      architectureName: 'arm64',
      cpu: 'ARM64',
      cpuCount: 4,
      cpuFrequency: 1400,
      totalMemory: 1073741824,
      totalHddSpace: 1073741824,
      uptimeSeconds: 3600,
    },
    leases: [
      {
        id: '*1A',
        address: '192.168.88.10',
        macAddress: 'AA:BB:CC:00:00:01',
        server: 'defconf',
        status: 'bound',
        dynamic: true,
        hostName: 'laptop',
        lastSeen: 65,
        expiresAfter: 589,
      },
      {
        id: '*1B',
        address: '192.168.88.11',
        macAddress: 'AA:BB:CC:00:00:02',
        server: 'defconf',
        status: 'waiting',
        dynamic: false,
        comment: 'printer',
        lastSeen: null,
      },
      {
        id: '*1C',
        address: '192.168.88.12',
        macAddress: '02:BB:CC:00:00:03',
        server: 'guest',
        status: 'bound',
        dynamic: true,
        lastSeen: 788645,
        expiresAfter: 30,
      },
    ],
    arp: [
      {
        id: '*5',
        address: '192.168.88.10',
        macAddress: 'AA:BB:CC:00:00:01',
        interface: 'bridge',
        dynamic: true,
        status: 'stale',
        dhcp: true,
      },
      { id: '*6', address: '192.168.88.99', macAddress: null, interface: 'bridge', dynamic: true, status: 'failed' },
    ],
    bridgeHosts: [
      { id: '*9', macAddress: 'AA:BB:CC:00:00:01', bridge: 'bridge', interface: 'ether2', dynamic: true },
      { id: '*A', macAddress: '48:8F:5A:00:00:01', bridge: 'bridge', interface: 'bridge', dynamic: false, local: true },
    ],
  };
}

const types = (sentences: SentenceOf[]): string[] => sentences.map((s) => s.text[0]!);
const attr = (s: SentenceOf, name: string): string | undefined =>
  s.text.find((w) => w.startsWith(`=${name}=`))?.slice(name.length + 2);

describe('login', () => {
  it('plain login answers exactly !done', async () => {
    const s = await sim();
    const c = await client(s, false);
    c.send(['/login', '=name=monitor', '=password=secret']);
    await c.readSentence();
    expect(c.allBytes().toString('hex')).toBe(`05${Buffer.from('!done').toString('hex')}00`);
    expect(s.stats.logins).toBe(1);
  });

  it('refuses a wrong password with the RouterOS message', async () => {
    const s = await sim();
    const c = await client(s, false);
    const reply = await c.login('monitor', 'wrong');
    expect(reply.map((r) => r.text)).toEqual([['!trap', '=message=invalid user name or password (6)'], ['!done']]);
    expect(s.stats.loginFailures).toBe(1);
    expect(s.stats.logins).toBe(0);
  });

  it('closes a session that sends commands before logging in', async () => {
    const s = await sim();
    const c = await client(s, false);
    c.send(['/ip/arp/print']);
    expect((await c.readSentence()).text).toEqual(['!fatal', 'not logged in']);
    await c.closed;
  });

  it('md5 login: challenge, then the response a pre-6.43 router expects', async () => {
    const s = await sim({ login: 'md5' });
    const c = await client(s, false);
    const [challenge] = await c.command(['/login']);
    const ret = attr(challenge!, 'ret')!;
    expect(ret).toMatch(/^[0-9a-f]{32}$/);
    // Computed here independently of the simulator's helper.
    const digest = createHash('md5')
      .update(Buffer.concat([Buffer.from([0]), Buffer.from('secret'), Buffer.from(ret, 'hex')]))
      .digest('hex');
    const reply = await c.command(['/login', '=name=monitor', `=response=00${digest}`]);
    expect(types(reply)).toEqual(['!done']);
    expect(s.stats.logins).toBe(1);
  });

  it('md5 login refuses a wrong response', async () => {
    const s = await sim({ login: 'md5' });
    const c = await client(s, false);
    await c.command(['/login']);
    const reply = await c.command(['/login', '=name=monitor', `=response=00${'0'.repeat(32)}`]);
    expect(reply.map((r) => r.text)).toEqual([['!trap', '=message=cannot log in'], ['!done']]);
  });

  it('md5Response matches a hand-computed vector', () => {
    // python: '00' + md5(b'\x00' + b'secret' + bytes.fromhex('00112233445566778899aabbccddeeff')).hexdigest()
    expect(md5Response('secret', Buffer.from('00112233445566778899aabbccddeeff', 'hex'))).toBe(
      '00c17511d224a5e93170632807d36388aa',
    );
  });

  it.each(['plain', 'md5'] as const)('node-routeros logs in (%s) and prints', async (login) => {
    const s = await sim({ login, lan: tinyLan() });
    const api = new RouterOSAPI({ host: '127.0.0.1', port: s.port, user: 'monitor', password: 'secret', timeout: 5 });
    await api.connect();
    try {
      const rows = await api.write('/ip/dhcp-server/lease/print', ['=.proplist=mac-address,status']);
      expect(rows).toEqual([
        { 'mac-address': 'AA:BB:CC:00:00:01', status: 'bound' },
        { 'mac-address': 'AA:BB:CC:00:00:02', status: 'waiting' },
        { 'mac-address': '02:BB:CC:00:00:03', status: 'bound' },
      ]);
    } finally {
      await api.close();
    }
  });
});

describe('prints', () => {
  it('identity print, byte for byte', async () => {
    const s = await sim({ lan: tinyLan() });
    const c = await client(s);
    const before = c.allBytes().length;
    await c.command(['/system/identity/print']);
    const expected = Buffer.concat([
      Buffer.from([3]),
      Buffer.from('!re'),
      Buffer.from([8]),
      Buffer.from('=name=r1'),
      Buffer.from([0]),
      Buffer.from([5]),
      Buffer.from('!done'),
      Buffer.from([0]),
    ]);
    expect(c.allBytes().subarray(before).toString('hex')).toBe(expected.toString('hex'));
  });

  it('lease rows look like RouterOS 7', async () => {
    const s = await sim({ lan: tinyLan() });
    const c = await client(s);
    const reply = await c.command(['/ip/dhcp-server/lease/print']);
    expect(types(reply)).toEqual(['!re', '!re', '!re', '!done']);
    expect(reply[0]!.text).toEqual([
      '!re',
      '=.id=*1A',
      '=address=192.168.88.10',
      '=mac-address=AA:BB:CC:00:00:01',
      '=address-lists=',
      '=server=defconf',
      '=dhcp-option=',
      '=status=bound',
      '=expires-after=9m49s',
      '=last-seen=1m5s',
      '=active-address=192.168.88.10',
      '=active-mac-address=AA:BB:CC:00:00:01',
      '=active-server=defconf',
      '=host-name=laptop',
      '=radius=false',
      '=dynamic=true',
      '=blocked=false',
      '=disabled=false',
    ]);
    expect(attr(reply[1]!, 'last-seen')).toBe('never');
    expect(attr(reply[1]!, 'expires-after')).toBeUndefined();
    expect(attr(reply[1]!, 'comment')).toBe('printer');
    expect(attr(reply[2]!, 'last-seen')).toBe('1w2d3h4m5s');
  });

  it('ARP rows: status from 7.14, DHCP flag, no mac-address when unresolved', async () => {
    const s = await sim({ lan: tinyLan() });
    const c = await client(s);
    const reply = await c.command(['/ip/arp/print']);
    expect(reply[0]!.text).toEqual([
      '!re',
      '=.id=*5',
      '=address=192.168.88.10',
      '=mac-address=AA:BB:CC:00:00:01',
      '=interface=bridge',
      '=published=false',
      '=status=stale',
      '=invalid=false',
      '=DHCP=true',
      '=dynamic=true',
      '=complete=true',
      '=disabled=false',
    ]);
    expect(attr(reply[1]!, 'mac-address')).toBeUndefined();
    expect(attr(reply[1]!, 'status')).toBe('failed');
    expect(attr(reply[1]!, 'complete')).toBe('false');
  });

  it('pre-7.14 ARP has no status but still has complete; version follows the profile', async () => {
    const s = await sim({ lan: tinyLan(), versionProfile: 'pre-7.14' });
    const c = await client(s);
    const arp = await c.command(['/ip/arp/print']);
    expect(arp[0]!.text.some((w) => w.startsWith('=status='))).toBe(false);
    expect(attr(arp[0]!, 'complete')).toBe('true');
    const res = await c.command(['/system/resource/print', '=.proplist=version,board-name,uptime']);
    expect(res[0]!.text).toEqual([
      '!re',
      '=version=7.12.1 (stable)',
      '=board-name=RB5009UG+S+',
      expect.stringMatching(/^=uptime=1h(\d+s)?$/),
    ]);
  });

  it('bridge hosts carry interface, bridge and the local flag', async () => {
    const s = await sim({ lan: tinyLan() });
    const c = await client(s);
    const reply = await c.command(['/interface/bridge/host/print', '=.proplist=mac-address,interface,bridge,local,dynamic']);
    expect(reply.map((r) => r.text)).toEqual([
      ['!re', '=mac-address=AA:BB:CC:00:00:01', '=interface=ether2', '=bridge=bridge', '=local=false', '=dynamic=true'],
      ['!re', '=mac-address=48:8F:5A:00:00:01', '=interface=bridge', '=bridge=bridge', '=local=true', '=dynamic=false'],
      ['!done'],
    ]);
  });

  it('.proplist returns only those attributes, in the requested order, skipping absent ones', async () => {
    const s = await sim({ lan: tinyLan() });
    const c = await client(s);
    const reply = await c.command(['/ip/dhcp-server/lease/print', '=.proplist=host-name,.id,comment,address']);
    expect(reply.map((r) => r.text)).toEqual([
      ['!re', '=host-name=laptop', '=.id=*1A', '=address=192.168.88.10'],
      ['!re', '=.id=*1B', '=comment=printer', '=address=192.168.88.11'],
      ['!re', '=.id=*1C', '=address=192.168.88.12'],
      ['!done'],
    ]);
    const call = s.stats.commandsFor('/ip/dhcp-server/lease/print')[0]!;
    expect(call.words).toContain('=.proplist=host-name,.id,comment,address');
  });

  it('echoes .tag on every sentence, right after the reply word', async () => {
    const s = await sim({ lan: tinyLan() });
    const c = await client(s);
    c.send(['/ip/arp/print', '.tag=a1', '=.proplist=address']);
    c.send(['/system/identity/print', '.tag=b2']);
    const a = await c.untilDone('a1');
    const b = await c.untilDone('b2');
    expect(a.map((r) => r.text)).toEqual([
      ['!re', '.tag=a1', '=address=192.168.88.10'],
      ['!re', '.tag=a1', '=address=192.168.88.99'],
      ['!done', '.tag=a1'],
    ]);
    expect(b.map((r) => r.text)).toEqual([
      ['!re', '.tag=b2', '=name=r1'],
      ['!done', '.tag=b2'],
    ]);
  });

  it('unknown menus trap with "no such command prefix" then !done', async () => {
    const s = await sim();
    const c = await client(s);
    const reply = await c.command(['/ip/hotspot/active/print', '.tag=7']);
    expect(reply.map((r) => r.text)).toEqual([
      ['!trap', '.tag=7', '=message=no such command prefix'],
      ['!done', '.tag=7'],
    ]);
  });

  it('count-only answers !done =ret=N', async () => {
    const s = await sim({ lan: tinyLan() });
    const c = await client(s);
    const reply = await c.command(['/ip/dhcp-server/lease/print', '=count-only=', '?status=bound']);
    expect(reply.map((r) => r.text)).toEqual([['!done', '=ret=2']]);
  });

  it('/quit ends the session with !fatal and closes', async () => {
    const s = await sim();
    const c = await client(s);
    c.send(['/quit']);
    expect((await c.readSentence()).text).toEqual(['!fatal', 'session terminated on request']);
    await c.closed;
    await expect.poll(() => s.stats.connectionsOpen).toBe(0);
  });

  it('sends host names as raw bytes: invalid UTF-8, NUL, quotes, newline, 64 kB', async () => {
    const lan = tinyLan();
    const weird = Buffer.from([0x66, 0xff, 0xc3, 0x28, 0x00, 0x22, 0x5c, 0x0a, 0x7d]);
    lan.leases[0]!.hostName = weird;
    lan.leases[1]!.hostName = 'x'.repeat(65536);
    const s = await sim({ lan });
    const c = await client(s);
    const reply = await c.command(['/ip/dhcp-server/lease/print', '=.proplist=host-name']);
    expect(reply[0]!.words[1]!.equals(Buffer.concat([Buffer.from('=host-name='), weird]))).toBe(true);
    expect(reply[1]!.words[1]!.length).toBe(65536 + 11);
  });
});

describe('text encoding', () => {
  it('sends non-ASCII strings as UTF-8 (and keeps the length prefix right)', async () => {
    const lan = tinyLan();
    lan.leases[0]!.hostName = 'Küche 📺';
    lan.leases[1]!.comment = 'é'.repeat(100); // 200 bytes: 2-byte prefix though only 100 characters
    const s = await sim({ lan });
    const c = await client(s);
    const reply = await c.command(['/ip/dhcp-server/lease/print', '=.proplist=host-name,comment']);
    expect(reply[0]!.words[1]!.equals(Buffer.from('=host-name=Küche 📺', 'utf8'))).toBe(true);
    expect(reply[1]!.text[1]).toBe(`=comment=${'é'.repeat(100)}`);
  });
});

describe('length prefixes on the wire', () => {
  async function hostNameWordBytes(length: number): Promise<Buffer> {
    const lan = tinyLan();
    lan.leases = [{ ...lan.leases[0]!, hostName: 'h'.repeat(length) }];
    const s = await sim({ lan });
    const c = await client(s);
    const before = c.allBytes().length;
    await c.command(['/ip/dhcp-server/lease/print', '=.proplist=host-name'], 10_000);
    return c.allBytes().subarray(before);
  }

  it.each([
    [200, '80d3'], // 211-byte word: 2-byte prefix
    [20000, 'c04e2b'], // 20011: 3-byte prefix
    [3_000_000, 'e02dc6cb'], // 3000011: 4-byte prefix
  ])('host name of %i bytes -> prefix %s', async (length, prefix) => {
    const bytes = await hostNameWordBytes(length);
    // "!re" word, then the attribute word's prefix.
    expect(bytes.subarray(0, 4).toString('hex')).toBe(`03${Buffer.from('!re').toString('hex')}`);
    const p = bytes.subarray(4, 4 + prefix.length / 2).toString('hex');
    expect(p).toBe(prefix);
    const word = bytes.subarray(4 + prefix.length / 2, 4 + prefix.length / 2 + 11);
    expect(word.toString()).toBe('=host-name=');
  });
});

describe('queries', () => {
  async function macs(words: string[]): Promise<string[]> {
    const s = await sim({ lan: tinyLan() });
    const c = await client(s);
    const reply = await c.command(['/ip/dhcp-server/lease/print', '=.proplist=mac-address', ...words]);
    return reply.filter((r) => r.text[0] === '!re').map((r) => attr(r, 'mac-address')!);
  }
  const M1 = 'AA:BB:CC:00:00:01';
  const M2 = 'AA:BB:CC:00:00:02';
  const M3 = '02:BB:CC:00:00:03';

  it('?attr=value and ?=attr=value', async () => {
    expect(await macs(['?status=bound'])).toEqual([M1, M3]);
    expect(await macs(['?=server=guest'])).toEqual([M3]);
  });
  it('?attr (has) and ?-attr (lacks)', async () => {
    expect(await macs(['?host-name'])).toEqual([M1]);
    expect(await macs(['?-host-name'])).toEqual([M2, M3]);
  });
  it('?#| ORs the top two', async () => {
    expect(await macs(['?server=guest', '?status=waiting', '?#|'])).toEqual([M2, M3]);
  });
  it('?#! negates, ?#& ANDs', async () => {
    expect(await macs(['?status=bound', '?#!'])).toEqual([M2]);
    expect(await macs(['?status=bound', '?dynamic=true', '?server=guest', '?#!', '?#&', '?#&'])).toEqual([M1]);
  });
  it('several values left on the stack are ANDed', async () => {
    expect(await macs(['?status=bound', '?server=defconf'])).toEqual([M1]);
  });
  it('?< and ?> compare numbers numerically', async () => {
    const s = await sim({ lan: tinyLan() });
    const c = await client(s);
    const reply = await c.command(['/system/resource/print', '=.proplist=cpu-count', '?>cpu-count=3']);
    expect(types(reply)).toEqual(['!re', '!done']);
    const none = await c.command(['/system/resource/print', '?<cpu-count=3']);
    expect(types(none)).toEqual(['!empty', '!done']);
  });
});

describe('!empty (RouterOS 7.18) and older behaviour', () => {
  it.each([
    [{}, ['!empty', '!done']],
    [{ versionProfile: '7.14-7.17' as const }, ['!done']],
    [{ versionProfile: 'pre-7.14' as const }, ['!done']],
    [{ emptyReplies: false }, ['!done']],
    [{ versionProfile: 'pre-7.14' as const, emptyReplies: true }, ['!empty', '!done']],
  ])('%o -> %o', async (options, expected) => {
    const s = await sim({ lan: tinyLan(), ...options });
    const c = await client(s);
    expect(types(await c.command(['/ip/arp/print', '?address=10.9.9.9']))).toEqual(expected);
  });

  it('tags !empty too', async () => {
    const s = await sim({ lan: { ...tinyLan(), arp: [] } });
    const c = await client(s);
    c.send(['/ip/arp/print', '.tag=5']);
    expect((await c.untilDone('5')).map((r) => r.text)).toEqual([
      ['!empty', '.tag=5'],
      ['!done', '.tag=5'],
    ]);
  });
});

describe('tables and statistics', () => {
  it('serves table changes made between polls', async () => {
    const s = await sim({ lan: tinyLan() });
    const c = await client(s);
    expect((await c.command(['/ip/arp/print'])).length).toBe(3);
    s.tables.arp.splice(0, 1);
    s.tables.leases.push({
      address: '192.168.88.50',
      macAddress: 'AA:BB:CC:00:00:50',
      server: 'defconf',
      status: 'bound',
      dynamic: true,
      lastSeen: 0,
      expiresAfter: 600,
    });
    s.tables.leases[0]!.hostName = 'renamed';
    expect((await c.command(['/ip/arp/print'])).length).toBe(2);
    const leases = await c.command(['/ip/dhcp-server/lease/print', '=.proplist=.id,host-name']);
    expect(leases.map((r) => r.text)).toEqual([
      ['!re', '=.id=*1A', '=host-name=renamed'],
      ['!re', '=.id=*1B'],
      ['!re', '=.id=*1C'],
      ['!re', '=.id=*1D'], // new rows get the next free id
      ['!done'],
    ]);
  });

  it('accepts a whole new LAN; rows without .id get fresh ids', async () => {
    const s = await sim({ lan: tinyLan() });
    const c = await client(s);
    const lan = tinyLan();
    lan.bridgeHosts.push({ macAddress: 'AA:BB:CC:00:00:77', bridge: 'bridge', interface: 'ether3' });
    s.tables = lan;
    const reply = await c.command(['/interface/bridge/host/print', '=.proplist=.id']);
    expect(reply.map((r) => r.text)).toEqual([['!re', '=.id=*9'], ['!re', '=.id=*A'], ['!re', '=.id=*B'], ['!done']]);
  });

  it('counts connections, logins and every command with its words', async () => {
    const s = await sim({ lan: tinyLan() });
    const c1 = await client(s);
    const c2 = await client(s);
    await c1.command(['/ip/arp/print', '=.proplist=address']);
    await c2.command(['/ip/arp/print']);
    expect(s.stats.connectionsOpened).toBe(2);
    expect(s.stats.connectionsOpen).toBe(2);
    expect(s.stats.logins).toBe(2);
    expect(s.stats.commandsFor('/ip/arp/print').map((r) => r.words)).toEqual([
      ['/ip/arp/print', '=.proplist=address'],
      ['/ip/arp/print'],
    ]);
    c1.close();
    await c1.closed;
    await expect.poll(() => s.stats.connectionsOpen).toBe(1);
    s.stats.reset();
    expect(s.stats.commands).toEqual([]);
  });

  it('reply cache: same bytes until changed()', async () => {
    const s = await sim({ lan: tinyLan(), cacheReplies: true });
    const c = await client(s);
    const first = await c.command(['/ip/arp/print', '=.proplist=address']);
    s.tables.arp.pop();
    expect((await c.command(['/ip/arp/print', '=.proplist=address'])).length).toBe(first.length);
    s.changed();
    expect((await c.command(['/ip/arp/print', '=.proplist=address'])).length).toBe(first.length - 1);
  });
});

describe('LAN data', () => {
  it('sampleLan is a ~60-device home LAN with every kind of entry', () => {
    const lan = sampleLan();
    const macs = new Set([
      ...lan.leases.map((l) => l.macAddress),
      ...lan.arp.flatMap((a) => (a.macAddress ? [a.macAddress] : [])),
      ...lan.bridgeHosts.map((h) => h.macAddress),
    ]);
    expect(macs.size).toBeGreaterThanOrEqual(55);
    expect(macs.size).toBeLessThanOrEqual(80);
    expect(lan.system.identity).toBe('demo');
    const arpMacs = new Set(lan.arp.map((a) => a.macAddress));
    const leaseMacs = new Set(lan.leases.map((l) => l.macAddress));
    expect(lan.leases.some((l) => l.status === 'bound' && l.dynamic)).toBe(true);
    expect(lan.leases.some((l) => l.status === 'bound' && !l.dynamic)).toBe(true);
    expect(lan.leases.some((l) => l.status === 'waiting')).toBe(true);
    expect(lan.leases.some((l) => l.status === 'bound' && !arpMacs.has(l.macAddress))).toBe(true); // lease only
    expect(lan.arp.some((a) => a.macAddress && !leaseMacs.has(a.macAddress))).toBe(true); // ARP only
    expect(lan.arp.some((a) => a.macAddress === null)).toBe(true);
    expect(lan.bridgeHosts.some((h) => h.local)).toBe(true);
    expect([...macs].some((m) => /^.[26AE]/.test(m))).toBe(true); // randomised MACs
    // An IP claimed by two MACs.
    const claims = new Map<string, Set<string>>();
    for (const r of [...lan.leases, ...lan.arp]) {
      if (!r.macAddress) continue;
      claims.set(r.address, (claims.get(r.address) ?? new Set()).add(r.macAddress));
    }
    expect([...claims.values()].some((set) => set.size > 1)).toBe(true);
  });

  it('sampleLan is for people: printable host names only; the hostile ones are a test fixture', () => {
    const printable = /^[\p{L}\p{N}\p{Extended_Pictographic} ._-]+$/u;
    for (const lease of sampleLan().leases) {
      if (lease.hostName !== null) expect(lease.hostName).toMatch(printable);
    }
    const hostile = sampleLanWithHostileNames();
    expect(hostile.leases.some((l) => Buffer.isBuffer(l.hostName))).toBe(true); // invalid UTF-8
    expect(hostile.leases.some((l) => typeof l.hostName === 'string' && l.hostName.includes('\n'))).toBe(true);
    expect(hostile.leases.some((l) => typeof l.hostName === 'string' && l.hostName.includes('</script>'))).toBe(true);
    expect(hostile.leases.map((l) => l.macAddress)).toEqual(sampleLan().leases.map((l) => l.macAddress));
  });

  it('sampleLan returns independent copies', () => {
    const a = sampleLan();
    a.leases.pop();
    expect(sampleLan().leases.length).toBe(a.leases.length + 1);
  });

  it('generateLan is deterministic and serves 50k devices', async () => {
    expect(generateLan({ devices: 500, seed: 3 })).toEqual(generateLan({ devices: 500, seed: 3 }));
    expect(generateLan({ devices: 500, seed: 3 })).not.toEqual(generateLan({ devices: 500, seed: 4 }));
    const lan = generateLan({ devices: 50_000, seed: 1 });
    const macs = new Set([...lan.leases.map((l) => l.macAddress), ...lan.arp.map((a) => a.macAddress)]);
    expect(macs.size).toBe(50_000);
    const s = await sim({ lan });
    const c = await client(s);
    const reply = await c.command(
      ['/ip/dhcp-server/lease/print', '=.proplist=.id,address,mac-address,host-name,status,last-seen,expires-after'],
      20_000,
    );
    expect(reply.length).toBe(lan.leases.length + 1);
  });
});
