import { describe, expect, it } from 'vitest';
import { IPV6_ONLY_SENSOR_MAC, WIFI_ONLY_CAMERA_MAC } from './data/access-points.js';
import { legacyWirelessAccessPointLan, sampleGatewayLan, sampleLan, wifiAccessPointLan } from './index.js';
import { useSimulatorHarness } from './testing/harness.js';
import type { SentenceOf } from './testing/raw-client.js';

const { sim, client } = useSimulatorHarness();

function attrs(sentence: SentenceOf): Record<string, string> {
  const out: Record<string, string> = {};
  for (const word of sentence.text.slice(1)) {
    const match = /^=([^=]+)=(.*)$/s.exec(word);
    if (match) out[match[1]!] = match[2]!;
  }
  return out;
}

describe('device-depth tables', () => {
  it('a RouterOS 7 wifi access point prints its registration table as RouterOS 7 does', async () => {
    const c = await client(await sim({ lan: wifiAccessPointLan() }));
    const rows = (await c.command(['/interface/wifi/registration-table/print'])).filter((s) => s.text[0] === '!re');
    expect(rows).toHaveLength(3);
    expect(attrs(rows[0]!)).toMatchObject({
      interface: 'wifi1',
      ssid: 'Home',
      'mac-address': 'AE:84:4C:BB:BC:AB',
      band: '5ghz-ax',
      signal: '-61',
      'tx-rate': '866.6Mbps-80MHz/2S/SGI',
      'rx-rate': '573.5Mbps-80MHz/2S',
      bytes: '2214009442,188201337',
    });
    expect(attrs(rows[0]!).uptime).toMatch(/^2h3m\d+s$/);
    expect(attrs(rows[0]!)['signal-strength']).toBeUndefined();
  });

  it('a 6.49 legacy wireless access point: signal-strength, clock uptimes, on-interface, 6.x version', async () => {
    const c = await client(await sim({ lan: legacyWirelessAccessPointLan(), versionProfile: '6.49' }));
    const rows = (await c.command(['/interface/wireless/registration-table/print'])).filter((s) => s.text[0] === '!re');
    expect(rows.map(attrs).map((row) => [row['mac-address'], row['signal-strength'], row.bytes])).toEqual([
      ['24:6F:28:9B:9B:71', '-74dBm@6Mbps', '1090924066,2872515632'],
      [WIFI_ONLY_CAMERA_MAC, '-67@HT20-7', '48211905,9112448100'],
    ]);
    expect(attrs(rows[0]!).uptime).toMatch(/^2w6d13:21:5\d$/);
    expect(attrs(rows[0]!).ssid).toBeUndefined();
    const hosts = (await c.command(['/interface/bridge/host/print'])).filter((s) => s.text[0] === '!re');
    expect(attrs(hosts[0]!)['on-interface']).toBe('ether1');
    expect(attrs(hosts[0]!).interface).toBeUndefined();
    const resource = await c.command(['/system/resource/print', '=.proplist=version']);
    expect(resource[0]!.text).toEqual(['!re', '=version=6.49.10 (long-term)']);
  });

  it('menus the router lacks trap as RouterOS does; the 6.49 AP has no wifi menu and no kid control', async () => {
    const c = await client(await sim({ lan: legacyWirelessAccessPointLan(), versionProfile: '6.49' }));
    for (const menu of ['/interface/wifi/registration-table', '/ip/kid-control/device', '/ipv6/neighbor', '/ip/pool']) {
      const reply = await c.command([`${menu}/print`]);
      expect(reply.map((s) => s.text[0])).toEqual(['!trap', '!done']);
      expect(reply[0]!.text).toContain('=message=no such command prefix');
    }
  });

  it('the gateway prints kid control, IPv6 neighbours, pools and used addresses', async () => {
    const c = await client(await sim({ lan: sampleGatewayLan() }));
    const kid = (await c.command(['/ip/kid-control/device/print'])).filter((s) => s.text[0] === '!re').map(attrs);
    expect(kid[0]).toMatchObject({
      name: 'iPad',
      'mac-address': '4E:DB:1C:C0:0F:A8',
      'bytes-down': '4812337201',
      'bytes-up': '312554900',
      'rate-down': '1.2Mbps',
      'rate-up': '96kbps',
    });
    const neighbors = (await c.command(['/ipv6/neighbor/print'])).filter((s) => s.text[0] === '!re').map(attrs);
    expect(neighbors.filter((n) => n['mac-address'] === IPV6_ONLY_SENSOR_MAC).map((n) => n.status)).toEqual([
      'reachable',
      'reachable',
    ]);
    expect(neighbors.find((n) => n.status === 'incomplete')?.['mac-address']).toBeUndefined();
    const pools = (await c.command(['/ip/pool/print'])).filter((s) => s.text[0] === '!re').map(attrs);
    expect(pools).toEqual([{ '.id': '*1', name: 'default-dhcp', ranges: '192.168.88.10-192.168.88.254' }]);
    const used = (await c.command(['/ip/pool/used/print'])).filter((s) => s.text[0] === '!re').map(attrs);
    const boundInRange = sampleLan().leases.filter(
      (l) => l.status === 'bound' && Number(l.address.split('.')[3]) >= 10 && l.address.startsWith('192.168.88.'),
    );
    expect(used.map((u) => u.address).sort()).toEqual(boundInRange.map((l) => l.address).sort());
    expect(new Set(used.map((u) => u.pool))).toEqual(new Set(['default-dhcp']));
  });

  it('the plain sample LAN has none of the depth menus', async () => {
    const c = await client(await sim({ lan: sampleLan() }));
    const reply = await c.command(['/interface/wireless/registration-table/print']);
    expect(reply[0]!.text).toContain('=message=no such command prefix');
  });
});
