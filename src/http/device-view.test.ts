import { describe, expect, it } from 'vitest';
import { deviceRecord } from '../../test/support/devices.js';
import {
  clip,
  compareDevices,
  countDevices,
  DEFAULT_SELECTION,
  devicePresence,
  ipv4Number,
  leaseExpiryText,
  leaseText,
  matchesSearch,
  portText,
  relativeTime,
  selectDevices,
  type ViewDevice,
} from './device-view.js';

const NOW = 1_800_000_000;

function device(overrides: Partial<ViewDevice> & { mac: string }): ViewDevice {
  return { ...deviceRecord({ router: 'home', ...overrides }), vendor: overrides.vendor ?? null };
}

describe('relativeTime', () => {
  it('speaks in the largest whole unit, past and future', () => {
    expect(relativeTime(NOW, NOW)).toBe('just now');
    expect(relativeTime(NOW - 1.4, NOW)).toBe('just now');
    expect(relativeTime(NOW - 42, NOW)).toBe('42 s ago');
    expect(relativeTime(NOW - 59.4, NOW)).toBe('59 s ago');
    expect(relativeTime(NOW - 60, NOW)).toBe('1 min ago');
    expect(relativeTime(NOW - 180, NOW)).toBe('3 min ago');
    expect(relativeTime(NOW - 3599, NOW)).toBe('59 min ago');
    expect(relativeTime(NOW - 7200, NOW)).toBe('2 h ago');
    expect(relativeTime(NOW - 86400 * 3 - 5, NOW)).toBe('3 d ago');
    expect(relativeTime(NOW + 540, NOW)).toBe('in 9 min');
    expect(relativeTime(NOW + 30, NOW)).toBe('in 30 s');
  });
});

describe('device display rules', () => {
  it('names states, ports and leases as people read them', () => {
    expect(devicePresence(device({ mac: 'AA:00:00:00:00:01', present: true, lastSeen: NOW }))).toBe('present');
    expect(devicePresence(device({ mac: 'AA:00:00:00:00:01', present: false, lastSeen: NOW - 900 }))).toBe('absent');
    expect(devicePresence(device({ mac: 'AA:00:00:00:00:01', present: false, lastSeen: null }))).toBe('never seen');
    expect(portText(device({ mac: 'AA:00:00:00:00:01', interface: 'bridge', bridgePort: 'ether3' }))).toBe('bridge · ether3');
    expect(portText(device({ mac: 'AA:00:00:00:00:01', interface: 'ether1' }))).toBe('ether1');
    expect(portText(device({ mac: 'AA:00:00:00:00:01', bridgePort: 'wlan1' }))).toBe('wlan1');
    expect(portText(device({ mac: 'AA:00:00:00:00:01' }))).toBe('');
    expect(leaseText(device({ mac: 'AA:00:00:00:00:01', lease: 'dynamic', leaseStatus: 'bound' }))).toBe('dynamic');
    expect(leaseText(device({ mac: 'AA:00:00:00:00:01', lease: 'static', leaseStatus: 'waiting' }))).toBe('static, waiting');
    expect(leaseText(device({ mac: 'AA:00:00:00:00:01', lease: 'none' }))).toBe('none');
    expect(leaseExpiryText(device({ mac: 'AA:00:00:00:00:01', leaseExpiresAt: NOW + 600 }), NOW)).toBe('expires in 10 min');
    expect(leaseExpiryText(device({ mac: 'AA:00:00:00:00:01' }), NOW)).toBe('');
  });

  it('clips long text at a code point', () => {
    expect(clip('short', 10)).toBe('short');
    expect(clip('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
    // 12 astral characters are 24 UTF-16 units: cut by characters, never inside a pair.
    expect(clip('😀'.repeat(12), 10)).toBe(`${'😀'.repeat(9)}…`);
    expect(clip('😀'.repeat(8), 10)).toBe('😀'.repeat(8));
  });

  it('reads IPv4 addresses as numbers', () => {
    expect(ipv4Number('192.168.88.10')).toBe(0xc0a8580a);
    expect(ipv4Number('0.0.0.0')).toBe(0);
    for (const bad of ['192.168.88', '192.168.88.256', '1.2.3.4.5', 'fe80::1', '1.2.3.x', '']) expect(ipv4Number(bad)).toBeNull();
  });
});

describe('search and sort', () => {
  const devices = [
    device({
      mac: '00:0C:42:00:00:0A',
      ip: '192.168.88.10',
      hostname: 'nas',
      present: true,
      lastSeen: NOW - 10,
      firstSeen: NOW - 100_000,
      vendor: 'Routerboard.com',
    }),
    device({
      mac: '00:0C:42:00:00:09',
      ip: '192.168.88.9',
      hostname: 'Printer',
      present: false,
      lastSeen: NOW - 5000,
      firstSeen: NOW - 200_000,
    }),
    device({
      mac: '00:0C:42:00:00:02',
      ip: '192.168.88.2',
      name: 'watched tv',
      watched: true,
      present: false,
      lastSeen: null,
      firstSeen: null,
    }),
    device({
      mac: '00:0C:42:00:00:64',
      ip: '192.168.88.100',
      hostname: null,
      present: true,
      lastSeen: NOW - 3,
      firstSeen: NOW - 60,
      bridgePort: 'ether5',
    }),
  ];
  const macs = (list: ViewDevice[]) => list.map((d) => d.mac.slice(-2));

  it('finds devices by name, IP, MAC with or without colons, vendor, router and port, ignoring case', () => {
    const find = (q: string) => macs(devices.filter((d) => matchesSearch(d, q)));
    expect(find('PRINTER')).toEqual(['09']);
    expect(find('88.10')).toEqual(['0A', '64']);
    expect(find('00:0c:42:00:00:0a')).toEqual(['0A']);
    expect(find('000c4200000a')).toEqual(['0A']);
    expect(find('routerboard')).toEqual(['0A']);
    expect(find('ether5')).toEqual(['64']);
    expect(find('  ')).toHaveLength(4);
    expect(find('home')).toHaveLength(4);
    expect(find('nothing like this')).toEqual([]);
  });

  it('sorts present first by default, then by name, blanks last', () => {
    expect(macs(selectDevices(devices, DEFAULT_SELECTION, NOW))).toEqual(['0A', '64', '09', '02']);
  });

  it('sorts IP addresses numerically in both directions', () => {
    expect(macs(selectDevices(devices, { ...DEFAULT_SELECTION, sort: 'ip' }, NOW))).toEqual(['02', '09', '0A', '64']);
    expect(macs(selectDevices(devices, { ...DEFAULT_SELECTION, sort: 'ip', direction: 'descending' }, NOW))).toEqual([
      '64',
      '0A',
      '09',
      '02',
    ]);
  });

  it('keeps never-seen devices last whichever way times are sorted', () => {
    expect(macs(selectDevices(devices, { ...DEFAULT_SELECTION, sort: 'lastSeen', direction: 'descending' }, NOW))).toEqual([
      '64',
      '0A',
      '09',
      '02',
    ]);
    expect(macs(selectDevices(devices, { ...DEFAULT_SELECTION, sort: 'lastSeen', direction: 'ascending' }, NOW))).toEqual([
      '09',
      '0A',
      '64',
      '02',
    ]);
  });

  it('filters present, absent, new (first seen within a day) and watched', () => {
    const pick = (filter: 'present' | 'absent' | 'new' | 'watched') =>
      macs(selectDevices(devices, { ...DEFAULT_SELECTION, filter, sort: 'mac' }, NOW));
    expect(pick('present')).toEqual(['0A', '64']);
    expect(pick('absent')).toEqual(['02', '09']);
    expect(pick('new')).toEqual(['64']);
    expect(pick('watched')).toEqual(['02']);
    expect(countDevices(devices, NOW)).toEqual({ total: 4, present: 2, absent: 2, new: 1, watched: 1 });
  });

  it('orders totally, so equal keys still come out the same way every time', () => {
    const a = device({ mac: '00:00:00:00:00:01', router: 'a' });
    const b = device({ mac: '00:00:00:00:00:01', router: 'b' });
    expect(compareDevices(a, b, 'mac', 'ascending')).toBeLessThan(0);
    expect(compareDevices(b, a, 'mac', 'descending')).toBeGreaterThan(0);
    expect(compareDevices(a, a, 'name', 'ascending')).toBe(0);
  });
});
