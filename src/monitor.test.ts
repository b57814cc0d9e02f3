import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { buildConfig } from './config/load.js';
import { DeviceRegistry } from './inventory/registry.js';
import { arp, observations } from './inventory/test-support.js';
import { Monitor, type RouterClient } from './monitor.js';
import type { RouterObservations } from './routeros/observation-types.js';

/** One device, seen in ARP. */
const oneDevice = (): RouterObservations => observations({ arp: [arp('AA:BB:CC:DD:EE:01', '10.0.0.1')] });

/** A client whose polls finish when the test says so. */
function gatedClient() {
  const gates: Array<() => void> = [];
  const client: RouterClient = {
    poll: () => new Promise((resolve) => gates.push(() => resolve(oneDevice()))),
    close: async () => undefined,
  };
  return { client, release: () => gates.shift()?.() };
}

function monitorWith(routerCount: number, nowMs: () => number, commitPoll?: () => Promise<void>) {
  const names = Array.from({ length: routerCount }, (_, i) => `r${i}`);
  const { config } = buildConfig(
    { routers: names.map((name) => ({ name, host: '127.0.0.1', user: 'u', password: 'p' })), poll: { intervalSeconds: 15 } },
    '(test)',
    {},
  );
  const clients = new Map(names.map((name) => [name, gatedClient()]));
  let saves = 0;
  const registry = new DeviceRegistry({ presence: config.presence, retention: config.retention, routers: names });
  const monitor = new Monitor({
    config,
    logger: pino({ level: 'silent' }),
    inventory: registry,
    createClient: (router) => clients.get(router.name)!.client,
    persistence: { requestSave: () => void saves++, flush: async () => undefined, commitPoll },
    nowMs,
  });
  return { monitor, registry, names, clients, saves: () => saves };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Monitor state saves', () => {
  it('asks for one save when the last poll of a round is in, not one per router', async () => {
    const { monitor, names, clients, saves } = monitorWith(3, () => 1_000_000);
    const round = Promise.all(names.map((name) => monitor.pollRouter(name)));
    await settle();
    clients.get('r0')!.release();
    clients.get('r1')!.release();
    await settle();
    expect(saves()).toBe(0);
    clients.get('r2')!.release();
    await round;
    expect(saves()).toBe(1);
    expect(monitor.snapshot().devices).toHaveLength(3);
  });

  it('saves after every poll of a single router', async () => {
    const { monitor, clients, saves } = monitorWith(1, () => 1_000_000);
    for (let i = 1; i <= 3; i++) {
      const polling = monitor.pollRouter('r0');
      await settle();
      clients.get('r0')!.release();
      await polling;
      expect(saves()).toBe(i);
    }
  });

  it('does not let a router that is still polling hold the others back for more than an interval', async () => {
    let now = 1_000_000;
    const { monitor, clients, saves } = monitorWith(2, () => now);
    const stuck = monitor.pollRouter('r1');
    const first = monitor.pollRouter('r0');
    await settle();
    clients.get('r0')!.release();
    await first;
    const afterFirst = saves();
    expect(afterFirst).toBe(0);
    now += 5_000;
    const second = monitor.pollRouter('r0');
    await settle();
    clients.get('r0')!.release();
    await second;
    expect(saves()).toBe(afterFirst);
    now += 15_000;
    const third = monitor.pollRouter('r0');
    await settle();
    clients.get('r0')!.release();
    await third;
    expect(saves()).toBe(afterFirst + 1);
    clients.get('r1')!.release();
    await stuck;
  });
});

/** netmon_device_info lines of one router in the current snapshot. */
function deviceInfoLines(monitor: Monitor, router: string): string[] {
  return monitor
    .snapshot()
    .exposition.split('\n')
    .filter((line) => line.startsWith('netmon_device_info{') && line.includes(`router="${router}"`));
}

describe('Monitor republishDevices (a reload changed the watched devices)', () => {
  it('shows new names and flags at once, down routers included, but no poll that is not yet durable', async () => {
    const commits: Array<() => void> = [];
    let gateCommits = false;
    const commitPoll = () => (gateCommits ? new Promise<void>((resolve) => commits.push(resolve)) : Promise.resolve());
    const { monitor, registry, clients } = monitorWith(2, () => 1_000_000_000, commitPoll);
    const first = monitor.pollRouter('r0');
    await settle();
    clients.get('r0')!.release();
    await first;
    // r0 goes down: its last good data stays.
    clients.get('r0')!.client.poll = () => Promise.reject(Object.assign(new Error('refused'), { reason: 'connect' }));
    expect((await monitor.pollRouter('r0')).ok).toBe(false);
    gateCommits = true;
    const committing = monitor.pollRouter('r1');
    await settle();
    clients.get('r1')!.release();
    await settle();
    expect(commits).toHaveLength(1);

    registry.setWatched([
      { mac: 'aa-bb-cc-dd-ee-01', name: 'nas', router: 'r0' },
      { mac: 'AA:BB:CC:DD:EE:01', name: 'nas-too', router: 'r1' },
    ]);
    monitor.republishDevices();
    const [line] = deviceInfoLines(monitor, 'r0');
    expect(line).toMatch(/mac="AA:BB:CC:DD:EE:01".*name="nas".*watched="true"/);
    expect(monitor.snapshot().exposition).toMatch(/^netmon_router_up\{router="r0"\} 0$/m);
    // r1's poll is merged but not on disk yet: not shown, by this or anything else.
    expect(deviceInfoLines(monitor, 'r1')).toEqual([]);
    commits.shift()!();
    await committing;
    expect(deviceInfoLines(monitor, 'r1')[0]).toMatch(/name="nas-too".*watched="true"/);
  });
});

describe('Monitor poll concurrency (poll.concurrency)', () => {
  it('connects to and polls at most `concurrency` routers at once; the others wait their turn', async () => {
    const names = Array.from({ length: 5 }, (_, i) => `r${i}`);
    const { config } = buildConfig(
      {
        routers: names.map((name) => ({ name, host: '127.0.0.1', user: 'u', password: 'p' })),
        poll: { intervalSeconds: 15, concurrency: 2 },
      },
      '(test)',
      {},
    );
    const clients = new Map(names.map((name) => [name, gatedClient()]));
    const started: string[] = [];
    const monitor = new Monitor({
      config,
      logger: pino({ level: 'silent' }),
      inventory: new DeviceRegistry({ presence: config.presence, retention: config.retention, routers: names }),
      createClient: (router) => {
        const gated = clients.get(router.name)!;
        return {
          poll: () => {
            started.push(router.name);
            return gated.client.poll();
          },
          close: gated.client.close,
        };
      },
      nowMs: () => 1_000_000,
    });
    const round = monitor.pollAllOnce();
    await settle();
    expect(started).toEqual(['r0', 'r1']);
    clients.get('r1')!.release();
    await settle();
    await settle();
    expect(started).toEqual(['r0', 'r1', 'r2']);
    for (const name of names) clients.get(name)!.release();
    await settle();
    await settle();
    for (const name of names) clients.get(name)!.release();
    const outcomes = await round;
    expect(outcomes.map((outcome) => [outcome.router, outcome.ok])).toEqual(names.map((name) => [name, true]));
    expect(started).toEqual(names);
  });
});
