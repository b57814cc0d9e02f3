import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isPlainIpv6,
  KID_CONTROL,
  mapIpv6Neighbors,
  mapKidControl,
  mapPools,
  mapWifiClients,
  WIFI_CLIENTS,
  type WifiTable,
} from './depth-observations.js';

describe('mapWifiClients', () => {
  it('reads a RouterOS 7 wifi row', () => {
    const { observations, rejected } = mapWifiClients('wifi', [
      {
        '.id': '*1',
        interface: 'wifi1',
        ssid: 'Home',
        'mac-address': 'aa:bb:cc:dd:ee:01',
        band: '5ghz-ax',
        signal: '-61',
        'tx-rate': '866.6Mbps-80MHz/2S/SGI',
        'rx-rate': '6Mbps',
        uptime: '1h2m3s',
        bytes: '1000,2000',
      },
    ]);
    expect(rejected).toBe(0);
    expect(observations).toEqual([
      {
        mac: 'AA:BB:CC:DD:EE:01',
        table: 'wifi',
        interface: 'wifi1',
        ssid: 'Home',
        band: '5ghz-ax',
        signalDbm: -61,
        txRateBps: 866_600_000,
        rxRateBps: 6_000_000,
        uptimeSeconds: 3723,
        bytesToClient: 1000,
        bytesFromClient: 2000,
      },
    ]);
  });

  it('reads legacy wireless (signal-strength) and CAPsMAN (rx-signal) rows', () => {
    const legacy = mapWifiClients('wireless', [
      {
        interface: 'wlan1',
        'mac-address': '00:0C:42:3A:EC:CF',
        'signal-strength': '-74dBm@6Mbps',
        'tx-rate': '52.0Mbps-HT',
        'rx-rate': '58.5Mbps-HT',
        uptime: '2w6d13:21:53',
        bytes: '1090924066,2872515632',
      },
    ]);
    expect(legacy.observations[0]).toMatchObject({
      signalDbm: -74,
      txRateBps: 52_000_000,
      rxRateBps: 58_500_000,
      uptimeSeconds: 1_776_113,
      bytesToClient: 1090924066,
      bytesFromClient: 2872515632,
      ssid: null,
      band: null,
    });
    const caps = mapWifiClients('capsman', [{ 'mac-address': '00:0C:42:3A:EC:D0', 'rx-signal': '-67@HT20-7', ssid: 'Cap' }]);
    expect(caps.observations[0]).toMatchObject({ signalDbm: -67, ssid: 'Cap', txRateBps: null, bytesToClient: null });
  });

  it.each([
    ['signal', 'strong'],
    ['tx-rate', '6 Mbps'],
    ['rx-rate', 'fast'],
    ['uptime', 'yesterday'],
    ['bytes', '12'],
  ])('rejects the row when %s is %j (never a wrong number)', (key, value) => {
    const row = { 'mac-address': 'AA:BB:CC:DD:EE:02', signal: '-50', [key]: value };
    expect(mapWifiClients('wifi', [row])).toEqual({ observations: [], rejected: 1 });
  });

  it('rejects rows without a usable MAC and non-objects', () => {
    const result = mapWifiClients('wifi', [{ 'mac-address': '00:00:00:00:00:00' }, { signal: '-50' }, null, 'x']);
    expect(result).toEqual({ observations: [], rejected: 4 });
  });

  it('keeps hostile SSIDs and interface names as sanitised text', () => {
    const [client] = mapWifiClients('wifi', [
      { 'mac-address': 'AA:BB:CC:DD:EE:03', ssid: 'a"b\\c\n</td>\u202e', interface: 'wifi\u00001' },
    ]).observations;
    expect(client!.ssid).toBe('a"b\\c </td>');
    expect(client!.interface).toBe('wifi1');
  });

  it('never throws on arbitrary rows', () => {
    const tables = fc.constantFrom<WifiTable>('wifi', 'wifiwave2', 'wireless', 'capsman');
    const row = fc.dictionary(
      fc.constantFrom('mac-address', 'signal', 'signal-strength', 'rx-signal', 'tx-rate', 'rx-rate', 'uptime', 'bytes', 'ssid'),
      fc.string(),
    );
    fc.assert(
      fc.property(tables, fc.array(fc.oneof(row, fc.anything())), (table, rows) => {
        const result = mapWifiClients(table, rows);
        expect(result.observations.length + result.rejected).toBe(rows.length);
      }),
    );
  });
});

describe('WIFI_CLIENTS remap (a row mapped from the previous row at its position and the columns that changed)', () => {
  // Per column (mac, interface, ssid, band, uptime, bytes, tx-rate, rx-rate, signals): values as registration
  // tables print them, mostly, so that most previous rows map; and hostile ones.
  const hostile = fc.oneof(
    fc.constant(undefined),
    fc.constant(''),
    fc.string({ maxLength: 24 }),
    fc.string({ unit: 'binary', maxLength: 12 }),
  );
  const shaped = (...shapes: string[]) =>
    fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...shapes) }, { weight: 1, arbitrary: hostile });
  const rate = shaped('866.6Mbps-80MHz/2S/SGI', '58.5Mbps-HT', '6Mbps', '1.2Mbps', '96kbps', '1Gbps');
  const signal = shaped('-61', '-67@HT20-7', '-74dBm@6Mbps', '-48');
  const rowValues = fc.tuple(
    shaped('AA:BB:CC:DD:EE:01', 'aa:bb:cc:dd:ee:02', '00:0C:42:3A:EC:CF'),
    shaped('wifi1', 'wlan2', 'cap-5g'),
    shaped('Home', 'bench', 'Caf\u00e9'),
    shaped('5ghz-ax', '2ghz-n'),
    shaped('2w6d13:21:53', '1h2m3s', '00:00:07', '7s'),
    shaped('1090924066,2872515632', '1000,2000', '0,0'),
    rate,
    rate,
    signal,
    signal,
  );
  const tables = fc.constantFrom<WifiTable>('wifi', 'wifiwave2', 'wireless', 'capsman');

  it('gives what map gives, for any previous row and any change of its columns', () => {
    let remapped = 0;
    fc.assert(
      fc.property(
        tables,
        rowValues,
        rowValues,
        fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
        (table, before, drawn, kept) => {
          const mapping = WIFI_CLIENTS[table];
          const columns = mapping.proplist.length;
          const previousRow: Array<string | undefined> = before.slice(0, columns);
          // A kept column is the very string of the previous row (what the client reuses); others are drawn anew.
          const row = previousRow.map((text, c) => (kept[c] ? text : drawn[c]));
          let changed = 0;
          for (let c = 0; c < columns; c++) if (row[c] !== previousRow[c]) changed |= 1 << c;
          const previous = mapping.map(previousRow);
          if (previous === null) return;
          remapped++;
          const result = mapping.remap!(row, changed, previous);
          expect(result).toEqual(mapping.map(row));
          if (changed === 0) expect(result).toBe(previous);
        },
      ),
      { numRuns: 3000 },
    );
    // Most cases must reach remap for the property to say anything.
    expect(remapped).toBeGreaterThan(1000);
  });

  it('parses only the changed columns: an uptime that moved keeps every other value of the previous row', () => {
    const mapping = WIFI_CLIENTS.wifi;
    const row = ['AA:BB:CC:DD:EE:01', 'wifi1', 'Home', '5ghz-ax', '1h2m3s', '1000,2000', '6Mbps', '1.2Mbps', '-61'];
    const previous = mapping.map(row)!;
    const next = mapping.remap!([...row.slice(0, 4), '1h2m4s', ...row.slice(5)], 1 << 4, previous)!;
    expect(next).toEqual({ ...previous, uptimeSeconds: 3724 });
    // A changed column is parsed even when the previous row's value would have been fine.
    expect(mapping.remap!([...row.slice(0, 8), 'weak'], 1 << 8, previous)).toBeNull();
  });
});

describe('mapKidControl', () => {
  it('reads counters and rates; down is to the device', () => {
    const result = mapKidControl([
      {
        'mac-address': 'AA:BB:CC:DD:EE:01',
        'bytes-down': '5000',
        'bytes-up': '700',
        'rate-down': '1.2Mbps',
        'rate-up': '96kbps',
      },
      { 'mac-address': 'AA:BB:CC:DD:EE:02', 'bytes-down': '1', 'bytes-up': '2', 'rate-down': '1024', 'rate-up': '0' },
      { 'mac-address': 'AA:BB:CC:DD:EE:03', 'bytes-up': '2' },
      { 'mac-address': 'AA:BB:CC:DD:EE:04', 'bytes-down': '1', 'bytes-up': '2', 'rate-up': 'lots' },
    ]);
    expect(result.rejected).toBe(2);
    expect(result.observations).toEqual([
      { mac: 'AA:BB:CC:DD:EE:01', bytesDown: 5000, bytesUp: 700, rateDownBps: 1_200_000, rateUpBps: 96_000 },
      { mac: 'AA:BB:CC:DD:EE:02', bytesDown: 1, bytesUp: 2, rateDownBps: 1024, rateUpBps: 0 },
    ]);
  });
});

describe('KID_CONTROL remap (a row mapped from the previous row at its position and the columns that changed)', () => {
  // Per column (mac, bytes-down, bytes-up, rate-down, rate-up): values as kid control prints them, mostly, and hostile ones.
  const hostile = fc.oneof(
    fc.constant(undefined),
    fc.constant(''),
    fc.constantFrom('-1', '1.5', '00:00:00:00:00:00', 'lots', '1.2 Mbps'),
    fc.string({ maxLength: 24 }),
    fc.string({ unit: 'binary', maxLength: 12 }),
  );
  const shaped = (...shapes: string[]) =>
    fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...shapes) }, { weight: 1, arbitrary: hostile });
  const counter = shaped('0', '5000', '1090924066', '18446744073709551615');
  const rate = shaped('0bps', '96kbps', '1.2Mbps', '19.7Mbps', '1024', '1Gbps');
  const rowValues = fc.tuple(shaped('AA:BB:CC:DD:EE:01', 'aa:bb:cc:dd:ee:02', '00:0C:42:3A:EC:CF'), counter, counter, rate, rate);

  it('gives what map gives, for any previous row and any change of its columns', () => {
    let remapped = 0;
    fc.assert(
      fc.property(rowValues, rowValues, fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), (before, drawn, kept) => {
        const previousRow: Array<string | undefined> = [...before];
        // A kept column is the very string of the previous row (what the client reuses); others are drawn anew.
        const row = previousRow.map((text, c) => (kept[c] ? text : drawn[c]));
        let changed = 0;
        for (let c = 0; c < row.length; c++) if (row[c] !== previousRow[c]) changed |= 1 << c;
        const previous = KID_CONTROL.map(previousRow);
        if (previous === null) return;
        remapped++;
        const result = KID_CONTROL.remap!(row, changed, previous);
        expect(result).toEqual(KID_CONTROL.map(row));
        if (changed === 0) expect(result).toBe(previous);
      }),
      { numRuns: 3000 },
    );
    // Most cases must reach remap for the property to say anything.
    expect(remapped).toBeGreaterThan(1000);
  });

  it('parses only the changed columns: moved counters keep the MAC and rates of the previous row', () => {
    const row = ['aa:bb:cc:dd:ee:01', '5000', '700', '1.2Mbps', '96kbps'];
    const previous = KID_CONTROL.map(row)!;
    const next = KID_CONTROL.remap!(['aa:bb:cc:dd:ee:01', '9000', '900', '1.2Mbps', '96kbps'], 0b110, previous)!;
    expect(next).toEqual({ mac: 'AA:BB:CC:DD:EE:01', bytesDown: 9000, bytesUp: 900, rateDownBps: 1_200_000, rateUpBps: 96_000 });
    expect(next.mac).toBe(previous.mac);
    // A changed column is parsed even when the previous row's value would have been fine.
    expect(KID_CONTROL.remap!([...row.slice(0, 3), 'lots', row[4]], 1 << 3, previous)).toBeNull();
  });
});

describe('mapIpv6Neighbors', () => {
  it('keeps entries with a MAC and an IPv6 address', () => {
    const result = mapIpv6Neighbors([
      { address: 'fe80::1', 'mac-address': 'AA:BB:CC:DD:EE:01', interface: 'bridge', status: 'reachable' },
      { address: '2001:db8::5', 'mac-address': 'AA:BB:CC:DD:EE:01', interface: 'bridge', status: 'STALE' },
      { address: 'fe80::2', interface: 'bridge', status: 'incomplete' },
      { address: '192.168.88.2', 'mac-address': 'AA:BB:CC:DD:EE:02', status: 'reachable' },
    ]);
    expect(result.rejected).toBe(2);
    expect(result.observations.map((n) => [n.address, n.status])).toEqual([
      ['fe80::1', 'reachable'],
      ['2001:db8::5', 'stale'],
    ]);
  });
});

describe('isPlainIpv6 (the fast path before node:net isIP)', () => {
  it.each([
    'fe80::1',
    '2001:db8::1a2b',
    '::',
    '::1',
    '1::',
    'FE80::AB:cd',
    '1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7::',
    '::2:3:4:5:6:7:8',
  ])('takes %j', (text) => {
    expect(isPlainIpv6(text)).toBe(true);
  });

  it.each([
    ':::',
    '1:::2',
    '1::2::3',
    ':1',
    '1:',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::8',
    '12345::',
    'fe80::1%eth0',
    '::ffff:1.2.3.4',
    'g::1',
  ])('leaves %j to isIP', (text) => {
    expect(isPlainIpv6(text)).toBe(false);
  });

  it('never says yes where isIP says no, and says yes to every plain address isIP accepts', () => {
    const group = fc.stringMatching(/^[0-9a-fA-F]{0,5}$/);
    const nearAddress = fc
      .array(fc.oneof(group, fc.constantFrom(':', '::', ':::', '.', '%', '1.2.3.4', 'g', ' ')), { maxLength: 12 })
      .map((parts) => parts.join(':'));
    const input = fc.oneof(nearAddress, fc.ipV6(), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));
    fc.assert(
      fc.property(input, (text) => {
        const plain = /^[0-9a-fA-F:]*$/.test(text);
        if (isPlainIpv6(text)) expect(isIP(text)).toBe(6);
        else if (plain && text.length <= 39) expect(isIP(text)).not.toBe(6);
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('mapPools', () => {
  it('sizes pools from their ranges and counts used rows per pool', () => {
    const result = mapPools(
      [
        { name: 'dhcp', ranges: '192.168.88.10-192.168.88.254' },
        { name: 'guest', ranges: '10.5.0.2-10.5.0.9,10.5.0.20' },
        { name: 'broken', ranges: 'not-a-range' },
      ],
      [{ pool: 'dhcp', address: '192.168.88.10' }, { pool: 'dhcp' }, { pool: 'guest' }, { pool: 'nowhere' }],
    );
    expect(result.observations).toEqual([
      { name: 'dhcp', size: 245, used: 2 },
      { name: 'guest', size: 9, used: 1 },
    ]);
    expect(result.rejected).toBe(2);
  });
});
