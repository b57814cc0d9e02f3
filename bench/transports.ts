/**
 * The clients the protocol section compares, by name: ours (the only one the
 * exporter runs) and node-routeros, driven directly as its users would (it is
 * a development dependency, kept for this comparison and for the test that
 * documents its defects). Each prints a table and reports how many rows it got.
 */
import { RouterOSAPI } from 'node-routeros';
import { replyLimitsFor } from '../src/routeros/transport.js';
import { createWireTransport } from '../src/routeros/wire-transport.js';

export type ClientName = 'wire' | 'node-routeros';

export interface PrintClient {
  connect(): Promise<void>;
  /** `<path>/print =.proplist=...`; resolves with the number of rows. */
  print(path: string, proplist: readonly string[]): Promise<number>;
  close(): Promise<void>;
}

export interface ClientOptions {
  host: string;
  port: number;
  user: string;
  password: string;
}

export function printClient(name: ClientName, options: ClientOptions): PrintClient {
  if (name === 'wire') {
    // Sized far above any LAN the bench serves: this measures decoding, not the reply bound (serve derives it from the config).
    const transport = createWireTransport({
      ...options,
      tls: null,
      connectTimeoutSeconds: 60,
      replyLimits: replyLimitsFor(1_000_000),
    });
    return {
      connect: () => transport.connect(),
      print: async (path, proplist) => (await transport.print(path, proplist)).length,
      close: () => transport.close(),
    };
  }
  const api = new RouterOSAPI({ ...options, timeout: 120 });
  return {
    connect: async () => {
      await api.connect();
    },
    print: async (path, proplist) => (await api.write(`${path}/print`, [`=.proplist=${proplist.join(',')}`])).length,
    close: async () => {
      await api.close();
    },
  };
}
