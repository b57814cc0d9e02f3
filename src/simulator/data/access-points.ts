/**
 * The demo home's depth: what the gateway (`demo`, the sample LAN) adds with
 * kid control, IPv6 and its DHCP pool, and two access points in bridge mode
 * behind it, one per profile:
 * - `ap-garage`: RouterOS 6.49 with the legacy wireless package (RB941-2nD,
 *   a 2.4 GHz hAP lite board seen in public 6.49.10 API captures);
 * - `ap-upstairs`: RouterOS 7 with the wifi package (hAP ax^3).
 * Data only (shipped in dist/ like sample-lan.ts). Field names and value shapes
 * are those documented in ../render-depth.ts, with their sources.
 *
 * Clients are sample-LAN devices (same MACs), plus two the gateway never sees
 * in its own tables: a Wi-Fi camera with a static IP in the garage, and an
 * IPv6-only sensor the gateway only knows from its IPv6 neighbour table.
 */
import type { DepthTables, LanData, WifiRegistrationRow } from '../lan.js';

export const WIFI_ONLY_CAMERA_MAC = '9C:8E:CD:0A:11:22';
export const IPV6_ONLY_SENSOR_MAC = 'B8:27:EB:00:66:01';
export const DEMO_POOL = { name: 'default-dhcp', ranges: '192.168.88.10-192.168.88.254' };

/** Added to the sample LAN's gateway. poolUsed is derived from its bound leases (see lan.ts). */
export const GATEWAY_DEPTH: Required<
  Omit<
    DepthTables,
    'poolUsed' | 'wifiRegistrations' | 'wifiwave2Registrations' | 'wirelessRegistrations' | 'capsmanRegistrations'
  >
> = {
  kidControlDevices: [
    {
      name: 'iPad',
      user: 'kids',
      macAddress: '4E:DB:1C:C0:0F:A8',
      ipAddress: '192.168.88.105',
      bytesDown: 4_812_337_201,
      bytesUp: 312_554_900,
      rateDown: '1.2Mbps',
      rateUp: '96kbps',
      idleTimeSeconds: 3,
    },
    {
      name: 'LAPTOP-KIDS',
      user: 'kids',
      macAddress: 'D0:94:66:86:05:E8',
      bytesDown: 912_004_118,
      bytesUp: 80_220_311,
      rateDown: '0bps',
      rateUp: '0bps',
      idleTimeSeconds: 1800,
    },
  ],
  ipv6Neighbors: [
    { address: 'fe80::ac84:4cff:febb:bcab', interface: 'bridge', macAddress: 'AE:84:4C:BB:BC:AB', status: 'reachable' },
    { address: '2a02:8071:5e0:3c00:1c2d:9aff:fe11:2233', interface: 'bridge', macAddress: 'AE:84:4C:BB:BC:AB', status: 'stale' },
    { address: 'fe80::3e22:fbff:fee1:a91e', interface: 'bridge', macAddress: '3C:22:FB:E1:A9:1E', status: 'delay' },
    { address: 'fe80::ba27:ebff:fe00:6601', interface: 'bridge', macAddress: IPV6_ONLY_SENSOR_MAC, status: 'reachable' },
    {
      address: '2a02:8071:5e0:3c00:ba27:ebff:fe00:6601',
      interface: 'bridge',
      macAddress: IPV6_ONLY_SENSOR_MAC,
      status: 'reachable',
    },
    { address: 'fe80::1', interface: 'ether1', macAddress: null, status: 'incomplete' },
  ],
  pools: [{ name: DEMO_POOL.name, ranges: DEMO_POOL.ranges }],
};

function client(row: Omit<WifiRegistrationRow, 'packetsTx' | 'packetsRx'>): WifiRegistrationRow {
  return row;
}

type AccessPointLan = Omit<LanData, 'system'> & { system: LanData['system'] & { identity: string } };

export const LEGACY_ACCESS_POINT: AccessPointLan = {
  system: {
    identity: 'ap-garage',
    boardName: 'RB941-2nD',
    architectureName: 'smips',
    cpu: 'QCA9533',
    cpuCount: 1,
    cpuFrequency: 650,
    totalMemory: 33554432,
    totalHddSpace: 16777216,
    uptimeSeconds: 1_903_213,
  },
  leases: [],
  arp: [{ address: '192.168.88.1', macAddress: '48:8F:5A:1C:22:31', interface: 'bridge', dynamic: true }],
  bridgeHosts: [
    { macAddress: '48:8F:5A:1C:22:31', bridge: 'bridge', interface: 'ether1', dynamic: true },
    { macAddress: '24:6F:28:9B:9B:71', bridge: 'bridge', interface: 'wlan1', dynamic: true },
    { macAddress: WIFI_ONLY_CAMERA_MAC, bridge: 'bridge', interface: 'wlan1', dynamic: true },
    { macAddress: 'CC:2D:E0:41:5B:01', bridge: 'bridge', interface: 'wlan1', dynamic: true, local: true },
  ],
  wirelessRegistrations: [
    client({
      macAddress: '24:6F:28:9B:9B:71',
      interface: 'wlan1',
      signal: '-74dBm@6Mbps',
      txRate: '58.5Mbps-HT',
      rxRate: '6Mbps',
      uptimeSeconds: 1_776_113,
      bytesTx: 1_090_924_066,
      bytesRx: 2_872_515_632,
    }),
    client({
      macAddress: WIFI_ONLY_CAMERA_MAC,
      interface: 'wlan1',
      signal: '-67@HT20-7',
      txRate: '72.2Mbps-HT',
      rxRate: '1.2Mbps',
      uptimeSeconds: 3723,
      bytesTx: 48_211_905,
      bytesRx: 9_112_448_100,
    }),
  ],
};

export const WIFI_ACCESS_POINT: AccessPointLan = {
  system: {
    identity: 'ap-upstairs',
    boardName: 'hAP ax^3',
    architectureName: 'arm64',
    cpu: 'ARM64',
    cpuCount: 4,
    cpuFrequency: 864,
    totalMemory: 1073741824,
    totalHddSpace: 134217728,
    uptimeSeconds: 604_811,
  },
  leases: [],
  arp: [{ address: '192.168.88.1', macAddress: '48:8F:5A:1C:22:31', interface: 'bridge', dynamic: true }],
  bridgeHosts: [
    { macAddress: '48:8F:5A:1C:22:31', bridge: 'bridge', interface: 'ether1', dynamic: true },
    { macAddress: 'AE:84:4C:BB:BC:AB', bridge: 'bridge', interface: 'wifi1', dynamic: true },
    { macAddress: '3C:22:FB:E1:A9:1E', bridge: 'bridge', interface: 'wifi1', dynamic: true },
    { macAddress: '4E:DB:1C:C0:0F:A8', bridge: 'bridge', interface: 'wifi2', dynamic: true },
  ],
  wifiRegistrations: [
    client({
      macAddress: 'AE:84:4C:BB:BC:AB',
      interface: 'wifi1',
      ssid: 'Home',
      band: '5ghz-ax',
      signal: '-61',
      txRate: '866.6Mbps-80MHz/2S/SGI',
      rxRate: '573.5Mbps-80MHz/2S',
      uptimeSeconds: 7384,
      bytesTx: 2_214_009_442,
      bytesRx: 188_201_337,
    }),
    client({
      macAddress: '3C:22:FB:E1:A9:1E',
      interface: 'wifi1',
      ssid: 'Home',
      band: '5ghz-ax',
      signal: '-55',
      txRate: '1.2Gbps-80MHz/2S',
      rxRate: '960.7Mbps-80MHz/2S',
      uptimeSeconds: 41_222,
      bytesTx: 9_004_112_880,
      bytesRx: 1_420_009_551,
    }),
    client({
      macAddress: '4E:DB:1C:C0:0F:A8',
      interface: 'wifi2',
      ssid: 'Home',
      band: '2ghz-ax',
      signal: '-71',
      txRate: '68.8Mbps-20MHz/1S',
      rxRate: '24Mbps',
      uptimeSeconds: 902,
      bytesTx: 77_400_120,
      bytesRx: 5_990_402,
    }),
  ],
};
