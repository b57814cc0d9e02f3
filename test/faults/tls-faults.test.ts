/**
 * Fault matrix, part 4: api-ssl. The exporter verifies the router's
 * certificate against a CA file; the router is slow to handshake, or presents a
 * certificate that CA did not sign (a reset router that generated its own).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { makeSelfSignedCertificate } from '../support/certs.js';
import { crashSigns, expectOutageAndRecovery, useFaultRig } from './support.js';

const PASSWORD = 'pw-tls-faults';
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url));

describe('fault matrix: TLS', () => {
  const rig = useFaultRig(PASSWORD, {
    simulator: {
      tls: { mode: 'certificate', cert: readFileSync(fixture('server.pem')), key: readFileSync(fixture('server-key.pem')) },
    },
    router: { tls: { enabled: true, ca: fixture('ca.pem') } },
  });
  let impostor: RunningSimulator | null = null;

  afterAll(async () => {
    await impostor?.close();
  });

  it('a TLS handshake slower than the deadline: reason timeout', async () => {
    const handshakes = rig.sim.stats.tlsHandshakes;
    await expectOutageAndRecovery(rig.watcher, 'slow TLS handshake', {
      reason: 'timeout',
      // Dropping the connections may fail a poll in flight: that one counts as connection.
      alsoCounted: ['connection'],
      inject: () => {
        rig.sim.setFaults({ tlsHandshakeDelayMs: 2500 });
        rig.sim.dropConnections();
      },
      clear: () => rig.sim.clearFaults(),
    });
    expect(rig.sim.stats.tlsHandshakes).toBeGreaterThan(handshakes);
  });

  it('a certificate the configured CA did not sign: reason connection, no login attempted', async () => {
    const cert = makeSelfSignedCertificate('MikroTik');
    let impostorLogins = 0;
    await expectOutageAndRecovery(rig.watcher, 'certificate verification', {
      reason: 'connection',
      inject: async () => {
        await rig.sim.stopListening({ dropConnections: true });
        impostor = await startSimulator({
          port: rig.sim.port,
          users: [{ name: 'monitor', password: PASSWORD }],
          tls: { mode: 'certificate', cert: cert.cert, key: cert.key },
        });
      },
      clear: async () => {
        impostorLogins = impostor!.stats.logins + impostor!.stats.loginFailures;
        await impostor!.close();
        impostor = null;
        await rig.sim.startListening();
      },
    });
    // The password never went to a router whose certificate failed.
    expect(impostorLogins).toBe(0);
    expect(rig.exporter.output()).toMatch(/self-signed certificate|unable to verify|certificate/i);
  });

  it('never crashed, never restarted, and served every scrape', () => {
    expect(rig.watcher.problems).toEqual([]);
    expect(crashSigns(rig.exporter.output())).toEqual([]);
    expect(rig.exporter.child.exitCode).toBeNull();
  });
});
