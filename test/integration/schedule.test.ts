import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { type ExporterProcess, startExporter, waitFor } from '../support/exporter-process.js';
import { findSample, parseExposition } from '../support/exposition-parser.js';

/** Schedule (docs/devices.md): a poll never overlaps the previous one for the same router; a late one skips its slot. */
describe('poll schedule in the real process', () => {
  let simulator: RunningSimulator;
  let exporter: ExporterProcess;

  beforeAll(async () => {
    simulator = await startSimulator();
    exporter = await startExporter({
      config: {
        routers: [
          { name: 'slow', host: simulator.host, port: simulator.port, user: 'monitor', password: 'secret', timeoutSeconds: 20 },
        ],
        poll: { intervalSeconds: 1 },
        state: { path: `/tmp/netmon-schedule-${process.pid}-${Date.now()}/state.json` },
      },
    });
    // Every reply now takes 600 ms: a poll of five tables needs about 3 s, three slots.
    simulator.setFaults({ delayMs: 600 });
  });

  afterAll(async () => {
    await exporter?.stop();
    await simulator?.close();
  });

  it('skips slots while a poll runs and never runs two polls of one router at once', async () => {
    const samples = await waitFor(
      async () => {
        const s = parseExposition(await (await fetch(`${exporter.url}/metrics`)).text());
        return (findSample(s, 'netmon_router_skipped_polls_total', { router: 'slow' })?.value ?? 0) >= 3 ? s : undefined;
      },
      30_000,
      'three skipped slots',
    );
    expect(findSample(samples, 'netmon_router_up', { router: 'slow' })?.value).toBe(1);
    // Overlapping polls would interleave their prints; sequential ones print the five tables in order, each time.
    const cycle = [
      '/ip/dhcp-server/lease/print',
      '/ip/arp/print',
      '/interface/bridge/host/print',
      '/system/identity/print',
      '/system/resource/print',
    ];
    // The device-depth tables the sample LAN lacks are asked once per connection, after the first five.
    const order = simulator.stats.commands.map((c) => c.command).filter((c) => cycle.includes(c));
    for (const [index, command] of order.entries()) expect(command, `command ${index}`).toBe(cycle[index % cycle.length]);
    expect(simulator.stats.connectionsOpened).toBe(1);
    expect(exporter.output()).toContain('poll slot skipped');
  });
});
