/**
 * Each client_auth_type of the web config (exporter-toolkit format), as Go's
 * crypto/tls defines it, against the real `serve` process over real TLS: for
 * every mode, a client with no certificate, one with a certificate signed by
 * client_ca_file and one with a certificate signed by another CA, over TLS 1.3
 * and TLS 1.2 (where a refused client certificate fails at different points of
 * the handshake). A combination that cannot work is refused at start (and by
 * check-config), naming the field.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SecureVersion } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CertificateAuthority,
  issueClientCertificate,
  makeCertificateAuthority,
  makeSelfSignedCertificate,
  type TestCertificate,
} from '../support/certs.js';
import { type ExporterProcess, startExporter } from '../support/exporter-process.js';
import { runCli } from './cli.js';

const MODES = [
  'NoClientCert',
  'RequestClientCert',
  'RequireAnyClientCert',
  'VerifyClientCertIfGiven',
  'RequireAndVerifyClientCert',
] as const;
type Mode = (typeof MODES)[number];
type Client = 'none' | 'trusted CA' | 'other CA';

/** Served (200) or refused, per mode and client: the whole contract in one table. */
const EXPECTED: Record<Mode, Record<Client, 'served' | 'refused'>> = {
  NoClientCert: { none: 'served', 'trusted CA': 'served', 'other CA': 'served' },
  RequestClientCert: { none: 'served', 'trusted CA': 'served', 'other CA': 'served' },
  RequireAnyClientCert: { none: 'refused', 'trusted CA': 'served', 'other CA': 'served' },
  VerifyClientCertIfGiven: { none: 'served', 'trusted CA': 'served', 'other CA': 'refused' },
  RequireAndVerifyClientCert: { none: 'refused', 'trusted CA': 'served', 'other CA': 'refused' },
};

describe('client_auth_type over real TLS against serve', () => {
  let serverCert: TestCertificate;
  let clientCa: CertificateAuthority;
  let clients: Record<Client, TestCertificate | null>;
  let dir: string;
  const exporters = new Map<Mode, ExporterProcess>();

  function writeWebConfig(name: string, lines: string[]): string {
    const file = path.join(dir, name);
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  function exporterConfig(webConfigFile: string) {
    return {
      // Nothing listens there: the router fails its polls, and the HTTP side is what is tested.
      routers: [{ name: 'edge', host: '127.0.0.1', port: 1, user: 'monitor', password: 'pw-client-certs', timeoutSeconds: 1 }],
      http: { listen: '127.0.0.1:0', webConfigFile },
      state: { path: path.join(mkdtempSync(path.join(dir, 'state-')), 'state.json') },
    };
  }

  /** One request on a fresh connection: its status, or "refused" when the connection ends without an answer. */
  function request(url: string, client: TestCertificate | null, maxVersion: SecureVersion): Promise<number | 'refused'> {
    return new Promise((resolve) => {
      const req = https.get(
        `${url}/healthz`,
        {
          ca: serverCert.cert,
          agent: false,
          maxVersion,
          ...(client ? { cert: client.cert, key: client.key } : {}),
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', () => resolve('refused'));
    });
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'netmon-client-certs-'));
    serverCert = makeSelfSignedCertificate();
    clientCa = makeCertificateAuthority('scrapers CA');
    const otherCa = makeCertificateAuthority('some other CA');
    clients = {
      none: null,
      'trusted CA': issueClientCertificate(clientCa, 'prometheus'),
      'other CA': issueClientCertificate(otherCa, 'prometheus'),
    };
    await Promise.all(
      MODES.map(async (mode) => {
        const webConfig = writeWebConfig(`${mode}.yml`, [
          'tls_server_config:',
          `  cert_file: ${serverCert.certFile}`,
          `  key_file: ${serverCert.keyFile}`,
          `  client_auth_type: ${mode}`,
          // The exporter-toolkit refuses a client CA with NoClientCert; every other mode gets one.
          ...(mode === 'NoClientCert' ? [] : [`  client_ca_file: ${clientCa.certFile}`]),
        ]);
        // Five processes start at once: on a busy two-core machine that takes a while.
        exporters.set(mode, await startExporter({ config: exporterConfig(webConfig), waitReady: false, timeoutMs: 90_000 }));
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...exporters.values()].map((exporter) => exporter.stop()));
  });

  for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
    it(`serves or refuses each client exactly as crypto/tls defines each mode (${maxVersion})`, async () => {
      const seen: Record<string, Record<string, string>> = {};
      for (const mode of MODES) {
        const exporter = exporters.get(mode)!;
        seen[mode] = {};
        for (const client of Object.keys(EXPECTED[mode]) as Client[]) {
          const answer = await request(exporter.url, clients[client], maxVersion);
          seen[mode][client] = answer === 200 ? 'served' : String(answer);
        }
      }
      expect(seen).toEqual(EXPECTED);
    });
  }

  it('a refused client is logged (debug) and the exporter keeps serving', async () => {
    const exporter = exporters.get('VerifyClientCertIfGiven')!;
    for (let i = 0; i < 5; i++) expect(await request(exporter.url, clients['other CA'], 'TLSv1.3')).toBe('refused');
    expect(await request(exporter.url, clients['trusted CA'], 'TLSv1.3')).toBe(200);
    expect(exporter.child.exitCode).toBeNull();
    expect(exporter.output()).toContain('TLS client refused by client_auth_type');
  });

  it('refuses at start (and in check-config) a combination that cannot work, naming the field', async () => {
    const cases: Array<{ lines: string[]; message: RegExp }> = [
      {
        lines: ['  client_auth_type: RequireAndVerifyClientCert'],
        message: /tls_server_config\.client_ca_file: required when client_auth_type is RequireAndVerifyClientCert/,
      },
      {
        lines: ['  client_auth_type: VerifyClientCertIfGiven'],
        message: /tls_server_config\.client_ca_file: required when client_auth_type is VerifyClientCertIfGiven/,
      },
      {
        lines: [`  client_ca_file: ${clientCa.certFile}`],
        message: /tls_server_config\.client_ca_file: set, but client_auth_type is NoClientCert/,
      },
      {
        lines: ['  client_auth_type: RequireAndVerifyClientCert', `  client_ca_file: ${serverCert.keyFile}`],
        message: /tls_server_config\.client_ca_file: .*key\.pem holds no PEM certificate/,
      },
      { lines: ['  client_auth_type: VerifyClientCert'], message: /tls_server_config\.client_auth_type: / },
      {
        lines: [
          '  client_auth_type: VerifyClientCertIfGiven',
          `  client_ca_file: ${clientCa.certFile}`,
          '  client_allowed_sans: [prometheus]',
        ],
        message:
          /tls_server_config\.client_allowed_sans: needs client_auth_type RequireAndVerifyClientCert \(or RequireAnyClientCert\); VerifyClientCertIfGiven lets a client connect without a certificate/,
      },
      {
        lines: ['  client_auth_type: RequireAnyClientCert', '  client_allowed_sans: []'],
        message: /tls_server_config\.client_allowed_sans: empty, which would refuse every client/,
      },
    ];
    for (const [index, { lines, message }] of cases.entries()) {
      const webConfig = writeWebConfig(`invalid-${index}.yml`, [
        'tls_server_config:',
        `  cert_file: ${serverCert.certFile}`,
        `  key_file: ${serverCert.keyFile}`,
        ...lines,
      ]);
      const configPath = path.join(dir, `invalid-${index}.json`);
      writeFileSync(configPath, JSON.stringify(exporterConfig(webConfig)), { mode: 0o600 });
      // serve refuses to start, and check-config says the same beforehand.
      for (const command of ['serve', 'check-config']) {
        const result = await runCli([command, '--config', configPath], { NETMON_LISTEN: '127.0.0.1:0' });
        const what = `${command}: ${lines.join(' ')}`;
        expect(result.status, what).not.toBe(0);
        expect(`${result.stdout}${result.stderr}`, what).toMatch(message);
        // The key file's content is never quoted back.
        expect(`${result.stdout}${result.stderr}`, what).not.toContain('PRIVATE KEY');
      }
    }
  }, 120_000);

  describe('client_allowed_sans', () => {
    const ALLOWED = ['prometheus.example', '10.0.0.5', '2001:db8::5', 'spiffe://cluster.local/ns/monitoring/sa/prometheus'];
    let sanClients: Record<string, TestCertificate | null>;
    const sanExporters = new Map<string, ExporterProcess>();

    /** Served or refused per mode and client: a SAN in the list lets a client in, on top of what the mode requires. */
    const verified: Record<string, 'served' | 'refused'> = {
      none: 'refused',
      'DNS in the list': 'served',
      'IPv4 in the list': 'served',
      'IPv6 in the list (written long)': 'served',
      'URI in the list': 'served',
      'DNS of another case': 'refused',
      'only the CN in the list': 'refused',
      'another DNS': 'refused',
      'DNS in the list, other CA': 'refused',
    };
    /** Served or refused per mode and client: a SAN in the list lets a client in, on top of what the mode requires. */
    const SAN_EXPECTED = {
      RequireAndVerifyClientCert: verified,
      // Not verified in this mode (as in crypto/tls); the SAN still has to be in the list.
      RequireAnyClientCert: { ...verified, 'DNS in the list, other CA': 'served' },
    };

    beforeAll(async () => {
      const otherCa = makeCertificateAuthority('yet another CA');
      sanClients = {
        none: null,
        'DNS in the list': issueClientCertificate(clientCa, 'a', 'DNS:scraper.example,DNS:prometheus.example'),
        'IPv4 in the list': issueClientCertificate(clientCa, 'b', 'IP:10.0.0.5'),
        'IPv6 in the list (written long)': issueClientCertificate(clientCa, 'c', 'IP:2001:db8:0:0:0:0:0:5'),
        'URI in the list': issueClientCertificate(clientCa, 'd', 'URI:spiffe://cluster.local/ns/monitoring/sa/prometheus'),
        'DNS of another case': issueClientCertificate(clientCa, 'e', 'DNS:Prometheus.example'),
        'only the CN in the list': issueClientCertificate(clientCa, 'prometheus.example', 'DNS:scraper.example'),
        'another DNS': issueClientCertificate(clientCa, 'f', 'DNS:grafana.example'),
        'DNS in the list, other CA': issueClientCertificate(otherCa, 'g', 'DNS:prometheus.example'),
      };
      for (const mode of Object.keys(SAN_EXPECTED)) {
        const webConfig = writeWebConfig(`sans-${mode}.yml`, [
          'tls_server_config:',
          `  cert_file: ${serverCert.certFile}`,
          `  key_file: ${serverCert.keyFile}`,
          `  client_auth_type: ${mode}`,
          `  client_ca_file: ${clientCa.certFile}`,
          '  client_allowed_sans:',
          ...ALLOWED.map((san) => `    - "${san}"`),
        ]);
        sanExporters.set(mode, await startExporter({ config: exporterConfig(webConfig), waitReady: false, timeoutMs: 90_000 }));
      }
    }, 120_000);

    afterAll(async () => {
      await Promise.all([...sanExporters.values()].map((exporter) => exporter.stop()));
    });

    for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
      it(`serves a client only with a SAN in the list, exactly as the exporter-toolkit compares them (${maxVersion})`, async () => {
        const seen: Record<string, Record<string, string>> = {};
        for (const [mode, exporter] of sanExporters) {
          seen[mode] = {};
          for (const client of Object.keys(sanClients)) {
            const answer = await request(exporter.url, sanClients[client] ?? null, maxVersion);
            seen[mode][client] = answer === 200 ? 'served' : String(answer);
          }
        }
        expect(seen).toEqual(SAN_EXPECTED);
        const log = sanExporters.get('RequireAndVerifyClientCert')!.output();
        expect(log).toContain('client certificate has none of client_allowed_sans');
      });
    }
  });
});
