import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LanData, type RunningSimulator, sampleLan, startSimulator } from '../../src/simulator/index.js';
import { type ExporterProcess, startExporter, waitFor } from '../support/exporter-process.js';
import { findSample, type ParsedSample, parseExposition } from '../support/exposition-parser.js';
import { promtoolCheckMetrics } from '../support/promtool.js';

/**
 * Device depth end to end: the real `serve` polls a simulated gateway (kid
 * control, IPv6, a pool, no Wi-Fi menus) and two access points behind it, a
 * RouterOS 6.49 one with legacy wireless and a RouterOS 7 one with the wifi
 * package, over the wire protocol; every new series is read back from /metrics.
 */

const PHONE = 'D0:AA:00:00:00:01'; // lease + ARP on the gateway, Wi-Fi on the APs (roams)
const LAPTOP = 'D0:AA:00:00:00:02'; // lease + ARP, kid control
const CAMERA = 'D0:AA:00:00:00:03'; // Wi-Fi only (static IP the gateway never resolved)
const SENSOR = 'D0:AA:00:00:00:04'; // IPv6 only
const GATEWAY_PORT = 'D0:AA:00:00:00:FE'; // the gateway's own bridge port
const HOSTILE_SSID = 'Home "5G" \\ </td><script>x</script>';
const HOSTILE_INTERFACE = 'wifi"1\\';

function gatewayLan(): LanData {
  const system = { ...sampleLan().system, identity: 'gw' };
  return {
    system,
    leases: [
      {
        address: '192.168.88.10',
        macAddress: PHONE,
        server: 'defconf',
        status: 'bound',
        dynamic: true,
        lastSeen: 5,
        expiresAfter: 600,
      },
      {
        address: '192.168.88.11',
        macAddress: LAPTOP,
        server: 'defconf',
        status: 'bound',
        dynamic: true,
        lastSeen: 5,
        expiresAfter: 600,
      },
    ],
    arp: [
      { address: '192.168.88.10', macAddress: PHONE, interface: 'bridge', dynamic: true, status: 'reachable' },
      { address: '192.168.88.11', macAddress: LAPTOP, interface: 'bridge', dynamic: true, status: 'reachable' },
    ],
    bridgeHosts: [{ macAddress: GATEWAY_PORT, bridge: 'bridge', interface: 'ether2', dynamic: false, local: true }],
    kidControlDevices: [
      {
        name: 'laptop',
        macAddress: LAPTOP,
        bytesDown: 4_812_337_201,
        bytesUp: 312_554_900,
        rateDown: '1.2Mbps',
        rateUp: '96kbps',
      },
    ],
    ipv6Neighbors: [
      { address: 'fe80::d2aa:ff:fe00:4', interface: 'bridge', macAddress: SENSOR, status: 'reachable' },
      { address: '2001:db8::4', interface: 'bridge', macAddress: SENSOR, status: 'stale' },
      { address: 'fe80::1', interface: 'ether1', macAddress: null, status: 'incomplete' },
    ],
    pools: [{ name: 'default-dhcp', ranges: '192.168.88.10-192.168.88.254' }],
    poolUsed: [
      { pool: 'default-dhcp', address: '192.168.88.10', owner: PHONE, info: 'bridge' },
      { pool: 'default-dhcp', address: '192.168.88.11', owner: LAPTOP, info: 'bridge' },
    ],
  };
}

function legacyApLan(): LanData {
  return {
    system: { ...sampleLan().system, identity: 'ap-garage', boardName: 'RB941-2nD' },
    leases: [],
    arp: [],
    bridgeHosts: [
      { macAddress: GATEWAY_PORT, bridge: 'bridge', interface: 'ether1', dynamic: true },
      { macAddress: CAMERA, bridge: 'bridge', interface: 'wlan1', dynamic: true },
      { macAddress: PHONE, bridge: 'bridge', interface: 'wlan1', dynamic: true },
    ],
    wirelessRegistrations: [
      {
        macAddress: CAMERA,
        interface: 'wlan1',
        signal: '-67@HT20-7',
        txRate: '58.5Mbps-HT',
        rxRate: '6Mbps',
        uptimeSeconds: 3723,
        bytesTx: 48_211_905,
        bytesRx: 9_112_448_100,
      },
      {
        macAddress: PHONE,
        interface: 'wlan1',
        signal: '-74dBm@6Mbps',
        txRate: '52.0Mbps-HT',
        rxRate: '1.2Mbps',
        uptimeSeconds: 600,
        bytesTx: 1000,
        bytesRx: 2000,
      },
    ],
  };
}

function wifiApLan(): LanData {
  return {
    system: { ...sampleLan().system, identity: 'ap-upstairs' },
    leases: [],
    arp: [],
    bridgeHosts: [{ macAddress: GATEWAY_PORT, bridge: 'bridge', interface: 'ether1', dynamic: true }],
    wifiRegistrations: [],
  };
}

const metric = (samples: ParsedSample[], name: string, labels: Record<string, string>): number | undefined =>
  findSample(samples, name, labels)?.value;

describe('device depth: a gateway and two access points, end to end', () => {
  let gateway: RunningSimulator;
  let legacy: RunningSimulator;
  let wifi: RunningSimulator;
  let exporter: ExporterProcess;
  let startedAt: number;

  const scrape = async (): Promise<{ text: string; samples: ParsedSample[] }> => {
    const text = await (await fetch(`${exporter.url}/metrics`)).text();
    return { text, samples: parseExposition(text) };
  };

  beforeAll(async () => {
    startedAt = Date.now() / 1000;
    gateway = await startSimulator({ lan: gatewayLan() });
    legacy = await startSimulator({ lan: legacyApLan(), versionProfile: '6.49' });
    wifi = await startSimulator({ lan: wifiApLan() });
    const router = (name: string, sim: RunningSimulator, gatewayName: string | null) => ({
      name,
      host: sim.host,
      port: sim.port,
      user: 'monitor',
      password: 'secret',
      ...(gatewayName ? { gateway: gatewayName } : {}),
    });
    exporter = await startExporter({
      config: {
        routers: [router('gw', gateway, null), router('ap-garage', legacy, 'gw'), router('ap-upstairs', wifi, 'gw')],
        poll: { intervalSeconds: 1 },
        state: { path: `/tmp/netmon-depth-${process.pid}-${Date.now()}.json` },
      },
    });
  }, 30_000);

  afterAll(async () => {
    await exporter?.stop();
    await Promise.all([gateway?.close(), legacy?.close(), wifi?.close()]);
  });

  it("every new series has its exact value, under the gateway's name", async () => {
    const { text, samples } = await waitFor(
      async () => {
        const scraped = await scrape();
        return metric(scraped.samples, 'netmon_device_wifi_signal_dbm', { router: 'gw', mac: CAMERA }) === undefined
          ? undefined
          : scraped;
      },
      15_000,
      'the camera joined under the gateway',
    );
    const camera = { router: 'gw', mac: CAMERA };
    expect(metric(samples, 'netmon_device_wifi_signal_dbm', camera)).toBe(-67);
    expect(metric(samples, 'netmon_device_wifi_tx_rate_bytes_per_second', camera)).toBe(58_500_000 / 8);
    expect(metric(samples, 'netmon_device_wifi_rx_rate_bytes_per_second', camera)).toBe(6_000_000 / 8);
    const since = metric(samples, 'netmon_device_wifi_connected_since_timestamp_seconds', camera)!;
    expect(Math.abs(since - (startedAt - 3723))).toBeLessThanOrEqual(3);
    expect(findSample(samples, 'netmon_device_wifi_info', camera)?.labels).toEqual({
      router: 'gw',
      mac: CAMERA,
      ap: 'ap-garage',
      interface: 'wlan1',
      ssid: '',
      band: '',
    });
    expect(metric(samples, 'netmon_device_traffic_bytes_total', { ...camera, direction: 'down' })).toBe(48_211_905);
    expect(metric(samples, 'netmon_device_traffic_bytes_total', { ...camera, direction: 'up' })).toBe(9_112_448_100);
    // A Wi-Fi-only device is a present device of the gateway.
    expect(metric(samples, 'netmon_device_present', camera)).toBe(1);

    const laptop = { router: 'gw', mac: LAPTOP };
    expect(metric(samples, 'netmon_device_traffic_bytes_total', { ...laptop, direction: 'down' })).toBe(4_812_337_201);
    expect(metric(samples, 'netmon_device_traffic_bytes_total', { ...laptop, direction: 'up' })).toBe(312_554_900);
    expect(findSample(samples, 'netmon_device_wifi_signal_dbm', laptop)).toBeUndefined();

    expect(metric(samples, 'netmon_dhcp_pool_addresses', { router: 'gw', pool: 'default-dhcp' })).toBe(245);
    expect(metric(samples, 'netmon_dhcp_pool_used_addresses', { router: 'gw', pool: 'default-dhcp' })).toBe(2);

    // An IPv6-only device.
    expect(metric(samples, 'netmon_device_present', { router: 'gw', mac: SENSOR })).toBe(1);

    // Missing menus (no Wi-Fi on the gateway; nothing but Wi-Fi on the 6.49 AP) leave the routers up.
    for (const name of ['gw', 'ap-garage', 'ap-upstairs']) expect(metric(samples, 'netmon_router_up', { router: name })).toBe(1);
    expect(metric(samples, 'netmon_router_source_available', { router: 'gw', source: 'wifi' })).toBe(0);
    expect(metric(samples, 'netmon_router_source_available', { router: 'gw', source: 'traffic' })).toBe(1);
    expect(metric(samples, 'netmon_router_source_rows', { router: 'gw', source: 'ipv6' })).toBe(3);
    expect(metric(samples, 'netmon_router_source_available', { router: 'ap-garage', source: 'wifi' })).toBe(1);
    expect(metric(samples, 'netmon_router_source_available', { router: 'ap-garage', source: 'ipv6' })).toBe(0);
    expect(metric(samples, 'netmon_router_source_rows', { router: 'ap-garage', source: 'wifi' })).toBe(2);

    // Access points have no devices of their own; nothing is keyed by their names but router series.
    expect(samples.filter((s) => s.name.startsWith('netmon_device_') && s.labels.router !== 'gw')).toEqual([]);
    // The gateway's own port, learned by the APs on their uplinks, is not a device.
    expect(samples.filter((s) => s.labels.mac === GATEWAY_PORT)).toEqual([]);

    expect(promtoolCheckMetrics(text)).toEqual({ status: 0, output: '' });

    const devices = (await (await fetch(`${exporter.url}/api/devices`)).json()) as Array<Record<string, unknown>>;
    const sensor = devices.find((d) => d.mac === SENSOR)!;
    expect(sensor).toMatchObject({ router: 'gw', present: true, ipv6Addresses: ['2001:db8::4', 'fe80::d2aa:ff:fe00:4'] });
    expect(devices.find((d) => d.mac === LAPTOP)).toMatchObject({
      traffic: { source: 'kid-control', bytesDown: 4_812_337_201, rateDownBps: 1_200_000, rateUpBps: 96_000 },
    });
    expect(devices.find((d) => d.mac === CAMERA)).toMatchObject({ wifi: { ap: 'ap-garage', signalDbm: -67 }, ip: null });
  });

  it('a roaming client changes only its Wi-Fi info; hostile SSIDs and interface names keep the exposition valid', async () => {
    const phone = { router: 'gw', mac: PHONE };
    const before = await waitFor(
      async () => {
        const { samples } = await scrape();
        return findSample(samples, 'netmon_device_wifi_info', phone)?.labels.ap === 'ap-garage' ? samples : undefined;
      },
      15_000,
      'the phone on the garage AP',
    );
    const firstSeen = metric(before, 'netmon_device_first_seen_timestamp_seconds', phone);
    expect(metric(before, 'netmon_device_wifi_signal_dbm', phone)).toBe(-74);

    // The phone roams upstairs: the garage AP drops it, the wifi AP lists it (with a hostile SSID and interface).
    legacy.tables.wirelessRegistrations = legacy.tables.wirelessRegistrations!.filter((row) => row.macAddress !== PHONE);
    wifi.tables.wifiRegistrations!.push({
      macAddress: PHONE,
      interface: HOSTILE_INTERFACE,
      ssid: HOSTILE_SSID,
      band: '5ghz-ax',
      signal: '-52',
      txRate: '866.6Mbps-80MHz/2S/SGI',
      rxRate: '573.5Mbps-80MHz/2S',
      uptimeSeconds: 5,
      bytesTx: 10,
      bytesRx: 20,
    });
    const { text, samples } = await waitFor(
      async () => {
        const scraped = await scrape();
        return findSample(scraped.samples, 'netmon_device_wifi_info', phone)?.labels.ap === 'ap-upstairs' ? scraped : undefined;
      },
      15_000,
      'the phone upstairs',
    );
    expect(findSample(samples, 'netmon_device_wifi_info', phone)?.labels).toEqual({
      ...phone,
      ap: 'ap-upstairs',
      interface: HOSTILE_INTERFACE,
      ssid: HOSTILE_SSID,
      band: '5ghz-ax',
    });
    expect(samples.filter((s) => s.name === 'netmon_device_wifi_info' && s.labels.mac === PHONE)).toHaveLength(1);
    expect(metric(samples, 'netmon_device_wifi_signal_dbm', phone)).toBe(-52);
    expect(metric(samples, 'netmon_device_wifi_tx_rate_bytes_per_second', phone)).toBe(866_600_000 / 8);
    expect(metric(samples, 'netmon_device_first_seen_timestamp_seconds', phone)).toBe(firstSeen);
    expect(metric(samples, 'netmon_device_present', phone)).toBe(1);
    expect(promtoolCheckMetrics(text)).toEqual({ status: 0, output: '' });
  });
});
