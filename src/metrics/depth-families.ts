/**
 * The device-depth families of one router: Wi-Fi and traffic per device (only
 * devices a depth source lists have lines), pools and the state of each
 * source. Label values go through formatLabels, so hostile SSIDs and interface
 * names are escaped like host names.
 *
 * Like the base device families (device-families.ts), a renderer keeps the last
 * poll's bytes and where each device's lines sit in them: a line whose values
 * did not change is copied from those bytes (in runs, see ByteWriter.reuse), and
 * a family in which nothing changed is the previous poll's Buffer itself. At 10k
 * Wi-Fi devices rendering every line anew (labels escaped, strings joined, then
 * encoded) cost more than the five base families with reuse.
 */
import type { DeviceView } from '../inventory/types.js';
import type { RouterPollStatus } from '../poller/router-poll-status.js';
import { SOURCE_NAMES } from '../routeros/depth-sources.js';
import { ByteWriter, digitCount } from './byte-writer.js';
import { DEPTH_FAMILIES } from './families.js';
import { formatLabels, sampleLine } from './text-format.js';

const F = DEPTH_FAMILIES;

/** What one device's depth lines were rendered from, and where each sits in the last fragment of its family (-1: no line). */
interface KeptDepthLines {
  mac: string;
  router: string;
  /** The facts the lines were rendered from (never changed once handed out: the same object means the same lines). */
  wifiFacts: DeviceView['wifi'];
  trafficFacts: DeviceView['traffic'];
  signalDbm: number | null;
  signalStart: number;
  signalEnd: number;
  txRateBps: number | null;
  txRateStart: number;
  txRateEnd: number;
  rxRateBps: number | null;
  rxRateStart: number;
  rxRateEnd: number;
  connectedSince: number | null;
  sinceStart: number;
  sinceEnd: number;
  /** null: no info line. */
  ap: string | null;
  interface: string | null;
  ssid: string | null;
  band: string | null;
  infoStart: number;
  infoEnd: number;
  bytesDown: number | null;
  bytesUp: number | null;
  /** The traffic lines: down from trafficStart, up from trafficUpStart, to trafficEnd. */
  trafficStart: number;
  trafficUpStart: number;
  trafficEnd: number;
}

interface DepthBytes {
  signal: Buffer;
  txRate: Buffer;
  rxRate: Buffer;
  since: Buffer;
  info: Buffer;
  traffic: Buffer;
}

const SPACE = 0x20;
const DOWN = ',direction="down"';
const UP = ',direction="up"';

/**
 * One `name{labels} value` line of a device (labels: router, mac, then
 * `moreLabels`). With the device's line of the last rendering (same labels;
 * `oldValue` the value it carries), the line is copied whole when the value is
 * the same, else copied up to its value and the new value written after it: the
 * same bytes as sampleLine, without rebuilding the labels. Signals, rates and
 * association times change every few polls; the byte counters of an active
 * device at every poll.
 */
function numberLine(
  writer: ByteWriter,
  last: Buffer | undefined,
  oldStart: number,
  oldEnd: number,
  oldValue: number | null,
  name: string,
  routerMac: string | null,
  router: string,
  mac: string,
  value: number,
  moreLabels = '',
): void {
  if (last === undefined || oldStart < 0 || oldValue === null) {
    // A line the device did not have. A device new to the renderer brings its labels, formatted once for
    // all its lines; a known one gaining a line formats them here (kept per device, they were 4.5k
    // strings of several parts each for the collector to mark at 10k devices).
    const labels = routerMac ?? routerMacLabels(router, mac);
    writer.text(sampleLine(name, labels + moreLabels, value));
  } else if (oldValue === value) {
    writer.reuse(last, oldStart, oldEnd);
  } else {
    // The old line ends with ` value` and a newline, and a value holds no space: its start is after the last space.
    let valueStart = oldEnd - 2;
    while (last[valueStart] !== SPACE) valueStart--;
    const width = oldEnd - 2 - valueStart;
    if (digitCount(value) === width) {
      // The same width (a counter that moved): the line stays in its run, only the digits are new.
      writer.reuseWithNumber(last, oldStart, oldEnd, valueStart + 1 - oldStart, value, width);
    } else {
      writer.reuse(last, oldStart, valueStart + 1);
      writer.sampleValue(value);
      writer.newline();
    }
  }
}

function routerMacLabels(router: string, mac: string): string {
  return formatLabels([
    ['router', router],
    ['mac', mac],
  ]);
}

/** Copies a device's lines from the last rendering unchanged, and notes where they now sit. */
function keepLines(
  lines: KeptDepthLines,
  last: DepthBytes,
  signal: ByteWriter,
  txRate: ByteWriter,
  rxRate: ByteWriter,
  since: ByteWriter,
  info: ByteWriter,
  traffic: ByteWriter,
): void {
  if (lines.signalStart >= 0) {
    lines.signalStart = copyLine(signal, last.signal, lines.signalStart, lines.signalEnd);
    lines.signalEnd = signal.length;
  }
  if (lines.txRateStart >= 0) {
    lines.txRateStart = copyLine(txRate, last.txRate, lines.txRateStart, lines.txRateEnd);
    lines.txRateEnd = txRate.length;
  }
  if (lines.rxRateStart >= 0) {
    lines.rxRateStart = copyLine(rxRate, last.rxRate, lines.rxRateStart, lines.rxRateEnd);
    lines.rxRateEnd = rxRate.length;
  }
  if (lines.sinceStart >= 0) {
    lines.sinceStart = copyLine(since, last.since, lines.sinceStart, lines.sinceEnd);
    lines.sinceEnd = since.length;
  }
  if (lines.infoStart >= 0) {
    lines.infoStart = copyLine(info, last.info, lines.infoStart, lines.infoEnd);
    lines.infoEnd = info.length;
  }
  if (lines.trafficStart >= 0) {
    const start = copyLine(traffic, last.traffic, lines.trafficStart, lines.trafficEnd);
    lines.trafficUpStart = start + (lines.trafficUpStart - lines.trafficStart);
    lines.trafficStart = start;
    lines.trafficEnd = traffic.length;
  }
}

/** Appends `source[start..end)` to `writer`; returns where it starts there. */
function copyLine(writer: ByteWriter, source: Buffer, start: number, end: number): number {
  const at = writer.length;
  writer.reuse(source, start, end);
  return at;
}

/** Renders one router's depth families as UTF-8 bytes, reusing what did not change since its last call. */
export class DepthFamiliesRenderer {
  private last: DepthBytes | null = null;
  /** Devices with depth lines, in the order of the last rendering (by MAC, as the registry lists devices). */
  private kept: KeptDepthLines[] = [];
  private sizes: Record<keyof DepthBytes, number> = { signal: 0, txRate: 0, rxRate: 0, since: 0, info: 0, traffic: 0 };

  render(status: RouterPollStatus, devices: ReadonlyArray<DeviceView>): Map<string, Buffer> {
    const writer = (family: keyof DepthBytes) => new ByteWriter(this.sizes[family] * 1.05 + 256);
    const signal = writer('signal');
    const txRate = writer('txRate');
    const rxRate = writer('rxRate');
    const since = writer('since');
    const info = writer('info');
    const traffic = writer('traffic');
    const last = this.last;
    const previous = this.kept;
    // As long as the last list at once (pushed from empty, it was allocated about three times over).
    const kept = new Array<KeptDepthLines>(previous.length);
    let keptCount = 0;
    // Both lists are sorted by MAC: walk them side by side. Out of order, a device is just not found and is written afresh.
    let j = 0;

    for (const device of devices) {
      const wifi = device.wifi ?? null;
      const counted = device.traffic ?? null;
      if (wifi === null && counted === null) continue;
      const router = device.router;
      const mac = device.mac;
      while (j < previous.length && previous[j]!.mac < mac) j++;
      const found = last !== null && j < previous.length && previous[j]!.mac === mac ? previous[j++]! : undefined;
      const old = found !== undefined && found.router === router ? found : undefined;
      if (old !== undefined && old.wifiFacts === wifi && old.trafficFacts === counted) {
        // The same facts as the last rendering: every line of the device is the one it had.
        keepLines(old, last!, signal, txRate, rxRate, since, info, traffic);
        kept[keptCount++] = old;
        continue;
      }
      const routerMac = old === undefined ? routerMacLabels(router, mac) : null;

      let signalStart = -1;
      let signalEnd = -1;
      let txRateStart = -1;
      let txRateEnd = -1;
      let rxRateStart = -1;
      let rxRateEnd = -1;
      let sinceStart = -1;
      let sinceEnd = -1;
      let infoStart = -1;
      let infoEnd = -1;
      let signalDbm: number | null = null;
      let txRateBps: number | null = null;
      let rxRateBps: number | null = null;
      let connectedSince: number | null = null;
      if (wifi !== null) {
        signalDbm = wifi.signalDbm;
        if (signalDbm !== null) {
          signalStart = signal.length;
          numberLine(
            signal,
            last?.signal,
            old?.signalStart ?? -1,
            old?.signalEnd ?? -1,
            old?.signalDbm ?? null,
            F.wifiSignal.name,
            routerMac,
            router,
            mac,
            signalDbm,
          );
          signalEnd = signal.length;
        }
        txRateBps = wifi.txRateBps;
        if (txRateBps !== null) {
          txRateStart = txRate.length;
          const oldBps = old?.txRateBps ?? null;
          numberLine(
            txRate,
            last?.txRate,
            old?.txRateStart ?? -1,
            old?.txRateEnd ?? -1,
            oldBps === null ? null : oldBps / 8,
            F.wifiTxRate.name,
            routerMac,
            router,
            mac,
            txRateBps / 8,
          );
          txRateEnd = txRate.length;
        }
        rxRateBps = wifi.rxRateBps;
        if (rxRateBps !== null) {
          rxRateStart = rxRate.length;
          const oldBps = old?.rxRateBps ?? null;
          numberLine(
            rxRate,
            last?.rxRate,
            old?.rxRateStart ?? -1,
            old?.rxRateEnd ?? -1,
            oldBps === null ? null : oldBps / 8,
            F.wifiRxRate.name,
            routerMac,
            router,
            mac,
            rxRateBps / 8,
          );
          rxRateEnd = rxRate.length;
        }
        connectedSince = wifi.connectedSince;
        if (connectedSince !== null) {
          sinceStart = since.length;
          numberLine(
            since,
            last?.since,
            old?.sinceStart ?? -1,
            old?.sinceEnd ?? -1,
            old?.connectedSince ?? null,
            F.wifiConnectedSince.name,
            routerMac,
            router,
            mac,
            connectedSince,
          );
          sinceEnd = since.length;
        }
        infoStart = info.length;
        if (
          old !== undefined &&
          old.infoStart >= 0 &&
          old.ap === wifi.ap &&
          old.interface === wifi.interface &&
          old.ssid === wifi.ssid &&
          old.band === wifi.band
        ) {
          info.reuse(last!.info, old.infoStart, old.infoEnd);
        } else {
          const labels = formatLabels([
            ['router', router],
            ['mac', mac],
            ['ap', wifi.ap],
            ['interface', wifi.interface ?? ''],
            ['ssid', wifi.ssid ?? ''],
            ['band', wifi.band ?? ''],
          ]);
          info.text(sampleLine(F.wifiInfo.name, labels, 1));
        }
        infoEnd = info.length;
      }

      let trafficStart = -1;
      let trafficUpStart = -1;
      let trafficEnd = -1;
      let bytesDown: number | null = null;
      let bytesUp: number | null = null;
      if (counted !== null) {
        bytesDown = counted.bytesDown;
        bytesUp = counted.bytesUp;
        const had = old !== undefined && old.trafficStart >= 0 ? old : undefined;
        trafficStart = traffic.length;
        numberLine(
          traffic,
          last?.traffic,
          had?.trafficStart ?? -1,
          had?.trafficUpStart ?? -1,
          had?.bytesDown ?? null,
          F.traffic.name,
          routerMac,
          router,
          mac,
          bytesDown,
          DOWN,
        );
        trafficUpStart = traffic.length;
        numberLine(
          traffic,
          last?.traffic,
          had?.trafficUpStart ?? -1,
          had?.trafficEnd ?? -1,
          had?.bytesUp ?? null,
          F.traffic.name,
          routerMac,
          router,
          mac,
          bytesUp,
          UP,
        );
        trafficEnd = traffic.length;
      }

      // Steady state allocates no record per device: the one from the last poll is updated in place.
      const entry: KeptDepthLines = found ?? ({ mac } as KeptDepthLines);
      entry.router = router;
      entry.wifiFacts = wifi;
      entry.trafficFacts = counted;
      entry.signalDbm = signalDbm;
      entry.signalStart = signalStart;
      entry.signalEnd = signalEnd;
      entry.txRateBps = txRateBps;
      entry.txRateStart = txRateStart;
      entry.txRateEnd = txRateEnd;
      entry.rxRateBps = rxRateBps;
      entry.rxRateStart = rxRateStart;
      entry.rxRateEnd = rxRateEnd;
      entry.connectedSince = connectedSince;
      entry.sinceStart = sinceStart;
      entry.sinceEnd = sinceEnd;
      entry.ap = wifi === null ? null : wifi.ap;
      entry.interface = wifi === null ? null : wifi.interface;
      entry.ssid = wifi === null ? null : wifi.ssid;
      entry.band = wifi === null ? null : wifi.band;
      entry.infoStart = infoStart;
      entry.infoEnd = infoEnd;
      entry.bytesDown = bytesDown;
      entry.bytesUp = bytesUp;
      entry.trafficStart = trafficStart;
      entry.trafficUpStart = trafficUpStart;
      entry.trafficEnd = trafficEnd;
      kept[keptCount++] = entry;
    }
    const bytes: DepthBytes = {
      signal: signal.finish(),
      txRate: txRate.finish(),
      rxRate: rxRate.finish(),
      since: since.finish(),
      info: info.finish(),
      traffic: traffic.finish(),
    };
    this.last = bytes;
    kept.length = keptCount;
    this.kept = kept;
    for (const family of Object.keys(bytes) as Array<keyof DepthBytes>) this.sizes[family] = bytes[family].length;

    const out = new Map<string, Buffer>([
      [F.wifiSignal.name, bytes.signal],
      [F.wifiTxRate.name, bytes.txRate],
      [F.wifiRxRate.name, bytes.rxRate],
      [F.wifiConnectedSince.name, bytes.since],
      [F.wifiInfo.name, bytes.info],
      [F.traffic.name, bytes.traffic],
    ]);
    for (const [family, text] of renderRouterDepthFragments(status)) out.set(family, Buffer.from(text, 'utf8'));
    return out;
  }
}

/** One-off rendering (no reuse between calls). */
export function renderDepthFragments(status: RouterPollStatus, devices: ReadonlyArray<DeviceView>): Map<string, Buffer> {
  return new DepthFamiliesRenderer().render(status, devices);
}

/** The router's own depth lines (pools, source states): a handful per router, rendered anew each poll. */
function renderRouterDepthFragments(status: RouterPollStatus): Map<string, string> {
  const out = new Map<string, string>();
  let poolSize = '';
  let poolUsed = '';
  for (const pool of status.pools ?? []) {
    const labels = formatLabels([
      ['router', status.name],
      ['pool', pool.name],
    ]);
    poolSize += sampleLine(F.poolAddresses.name, labels, pool.size);
    poolUsed += sampleLine(F.poolUsed.name, labels, pool.used);
  }
  out.set(F.poolAddresses.name, poolSize);
  out.set(F.poolUsed.name, poolUsed);

  let available = '';
  let rows = '';
  if (status.depthSources !== null) {
    for (const source of SOURCE_NAMES) {
      const labels = formatLabels([
        ['router', status.name],
        ['source', source],
      ]);
      const state = status.depthSources[source];
      available += sampleLine(F.sourceAvailable.name, labels, state.available ? 1 : 0);
      rows += sampleLine(F.sourceRows.name, labels, state.rows);
    }
  }
  out.set(F.sourceAvailable.name, available);
  out.set(F.sourceRows.name, rows);
  return out;
}
