import type tls from 'node:tls';
import { afterEach, expect } from 'vitest';
import { type RunningSimulator, type SimulatorOptions, startSimulator } from '../index.js';
import { RawClient } from './raw-client.js';

/**
 * Simulators and raw clients for the simulator's own tests, closed after each
 * test. Call `useSimulatorHarness()` at the top of a test file.
 */
export function useSimulatorHarness(): {
  sim: (options?: SimulatorOptions) => Promise<RunningSimulator>;
  client: (s: RunningSimulator, login?: boolean, tlsOptions?: tls.ConnectionOptions) => Promise<RawClient>;
  track: (c: RawClient) => RawClient;
} {
  const running: RunningSimulator[] = [];
  const clients: RawClient[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await Promise.all(running.splice(0).map((s) => s.close()));
  });

  return {
    async sim(options = {}) {
      const s = await startSimulator(options);
      running.push(s);
      return s;
    },
    async client(s, login = true, tlsOptions) {
      const c = await RawClient.connect(s.port, tlsOptions);
      clients.push(c);
      if (login) expect((await c.login())[0]!.text).toEqual(['!done']);
      return c;
    },
    track(c) {
      clients.push(c);
      return c;
    },
  };
}
