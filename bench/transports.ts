/** The RouterTransport implementations a benchmark can run, by name. */
import { createNodeRouterosTransport } from '../src/routeros/node-routeros-transport.js';
import type { TransportFactory } from '../src/routeros/transport.js';
import { createWireTransport } from '../src/routeros/wire-transport.js';
import type { TransportName } from './build.js';

export type { TransportName } from './build.js';

export const TRANSPORTS: readonly TransportName[] = ['node-routeros', 'wire'];

export function transportFactory(name: TransportName): TransportFactory {
  return name === 'node-routeros' ? createNodeRouterosTransport : createWireTransport;
}
