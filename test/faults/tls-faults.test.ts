/**
 * Fault matrix, part 4: api-ssl. The exporter verifies the router's
 * certificate against a CA file; the router is slow to handshake, or presents a
 * certificate that CA did not sign (a reset router that generated its own).
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { makeSelfSignedCertificate } from '../support/certs.js';
import { startExporter, type ExporterProcess } from '../support/exporter-process.js';
import { crashSigns, expectOutageAndRecovery, MetricsWatcher, routerFor } from './support.js';

const PASSWORD = 'pw-tls-faults';
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url));

describe('fault matrix: TLS', () => {
  let sim: RunningSimulator;
  let impostor: RunningSimulator | null = null;
  let exporter: ExporterProcess;
  let watcher: MetricsWatcher;

  beforeAll(async () => {
    sim = await startSimulator({
      users: [{ name: 'monitor', password: PASSWORD }],
      tls: { mode: 'certificate', cert: readFileSync(fixture('server.pem')), key: readFileSync(fixture('server-key.pem')) },
    });
    exporter = await startExporter({
      config: {
        routers: [routerFor(sim, PASSWORD, { tls: { enabled: true, ca: fixture('ca.pem') } })],
        poll: { intervalSeconds: 1 },
        state: { path: path.join(mkdtempSync(path.join(tmpdir(), 'netmon-faults-')), 'state.json') },
      },
    });
    watcher = new MetricsWatcher(exporter.url, 'edge');
    watcher.start();
  });

  afterAll(async () => {
    await watcher?.stop();
    await exporter?.stop();
    await impostor?.close();
    await sim?.close();
  });

  it('a TLS handshake slower than the deadline: reason timeout', async () => {
    const handshakes = sim.stats.tlsHandshakes;
    await expectOutageAndRecovery(watcher, 'slow TLS handshake', {
      reason: 'timeout',
      // Dropping the connections may fail a poll in flight: that one counts as connection.
      alsoCounted: ['connection'],
      inject: () => {
        sim.setFaults({ tlsHandshakeDelayMs: 2500 });
        sim.dropConnections();
      },
      clear: () => sim.clearFaults(),
    });
    expect(sim.stats.tlsHandshakes).toBeGreaterThan(handshakes);
  });

  it('a certificate the configured CA did not sign: reason connection, no login attempted', async () => {
    const cert = makeSelfSignedCertificate('MikroTik');
    let impostorLogins = 0;
    await expectOutageAndRecovery(watcher, 'certificate verification', {
      reason: 'connection',
      inject: async () => {
        await sim.stopListening({ dropConnections: true });
        impostor = await startSimulator({
          port: sim.port,
          users: [{ name: 'monitor', password: PASSWORD }],
          tls: { mode: 'certificate', cert: cert.cert, key: cert.key },
        });
      },
      clear: async () => {
        impostorLogins = impostor!.stats.logins + impostor!.stats.loginFailures;
        await impostor!.close();
        impostor = null;
        await sim.startListening();
      },
    });
    // The password never went to a router whose certificate failed.
    expect(impostorLogins).toBe(0);
    expect(exporter.output()).toMatch(/self-signed certificate|unable to verify|certificate/i);
  });

  it('never crashed, never restarted, and served every scrape', () => {
    expect(watcher.problems).toEqual([]);
    expect(crashSigns(exporter.output())).toEqual([]);
    expect(exporter.child.exitCode).toBeNull();
  });
});
