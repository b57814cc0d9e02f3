import type { DeviceRecord } from '../inventory/types.js';
import { DEVICE_FAMILIES } from './families.js';
import { formatLabels, sampleLine } from './text-format.js';

/**
 * Renders one router's devices as fragments of the device families. Series are
 * keyed by {router, mac} only, so an IP or hostname change never starts a new
 * series of the value families; the descriptive labels live on netmon_device_info.
 */
export function renderDeviceFragments(devices: ReadonlyArray<DeviceRecord>): Map<string, string> {
  let present = '';
  let lastSeen = '';
  let firstSeen = '';
  let leaseExpiry = '';
  let info = '';
  for (const device of devices) {
    const identity = formatLabels([
      ['router', device.router],
      ['mac', device.mac],
    ]);
    present += sampleLine(DEVICE_FAMILIES.present.name, identity, device.present ? 1 : 0);
    if (device.lastSeen !== null) lastSeen += sampleLine(DEVICE_FAMILIES.lastSeen.name, identity, roundSeconds(device.lastSeen));
    if (device.firstSeen !== null) firstSeen += sampleLine(DEVICE_FAMILIES.firstSeen.name, identity, roundSeconds(device.firstSeen));
    if (device.leaseExpiresAt !== null) {
      leaseExpiry += sampleLine(DEVICE_FAMILIES.leaseExpiry.name, identity, roundSeconds(device.leaseExpiresAt));
    }
    info += sampleLine(DEVICE_FAMILIES.info.name, deviceInfoLabels(device), 1);
  }
  return new Map([
    [DEVICE_FAMILIES.present.name, present],
    [DEVICE_FAMILIES.lastSeen.name, lastSeen],
    [DEVICE_FAMILIES.firstSeen.name, firstSeen],
    [DEVICE_FAMILIES.leaseExpiry.name, leaseExpiry],
    [DEVICE_FAMILIES.info.name, info],
  ]);
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
