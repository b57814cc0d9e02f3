import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deviceRecord } from '../../test/support/devices.js';
import { findSample, parseExposition } from '../../test/support/exposition-parser.js';
import { promtoolCheckMetrics } from '../../test/support/promtool.js';
import { initialPollStatus } from '../poller/router-poll-status.js';
import { emptySummary, SnapshotBuilder } from './snapshot.js';

const hostile = [
  'quote " and backslash \\ and newline \n end',
  '}{ label="injected"} 1\n# TYPE evil gauge',
  'nul \u0000 byte',
  'lone surrogate \ud800 here',
  'x'.repeat(10_000),
  'ünïcödé 🚀',
];

function builderWith(devices: Parameters<typeof deviceRecord>[0][]) {
  const builder = new SnapshotBuilder(['home', 'office'], initialPollStatus);
  const state = {
    ...initialPollStatus('home'),
    attempted: true,
    up: true,
    lastSuccess: 1_700_000_000,
    lastPollDurationSeconds: 0.25,
  };
  state.errorsTotal.timeout = 3;
  state.system = { identity: 'MikroTik "core"', version: '7.16.2 (stable)', board: 'hAP ax^3' };
  builder.updateRouter(
    state,
    devices.map((d) => deviceRecord(d)),
    {
      ...emptySummary(),
      present: 1,
      absent: 1,
      conflicts: 2,
      leasesByServerStatus: [{ server: 'dhcp1', status: 'bound', count: 5 }],
    },
  );
  return builder;
}

describe('snapshot exposition', () => {
  it('renders every device and router value with its labels', () => {
    const snapshot = builderWith([
      {
        router: 'home',
        mac: 'AA:BB:CC:DD:EE:01',
        present: true,
        firstSeen: 1_600_000_000,
        lastSeen: 1_699_999_990.1234,
        leaseExpiresAt: 1_700_000_600,
        ip: '192.168.88.10',
        hostname: 'nas',
        lease: 'dynamic',
        dhcpServer: 'dhcp1',
        interface: 'bridge',
        bridgePort: 'ether2',
      },
      { router: 'home', mac: '02:00:00:00:00:02', randomized: true, watched: true, name: 'phone' },
    ]).build(1_700_000_001);
    const samples = parseExposition(snapshot.exposition);
    const dev1 = { router: 'home', mac: 'AA:BB:CC:DD:EE:01' };
    expect(findSample(samples, 'netmon_device_present', dev1)?.value).toBe(1);
    expect(findSample(samples, 'netmon_device_last_seen_timestamp_seconds', dev1)?.value).toBe(1_699_999_990.123);
    expect(findSample(samples, 'netmon_device_first_seen_timestamp_seconds', dev1)?.value).toBe(1_600_000_000);
    expect(findSample(samples, 'netmon_device_dhcp_lease_expiry_timestamp_seconds', dev1)?.value).toBe(1_700_000_600);
    expect(findSample(samples, 'netmon_device_info', dev1)?.labels).toEqual({
      ...dev1,
      ip: '192.168.88.10',
      hostname: 'nas',
      name: '',
      interface: 'bridge',
      bridge_port: 'ether2',
      dhcp_server: 'dhcp1',
      lease: 'dynamic',
      randomized: 'false',
      watched: 'false',
    });
    const dev2 = { router: 'home', mac: '02:00:00:00:00:02' };
    expect(findSample(samples, 'netmon_device_present', dev2)?.value).toBe(0);
    expect(findSample(samples, 'netmon_device_last_seen_timestamp_seconds', dev2)).toBeUndefined();
    expect(findSample(samples, 'netmon_device_info', dev2)?.labels).toMatchObject({
      randomized: 'true',
      watched: 'true',
      name: 'phone',
    });
    expect(findSample(samples, 'netmon_router_up', { router: 'home' })?.value).toBe(1);
    expect(findSample(samples, 'netmon_router_up', { router: 'office' })?.value).toBe(0);
    expect(findSample(samples, 'netmon_router_poll_errors_total', { router: 'home', reason: 'timeout' })?.value).toBe(3);
    expect(findSample(samples, 'netmon_router_poll_duration_seconds', { router: 'home' })?.value).toBe(0.25);
    expect(findSample(samples, 'netmon_router_info', { router: 'home' })?.labels.identity).toBe('MikroTik "core"');
    expect(findSample(samples, 'netmon_devices', { router: 'home', state: 'absent' })?.value).toBe(1);
    expect(findSample(samples, 'netmon_dhcp_leases', { router: 'home', server: 'dhcp1', status: 'bound' })?.value).toBe(5);
    expect(findSample(samples, 'netmon_address_conflicts', { router: 'home' })?.value).toBe(2);
    expect(promtoolCheckMetrics(snapshot.exposition)).toEqual({ status: 0, output: '' });
  });

  it('keeps hostile strings inside their label values', () => {
    const snapshot = builderWith(
      hostile.map((text, i) => ({
        router: 'home',
        mac: `AA:BB:CC:DD:EE:${String(i).padStart(2, '0')}`,
        hostname: text,
        name: text,
      })),
    ).build(1);
    const samples = parseExposition(snapshot.exposition);
    const infos = samples.filter((s) => s.name === 'netmon_device_info');
    // The page is UTF-8 bytes, where a lone surrogate cannot exist: it arrives as U+FFFD, as it always did on the wire.
    expect(infos.map((s) => s.labels.hostname)).toEqual(hostile.map((text) => text.replace('\ud800', '\ufffd')));
    expect(samples.some((s) => s.name === 'evil')).toBe(false);
    expect(promtoolCheckMetrics(snapshot.exposition)).toEqual({ status: 0, output: '' });
  });

  it('never produces an unparseable page, whatever the strings', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ unit: 'binary' }), fc.string()), { maxLength: 20 }), (texts) => {
        const snapshot = builderWith(
          texts.map(([hostname, name], i) => ({
            router: 'home',
            mac: `AA:BB:CC:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
            hostname,
            name,
          })),
        ).build(1);
        const infos = parseExposition(snapshot.exposition).filter((s) => s.name === 'netmon_device_info');
        expect(infos.map((s) => [s.labels.hostname, s.labels.name])).toEqual(texts);
      }),
    );
  });

  it('sends the same text as bytes: chunks in order, their length counted', () => {
    const snapshot = builderWith([
      { router: 'home', mac: 'AA:BB:CC:DD:EE:01', hostname: 'Вася "ноут"', lastSeen: 1_700_000_000.5, present: true },
      { router: 'home', mac: 'AA:BB:CC:DD:EE:02', hostname: 'plain' },
    ]).build(1);
    const bytes = Buffer.concat(snapshot.expositionChunks);
    expect(bytes.length).toBe(snapshot.expositionByteLength);
    expect(bytes.toString('utf8')).toBe(snapshot.exposition);
    expect(snapshot.exposition).toContain('hostname="Вася \\"ноут\\""');
    // One HELP/TYPE per family, even with several routers and devices.
    expect(snapshot.exposition.match(/^# TYPE netmon_device_info gauge$/gm)).toHaveLength(1);
    expect(snapshot.exposition.match(/^# TYPE netmon_router_up gauge$/gm)).toHaveLength(1);
  });

  it('re-renders a router at its new size after it shrinks or grows', () => {
    const builder = new SnapshotBuilder(['home'], initialPollStatus);
    const state = initialPollStatus('home');
    const many = Array.from({ length: 500 }, (_, i) =>
      deviceRecord({
        router: 'home',
        mac: `AA:BB:CC:DD:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`.toUpperCase(),
      }),
    );
    builder.updateRouter(state, many, emptySummary());
    builder.updateRouter(state, many.slice(0, 3), emptySummary());
    const infos = parseExposition(builder.build(1).exposition).filter((s) => s.name === 'netmon_device_info');
    expect(infos.map((s) => s.labels.mac)).toEqual(many.slice(0, 3).map((d) => d.mac));
    builder.updateRouter(state, many, emptySummary());
    expect(parseExposition(builder.build(2).exposition).filter((s) => s.name === 'netmon_device_present')).toHaveLength(500);
  });

  it('does not change a built snapshot when the poller mutates its state', () => {
    const builder = new SnapshotBuilder(['home'], initialPollStatus);
    const state = initialPollStatus('home');
    builder.updateRouter(state, [], emptySummary());
    const before = builder.build(1);
    state.up = true;
    state.errorsTotal.auth = 7;
    expect(before.routers[0]?.up).toBe(false);
    expect(findSample(parseExposition(before.exposition), 'netmon_router_poll_errors_total', { reason: 'auth' })?.value).toBe(0);
  });
});
