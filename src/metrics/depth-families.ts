/**
 * The device-depth families of one router: Wi-Fi and traffic per device (only
 * devices a depth source lists have lines), pools and the state of each
 * source. Rendered once per poll like the other per-router fragments; label
 * values go through formatLabels, so hostile SSIDs and interface names are
 * escaped like host names.
 */
import type { DeviceView } from '../inventory/types.js';
import type { RouterPollStatus } from '../poller/router-poll-status.js';
import { SOURCE_NAMES } from '../routeros/depth-sources.js';
import { DEPTH_FAMILIES } from './families.js';
import { formatLabels, sampleLine } from './text-format.js';

const F = DEPTH_FAMILIES;

export function renderDepthFragments(status: RouterPollStatus, devices: ReadonlyArray<DeviceView>): Map<string, string> {
  const out = new Map<string, string>();
  let signal = '';
  let txRate = '';
  let rxRate = '';
  let since = '';
  let info = '';
  let traffic = '';
  let routerMac = '';
  for (const device of devices) {
    const wifi = device.wifi;
    const counted = device.traffic;
    if ((wifi === null || wifi === undefined) && (counted === null || counted === undefined)) continue;
    routerMac = formatLabels([
      ['router', device.router],
      ['mac', device.mac],
    ]);
    if (wifi) {
      if (wifi.signalDbm !== null) signal += sampleLine(F.wifiSignal.name, routerMac, wifi.signalDbm);
      if (wifi.txRateBps !== null) txRate += sampleLine(F.wifiTxRate.name, routerMac, wifi.txRateBps / 8);
      if (wifi.rxRateBps !== null) rxRate += sampleLine(F.wifiRxRate.name, routerMac, wifi.rxRateBps / 8);
      if (wifi.connectedSince !== null) since += sampleLine(F.wifiConnectedSince.name, routerMac, wifi.connectedSince);
      const labels = formatLabels([
        ['router', device.router],
        ['mac', device.mac],
        ['ap', wifi.ap],
        ['interface', wifi.interface ?? ''],
        ['ssid', wifi.ssid ?? ''],
        ['band', wifi.band ?? ''],
      ]);
      info += sampleLine(F.wifiInfo.name, labels, 1);
    }
    if (counted) {
      traffic += sampleLine(F.traffic.name, `${routerMac},direction="down"`, counted.bytesDown);
      traffic += sampleLine(F.traffic.name, `${routerMac},direction="up"`, counted.bytesUp);
    }
  }
  out.set(F.wifiSignal.name, signal);
  out.set(F.wifiTxRate.name, txRate);
  out.set(F.wifiRxRate.name, rxRate);
  out.set(F.wifiConnectedSince.name, since);
  out.set(F.wifiInfo.name, info);
  out.set(F.traffic.name, traffic);

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
