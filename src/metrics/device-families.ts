import type { DeviceRecord } from '../inventory/types.js';
import { ByteWriter } from './byte-writer.js';
import { DEVICE_FAMILIES } from './families.js';
import { formatLabels } from './text-format.js';

/** Sizes of one router's fragments from its previous poll: the writers start at that size. */
export type FragmentSizeHints = ReadonlyMap<string, number>;

const F = DEVICE_FAMILIES;
const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');

// Fixed pieces of every line, encoded once.
const QUOTE_CLOSE_VALUE = ascii('"} ');
const ONE_LINE = ascii('"} 1\n');
const PRESENT_1 = ascii('"} 1\n');
const PRESENT_0 = ascii('"} 0\n');
const INFO_LABELS = ['ip', 'hostname', 'name', 'interface', 'bridge_port', 'dhcp_server', 'lease', 'randomized', 'watched'].map(
  (name) => ascii(`",${name}="`),
);

/** `<family>{router="<router>",mac="` for one router, per family. */
class LinePrefixes {
  router: string | null = null;
  present = Buffer.alloc(0);
  lastSeen = Buffer.alloc(0);
  firstSeen = Buffer.alloc(0);
  leaseExpiry = Buffer.alloc(0);
  info = Buffer.alloc(0);

  for(router: string): this {
    if (router === this.router) return this;
    this.router = router;
    const writer = new ByteWriter(64);
    writer.labelValue(router);
    const escaped = writer.finish().toString('utf8');
    const prefix = (family: string) => Buffer.from(`${family}{router="${escaped}",mac="`, 'utf8');
    this.present = prefix(F.present.name);
    this.lastSeen = prefix(F.lastSeen.name);
    this.firstSeen = prefix(F.firstSeen.name);
    this.leaseExpiry = prefix(F.leaseExpiry.name);
    this.info = prefix(F.info.name);
    return this;
  }
}

/**
 * Renders one router's devices as fragments of the device families, as UTF-8
 * bytes. Series are keyed by {router, mac} only, so an IP or hostname change
 * never starts a new series of the value families; the descriptive labels live
 * on netmon_device_info.
 */
export function renderDeviceFragments(devices: ReadonlyArray<DeviceRecord>, hints?: FragmentSizeHints): Map<string, Buffer> {
  const size = (family: string, perDevice: number) => (hints?.get(family) ?? devices.length * perDevice) * 1.05 + 256;
  const present = new ByteWriter(size(F.present.name, 70));
  const lastSeen = new ByteWriter(size(F.lastSeen.name, 90));
  const firstSeen = new ByteWriter(size(F.firstSeen.name, 90));
  const leaseExpiry = new ByteWriter(size(F.leaseExpiry.name, 100));
  const info = new ByteWriter(size(F.info.name, 260));
  const prefixes = new LinePrefixes();

  for (const device of devices) {
    const p = prefixes.for(device.router);
    const mac = device.mac;
    present.bytes(p.present);
    present.labelValue(mac);
    present.bytes(device.present ? PRESENT_1 : PRESENT_0);
    if (device.lastSeen !== null) timestampLine(lastSeen, p.lastSeen, mac, device.lastSeen);
    if (device.firstSeen !== null) timestampLine(firstSeen, p.firstSeen, mac, device.firstSeen);
    if (device.leaseExpiresAt !== null) timestampLine(leaseExpiry, p.leaseExpiry, mac, device.leaseExpiresAt);

    info.bytes(p.info);
    info.labelValue(mac);
    const values = [
      device.ip ?? '',
      device.hostname ?? '',
      device.name ?? '',
      device.interface ?? '',
      device.bridgePort ?? '',
      device.dhcpServer ?? '',
      device.lease,
      device.randomized ? 'true' : 'false',
      device.watched ? 'true' : 'false',
    ];
    for (let i = 0; i < values.length; i++) {
      info.bytes(INFO_LABELS[i]!);
      info.labelValue(values[i]!);
    }
    info.bytes(ONE_LINE);
  }
  return new Map([
    [F.present.name, present.finish()],
    [F.lastSeen.name, lastSeen.finish()],
    [F.firstSeen.name, firstSeen.finish()],
    [F.leaseExpiry.name, leaseExpiry.finish()],
    [F.info.name, info.finish()],
  ]);
}

function timestampLine(writer: ByteWriter, prefix: Buffer, mac: string, seconds: number): void {
  writer.bytes(prefix);
  writer.labelValue(mac);
  writer.bytes(QUOTE_CLOSE_VALUE);
  writer.sampleValue(roundSeconds(seconds));
  writer.ascii('\n');
}

export function deviceInfoLabels(device: DeviceRecord): string {
  return formatLabels([
    ['router', device.router],
    ['mac', device.mac],
    ['ip', device.ip ?? ''],
    ['hostname', device.hostname ?? ''],
    ['name', device.name ?? ''],
    ['interface', device.interface ?? ''],
    ['bridge_port', device.bridgePort ?? ''],
    ['dhcp_server', device.dhcpServer ?? ''],
    ['lease', device.lease],
    ['randomized', String(device.randomized)],
    ['watched', String(device.watched)],
  ]);
}

/** Millisecond precision is all a timestamp gauge needs, and it keeps the page short. */
function roundSeconds(value: number): number {
  return Math.round(value * 1000) / 1000;
}
