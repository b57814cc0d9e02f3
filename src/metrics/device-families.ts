import type { DeviceRecord, DeviceView } from '../inventory/types.js';
import { ByteWriter, MillisecondsText } from './byte-writer.js';
import { DEVICE_FAMILIES } from './families.js';
import { formatLabels } from './text-format.js';

const F = DEVICE_FAMILIES;
const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');

// Fixed pieces of every line, encoded once.
const QUOTE_CLOSE_VALUE = ascii('"} ');
const PRESENT_1 = ascii('"} 1\n');
const PRESENT_0 = ascii('"} 0\n');
const INFO_END = ascii('"} 1\n');
const LABEL = {
  ip: ascii('",ip="'),
  hostname: ascii('",hostname="'),
  name: ascii('",name="'),
  interface: ascii('",interface="'),
  bridgePort: ascii('",bridge_port="'),
  dhcpServer: ascii('",dhcp_server="'),
  lease: ascii('",lease="'),
  randomized: ascii('",randomized="'),
  watched: ascii('",watched="'),
};

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

// Where a device's lines sit in the last fragment of each family (-1: no line), as offsets in KeptLines.positions.
const PRESENT_START = 0;
const PRESENT_END = 1;
// A timestamp family's three: its line's start, its end and where its value starts, at START + these.
const FIRST_SEEN_START = 2;
const LAST_SEEN_START = 5;
const LEASE_EXPIRY_START = 8;
const END = 1;
const VALUE = 2;
const INFO_START = 11;
const INFO_END_AT = 12;
const POSITIONS = 13;
// The times the timestamp lines were written from (NaN: no line), as offsets in KeptLines.times.
const FIRST_SEEN = 0;
const LAST_SEEN = 1;
const LEASE_EXPIRY = 2;
const TIMES = 3;

/** The descriptive labels an info line was written from; kept only for devices without an infoVersion. */
interface KeptInfo {
  router: string;
  ip: string | null;
  hostname: string | null;
  name: string | null;
  interface: string | null;
  bridgePort: string | null;
  dhcpServer: string | null;
  lease: string;
  randomized: boolean;
  watched: boolean;
}

/**
 * What each device's lines were rendered from and where they sit in the
 * last fragments, one row per device in the order of the last rendering, as
 * columns: typed arrays for the numbers, and the device's own MAC and router
 * strings (no copies). One object of 28 fields per device was 14 MB at 50k
 * devices (with the property arrays it grew as its fields were added); this
 * is about 100 bytes a device. The info line's labels are kept only for
 * devices without an infoVersion (records): for the registry's entries the
 * version alone says whether the line can be reused.
 */
class KeptLines {
  readonly macs: string[];
  readonly routers: string[];
  readonly present: Uint8Array;
  readonly positions: Int32Array;
  readonly times: Float64Array;
  /** The device's infoVersion when its info line was written; -1 without one. */
  readonly infoVersions: Float64Array;
  /** Per device, the labels of its info line when it had no infoVersion; null while no device needed them. */
  labels: Array<KeptInfo | undefined> | null = null;

  constructor(readonly count: number) {
    this.macs = new Array<string>(count);
    this.routers = new Array<string>(count);
    this.present = new Uint8Array(count);
    this.positions = new Int32Array(count * POSITIONS);
    this.times = new Float64Array(count * TIMES);
    this.infoVersions = new Float64Array(count);
  }
}

const NO_LINES = new KeptLines(0);

function sameInfo(kept: KeptInfo | undefined, device: DeviceView): boolean {
  return (
    kept !== undefined &&
    kept.ip === device.ip &&
    kept.hostname === device.hostname &&
    kept.name === device.name &&
    kept.interface === device.interface &&
    kept.bridgePort === device.bridgePort &&
    kept.dhcpServer === device.dhcpServer &&
    kept.lease === device.lease &&
    kept.randomized === device.randomized &&
    kept.watched === device.watched &&
    kept.router === device.router
  );
}

function infoOf(device: DeviceView): KeptInfo {
  return {
    router: device.router,
    ip: device.ip,
    hostname: device.hostname,
    name: device.name,
    interface: device.interface,
    bridgePort: device.bridgePort,
    dhcpServer: device.dhcpServer,
    lease: device.lease,
    randomized: device.randomized,
    watched: device.watched,
  };
}

interface Fragments {
  present: Buffer;
  lastSeen: Buffer;
  firstSeen: Buffer;
  leaseExpiry: Buffer;
  info: Buffer;
}

/**
 * Renders one router's devices as fragments of the device families, as UTF-8
 * bytes. Series are keyed by {router, mac} only, so an IP or hostname change
 * never starts a new series of the value families; the descriptive labels live
 * on netmon_device_info.
 *
 * Keeps the last fragments: a device's lines change only when their values
 * do, so unchanged lines are taken from the previous poll's bytes (in runs,
 * see ByteWriter.reuse) instead of being escaped and encoded again, and a
 * family in which nothing changed is the previous poll's Buffer itself. Only
 * last-seen (and lease expiry) move with every poll for every device seen.
 *
 * Devices are read through DeviceView: in production they are the registry's
 * live entries, so a poll builds no per-device objects on the way here.
 */
export class DeviceFamiliesRenderer {
  private last: Fragments | null = null;
  /** In the order of the last rendering (by MAC, as the registry lists devices). */
  private kept: KeptLines = NO_LINES;
  private lastDevices: ReadonlyArray<DeviceView> | null = null;
  private sizes = new Map<string, number>();

  render(devices: ReadonlyArray<DeviceView>): Map<string, Buffer> {
    // The last size, but never less than the device count says: a router's first rendering (no devices yet) left
    // sizes of 0, and the first poll of 50k devices then grew each writer from 256 bytes by doubling (75 MB of
    // buffers for a 26 MB page; RSS at the end of that poll's publish 292 -> 272 MB with this).
    const size = (family: string, perDevice: number) =>
      Math.max(this.sizes.get(family) ?? 0, devices.length * perDevice) * 1.05 + 256;
    const present = new ByteWriter(size(F.present.name, 70));
    const lastSeen = new ByteWriter(size(F.lastSeen.name, 90));
    const firstSeen = new ByteWriter(size(F.firstSeen.name, 90));
    const leaseExpiry = new ByteWriter(size(F.leaseExpiry.name, 100));
    const info = new ByteWriter(size(F.info.name, 260));
    const prefixes = new LinePrefixes();
    const firstSeenText = new MillisecondsText();
    const lastSeenText = new MillisecondsText();
    const leaseExpiryText = new MillisecondsText();
    const last = this.last;
    const previous = last === null ? NO_LINES : this.kept;
    const oldMacs = previous.macs;
    const oldPositions = previous.positions;
    // The same list as last time (the registry's own array, while no device came or went): every device is
    // found at its own index, so its row is updated in place (read before it is written). Otherwise new columns.
    const kept = devices === this.lastDevices && previous.count === devices.length ? previous : new KeptLines(devices.length);
    this.lastDevices = devices;
    const positions = kept.positions;
    // Both lists are sorted by MAC: walk them side by side instead of hashing every MAC.
    // Out of order, a device is just not found and is written afresh.
    let j = 0;

    for (let i = 0; i < devices.length; i++) {
      const device = devices[i]!;
      const router = device.router;
      const p = prefixes.for(router);
      const mac = device.mac;
      // Mostly the same device as at this position last time (the same MAC string): no comparison of MAC texts.
      if (j < previous.count && oldMacs[j] !== mac) {
        while (j < previous.count && oldMacs[j]! < mac) j++;
      }
      // `o`: the row of this device's lines in the last rendering, or -1 when they are not reusable.
      let o = -1;
      if (j < previous.count && oldMacs[j] === mac) {
        if (previous.routers[j] === router) o = j;
        j++;
      }
      const op = o * POSITIONS;

      const isPresent = device.present;
      const presentStart = present.length;
      if (o >= 0 && (previous.present[o] === 1) === isPresent) {
        present.reuse(last!.present, oldPositions[op + PRESENT_START]!, oldPositions[op + PRESENT_END]!);
      } else {
        present.bytes(p.present);
        present.labelValue(mac);
        present.bytes(isPresent ? PRESENT_1 : PRESENT_0);
      }
      const presentEnd = present.length;

      // Each timestamp family's line, and where it now sits, into row i (row o, when it is i, is read first).
      timestampFamily(
        firstSeen,
        last?.firstSeen,
        p.firstSeen,
        mac,
        device.firstSeen,
        firstSeenText,
        previous,
        o,
        kept,
        i,
        FIRST_SEEN_START,
        FIRST_SEEN,
      );
      timestampFamily(
        lastSeen,
        last?.lastSeen,
        p.lastSeen,
        mac,
        device.lastSeen,
        lastSeenText,
        previous,
        o,
        kept,
        i,
        LAST_SEEN_START,
        LAST_SEEN,
      );
      timestampFamily(
        leaseExpiry,
        last?.leaseExpiry,
        p.leaseExpiry,
        mac,
        device.leaseExpiresAt,
        leaseExpiryText,
        previous,
        o,
        kept,
        i,
        LEASE_EXPIRY_START,
        LEASE_EXPIRY,
      );

      const infoStart = info.length;
      const version = device.infoVersion;
      const oldInfo = o >= 0 && version === undefined ? (previous.labels?.[o] ?? undefined) : undefined;
      const infoSame = o >= 0 && (version !== undefined ? previous.infoVersions[o] === version : sameInfo(oldInfo, device));
      if (infoSame) info.reuse(last!.info, oldPositions[op + INFO_START]!, oldPositions[op + INFO_END_AT]!);
      else infoLine(info, p.info, device);
      const infoEnd = info.length;

      // Steady state allocates nothing per device: the row of what was written is updated in place.
      const np = i * POSITIONS;
      kept.macs[i] = mac;
      kept.routers[i] = router;
      kept.present[i] = isPresent ? 1 : 0;
      positions[np + PRESENT_START] = presentStart;
      positions[np + PRESENT_END] = presentEnd;
      positions[np + INFO_START] = infoStart;
      positions[np + INFO_END_AT] = infoEnd;
      kept.infoVersions[i] = version ?? -1;
      if (version === undefined) {
        kept.labels ??= new Array<KeptInfo | undefined>(kept.count);
        kept.labels[i] = infoSame ? oldInfo : infoOf(device);
      } else if (kept.labels !== null) kept.labels[i] = undefined;
    }
    const fragments = new Map([
      [F.present.name, present.finish()],
      [F.lastSeen.name, lastSeen.finish()],
      [F.firstSeen.name, firstSeen.finish()],
      [F.leaseExpiry.name, leaseExpiry.finish()],
      [F.info.name, info.finish()],
    ]);
    this.last = {
      present: fragments.get(F.present.name)!,
      lastSeen: fragments.get(F.lastSeen.name)!,
      firstSeen: fragments.get(F.firstSeen.name)!,
      leaseExpiry: fragments.get(F.leaseExpiry.name)!,
      info: fragments.get(F.info.name)!,
    };
    this.kept = kept;
    for (const [family, bytes] of fragments) this.sizes.set(family, bytes.length);
    return fragments;
  }
}

/** One-off rendering (no reuse between calls). */
export function renderDeviceFragments(devices: ReadonlyArray<DeviceView>): Map<string, Buffer> {
  return new DeviceFamiliesRenderer().render(devices);
}

function infoLine(info: ByteWriter, prefix: Buffer, device: DeviceView): void {
  info.bytes(prefix);
  info.labelValue(device.mac);
  info.bytes(LABEL.ip);
  info.labelValue(device.ip ?? '');
  info.bytes(LABEL.hostname);
  info.labelValue(device.hostname ?? '');
  info.bytes(LABEL.name);
  info.labelValue(device.name ?? '');
  info.bytes(LABEL.interface);
  info.labelValue(device.interface ?? '');
  info.bytes(LABEL.bridgePort);
  info.labelValue(device.bridgePort ?? '');
  info.bytes(LABEL.dhcpServer);
  info.labelValue(device.dhcpServer ?? '');
  info.bytes(LABEL.lease);
  info.labelValue(device.lease);
  info.bytes(LABEL.randomized);
  info.ascii(device.randomized ? 'true' : 'false');
  info.bytes(LABEL.watched);
  info.ascii(device.watched ? 'true' : 'false');
  info.bytes(INFO_END);
}

/**
 * One timestamp family's line of a device (none when `seconds` is null),
 * reusing row `o` of `previous` (-1: nothing to reuse), and where it now sits
 * into row `i` of `kept`, at `at` (the family's START) and time `time`.
 * Reads row `o` before writing row `i`: they are the same row when the
 * columns are updated in place.
 */
function timestampFamily(
  writer: ByteWriter,
  last: Buffer | undefined,
  prefix: Buffer,
  mac: string,
  seconds: number | null,
  text: MillisecondsText,
  previous: KeptLines,
  o: number,
  kept: KeptLines,
  i: number,
  at: number,
  time: number,
): void {
  let start = -1;
  let end = -1;
  let value = -1;
  if (seconds !== null) {
    start = writer.length;
    if (o < 0) value = timestampLine(writer, prefix, mac, seconds, text);
    else {
      const op = o * POSITIONS + at;
      const old = previous.positions;
      value = keptTimestampLine(
        writer,
        last!,
        prefix,
        mac,
        seconds,
        text,
        previous.times[o * TIMES + time]!,
        old[op]!,
        old[op + END]!,
        old[op + VALUE]!,
      );
    }
    end = writer.length;
  }
  const np = i * POSITIONS + at;
  kept.positions[np] = start;
  kept.positions[np + END] = end;
  kept.positions[np + VALUE] = value;
  kept.times[i * TIMES + time] = seconds ?? Number.NaN;
}

/** Writes a timestamp line afresh; returns where its value starts. */
function timestampLine(writer: ByteWriter, prefix: Buffer, mac: string, seconds: number, text: MillisecondsText): number {
  writer.bytes(prefix);
  writer.labelValue(mac);
  writer.bytes(QUOTE_CLOSE_VALUE);
  const at = writer.length;
  writer.bytes(text.bytes, text.of(seconds));
  writer.newline();
  return at;
}

/**
 * A device's timestamp line; when the last rendering had one (start >= 0) at
 * `last[start..end)`, its value at `valueAt`, it is reused as it was when the time
 * did not change; when only the time changed and its text is as wide (last
 * seen moves with every poll, almost always by the same number of digits),
 * reused with the new value written over the old one; else written afresh.
 * Returns where the value starts.
 */
function keptTimestampLine(
  writer: ByteWriter,
  last: Buffer,
  prefix: Buffer,
  mac: string,
  seconds: number,
  text: MillisecondsText,
  oldSeconds: number,
  start: number,
  end: number,
  valueAt: number,
): number {
  if (start < 0) return timestampLine(writer, prefix, mac, seconds, text);
  const valueOffset = valueAt - start;
  if (oldSeconds === seconds) {
    const at = writer.length + valueOffset;
    writer.reuse(last, start, end);
    return at;
  }
  // The old value runs up to the line's newline.
  const width = text.of(seconds);
  if (width !== end - 1 - valueAt) return timestampLine(writer, prefix, mac, seconds, text);
  const at = writer.length + valueOffset;
  writer.reuseWith(last, start, end, valueOffset, text);
  return at;
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
