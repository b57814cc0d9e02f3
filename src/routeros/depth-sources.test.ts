import { describe, expect, it } from 'vitest';
import { legacyWirelessAccessPointLan, sampleGatewayLan, sampleLan, wifiAccessPointLan } from '../simulator/index.js';
import { useSimulatorHarness } from '../simulator/testing/harness.js';
import { ALL_SOURCES_ON, type CountTable, DepthReader, type PrintTable } from './depth-sources.js';
import { mapRecords } from './observations.js';
import { capturingLogger, sessionFor } from './test-support.js';

const { sim } = useSimulatorHarness();

const DEPTH_PRINTS = [
  '/interface/wifi/registration-table/print',
  '/interface/wifiwave2/registration-table/print',
  '/interface/wireless/registration-table/print',
  '/caps-man/registration-table/print',
  '/ip/kid-control/device/print',
  '/ipv6/neighbor/print',
  '/ip/pool/print',
  '/ip/pool/used/print',
];

describe('device-depth sources in the poll', () => {
  it('a gateway: one print per table with .proplist; kid control, IPv6 neighbours and pools read; missing Wi-Fi menus asked once', async () => {
    const s = await sim({ lan: sampleGatewayLan() });
    const { session, log } = sessionFor(s);
    const first = await session.poll();
    const second = await session.poll();
    for (const result of [first, second]) {
      expect(result.depth!.sources).toEqual({
        wifi: { available: false, rows: 0 },
        traffic: { available: true, rows: 2 },
        ipv6: { available: true, rows: 6 },
        pools: { available: true, rows: 1 + s.tables.poolUsed!.length },
      });
      expect(result.depth!.kidControl.map((k) => [k.mac, k.bytesDown, k.rateDownBps])).toEqual([
        ['4E:DB:1C:C0:0F:A8', 4_812_337_201, 1_200_000],
        ['D0:94:66:86:05:E8', 912_004_118, 0],
      ]);
      expect(result.depth!.pools).toEqual([{ name: 'default-dhcp', size: 245, used: s.tables.poolUsed!.length }]);
      expect(result.depth!.ipv6Neighbors).toHaveLength(5); // the incomplete entry has no MAC
      expect(result.rejectedRows).toBe(1);
    }
    for (const path of DEPTH_PRINTS) {
      const prints = s.stats.commandsFor(path);
      const expected = path.includes('registration-table') ? 1 : 2;
      expect(prints, path).toHaveLength(expected);
      // One pool: its used addresses are counted by the router, not listed.
      const asked = path === '/ip/pool/used/print' ? '=count-only=' : '=.proplist=';
      expect(prints[0]!.words.filter((w) => w.startsWith(asked))).toHaveLength(1);
    }
    const skipped = log.lines.filter((line) => line.msg === 'router does not offer this table; skipping it');
    expect(skipped.map((line) => line.table)).toEqual(DEPTH_PRINTS.slice(0, 4).map((p) => p.replace(/\/print$/, '')));
  });

  it('access points: legacy wireless on 6.49 and wifi on 7.x are read with their own signal columns', async () => {
    const legacy = await sessionFor(await sim({ lan: legacyWirelessAccessPointLan(), versionProfile: '6.49' })).session.poll();
    expect(legacy.depth!.wifi.map((c) => [c.mac, c.table, c.signalDbm, c.txRateBps, c.bytesToClient])).toEqual([
      ['24:6F:28:9B:9B:71', 'wireless', -74, 58_500_000, 1_090_924_066],
      ['9C:8E:CD:0A:11:22', 'wireless', -67, 72_200_000, 48_211_905],
    ]);
    expect(legacy.depth!.pools).toBeNull();
    expect(legacy.bridgeHosts.find((h) => h.mac === '24:6F:28:9B:9B:71')?.port).toBe('wlan1');
    const wifi = await sessionFor(await sim({ lan: wifiAccessPointLan() })).session.poll();
    expect(wifi.depth!.wifi.map((c) => [c.mac, c.ssid, c.band, c.signalDbm, c.rxRateBps])).toEqual([
      ['AE:84:4C:BB:BC:AB', 'Home', '5ghz-ax', -61, 573_500_000],
      ['3C:22:FB:E1:A9:1E', 'Home', '5ghz-ax', -55, 960_700_000],
      ['4E:DB:1C:C0:0F:A8', 'Home', '2ghz-ax', -71, 24_000_000],
    ]);
  });

  it('rows with a value shape we do not know are rejected and counted, as each row is decoded; the rest are kept', async () => {
    const s = await sim({ lan: wifiAccessPointLan() });
    const [first, second, third] = s.tables.wifiRegistrations!;
    s.tables.wifiRegistrations = [
      { ...first!, signal: 'weak' },
      second!,
      { ...third!, txRate: '1e3Mbps' },
      { ...second!, macAddress: '00:00:00:00:00:00' },
    ];
    s.tables.kidControlDevices = [
      { name: 'tv', macAddress: second!.macAddress, bytesDown: 10, bytesUp: 20, rateDown: '1.5Mbps', rateUp: 'lots' },
      { name: 'tab', macAddress: first!.macAddress, bytesDown: 30, bytesUp: 40, rateDown: '96kbps', rateUp: '1024' },
    ];
    const result = await sessionFor(s).session.poll();
    expect(result.depth!.wifi.map((c) => [c.mac, c.signalDbm])).toEqual([['3C:22:FB:E1:A9:1E', -55]]);
    expect(result.depth!.kidControl.map((k) => [k.mac, k.bytesDown, k.rateDownBps, k.rateUpBps])).toEqual([
      ['AE:84:4C:BB:BC:AB', 30, 96_000, 1024],
    ]);
    expect(result.depth!.sources.wifi).toEqual({ available: true, rows: 4 });
    expect(result.depth!.sources.traffic).toEqual({ available: true, rows: 2 });
    expect(result.rejectedRows).toBe(4);
  });

  it('several pools: the used addresses are read whole and counted per pool, a row naming no listed pool rejected', async () => {
    const s = await sim({ lan: sampleGatewayLan() });
    const used = s.tables.poolUsed!;
    s.tables.pools = [...s.tables.pools!, { name: 'guest', ranges: '10.5.0.10-10.5.0.19,10.5.1.1' }];
    s.tables.poolUsed = [
      ...used,
      { pool: 'guest', address: '10.5.0.10', owner: 'AA:BB:CC:00:00:01', info: 'guest' },
      { pool: 'gone', address: '10.6.0.1', owner: 'AA:BB:CC:00:00:02', info: 'guest' },
    ];
    const result = await sessionFor(s).session.poll();
    expect(result.depth!.pools).toEqual([
      { name: 'default-dhcp', size: 245, used: used.length },
      { name: 'guest', size: 11, used: 1 },
    ]);
    expect(result.depth!.sources.pools).toEqual({ available: true, rows: 2 + used.length + 2 });
    const [print] = s.stats.commandsFor('/ip/pool/used/print');
    expect(print!.words).toContain('=.proplist=pool');
    expect(print!.words).not.toContain('=count-only=');
    expect(result.rejectedRows).toBe(1 + 1); // the incomplete IPv6 entry and the row naming "gone"
  });

  it('one pool counted by the router: the count follows the table, and a router that gives no count is read row by row', async () => {
    const s = await sim({ lan: sampleGatewayLan() });
    const used = s.tables.poolUsed!;
    const { session } = sessionFor(s);
    expect((await session.poll()).depth!.pools).toEqual([{ name: 'default-dhcp', size: 245, used: used.length }]);
    s.tables.poolUsed = used.slice(1);
    expect((await session.poll()).depth!.pools).toEqual([{ name: 'default-dhcp', size: 245, used: used.length - 1 }]);

    // No router here leaves out the count; the reader's own seam stands in for one that does.
    const log = capturingLogger();
    const reader = new DepthReader('gw', ALL_SOURCES_ON, log.logger);
    const printed: string[] = [];
    let counted = 0;
    const print: PrintTable = async (path, mapping) => {
      printed.push(path);
      if (path === '/ip/pool') return mapRecords([{ name: 'dhcp', ranges: '10.0.0.1-10.0.0.9' }], mapping.proplist, mapping.map);
      if (path === '/ip/pool/used') return mapRecords([{ pool: 'dhcp' }, { pool: 'dhcp' }], mapping.proplist, mapping.map);
      return { observations: [], rejected: 0 };
    };
    const count: CountTable = async () => {
      counted++;
      return null;
    };
    for (let poll = 0; poll < 2; poll++) {
      const depth = await reader.read(print, count);
      expect(depth.pools).toEqual([{ name: 'dhcp', size: 9, used: 2 }]);
    }
    expect(counted).toBe(1);
    expect(printed.filter((path) => path === '/ip/pool/used')).toHaveLength(2);
    expect(
      log.lines.filter((line) => line.msg === 'router did not count used pool addresses; reading them row by row'),
    ).toHaveLength(1);
  });

  it('a refused table (no policy) is skipped, not a failed poll; a source turned off is never asked', async () => {
    const s = await sim({ lan: sampleGatewayLan(), faults: { trapPaths: { '/ipv6/neighbor': 'not enough permissions (9)' } } });
    const { session } = sessionFor(s, { sources: { wifi: false, traffic: true, ipv6: true, pools: false } });
    const result = await session.poll();
    await session.poll();
    expect(result.depth!.sources.ipv6).toEqual({ available: false, rows: 0 });
    expect(result.depth!.kidControl).toHaveLength(2);
    expect(result.depth!.pools).toBeNull();
    expect(s.stats.commandsFor('/ipv6/neighbor/print')).toHaveLength(1);
    for (const path of [...DEPTH_PRINTS.slice(0, 4), '/ip/pool/print', '/ip/pool/used/print']) {
      expect(s.stats.commandsFor(path), path).toHaveLength(0);
    }
  });

  it('a new connection learns the menus again (a reboot may add a package)', async () => {
    const s = await sim({ lan: sampleLan() });
    const { session } = sessionFor(s, { backoff: { initialMs: 1, maxMs: 1 } });
    await session.poll();
    s.tables.ipv6Neighbors = [{ address: 'fe80::1', interface: 'bridge', macAddress: 'AA:BB:CC:00:00:09', status: 'reachable' }];
    expect((await session.poll()).depth!.ipv6Neighbors).toEqual([]);
    s.dropConnections();
    await new Promise((resolve) => setTimeout(resolve, 20));
    let result = await session.poll().catch(() => null);
    if (result === null) result = await session.poll();
    expect(result.depth!.ipv6Neighbors.map((n) => n.mac)).toEqual(['AA:BB:CC:00:00:09']);
  });
});
