import { z } from 'zod';

/**
 * The state file's format. Version 1 may gain optional fields; anything that
 * changes the meaning of an existing field needs version 2 (and a reader for 1).
 * Unknown keys are ignored so a newer minor writer does not make the file "corrupt".
 */
export const STATE_VERSION = 1;

const text = z.string().nullable().default(null);
const time = z.number().nullable().default(null);

export const persistedDeviceSchema = z.object({
  router: z.string().min(1),
  mac: z.string().min(1),
  firstSeen: time,
  lastSeen: time,
  /** Last poll whose tables listed the device (it may be listed without being seen, e.g. a waiting lease). */
  lastListedAt: time,
  ip: text,
  hostname: text,
  leaseComment: text,
  interface: text,
  bridgePort: text,
  dhcpServer: text,
  lease: z.enum(['dynamic', 'static', 'none']).default('none'),
});

export const persistedRouterSchema = z.object({
  name: z.string().min(1),
  /** Kept so that after a restart with the router down, presence is still judged against its last good poll. */
  lastGoodPollAt: time,
});

export const persistedStateSchema = z.object({
  version: z.literal(STATE_VERSION),
  savedAt: z.number(),
  routers: z.array(persistedRouterSchema).default([]),
  devices: z.array(persistedDeviceSchema),
});

/**
 * The snapshot file on disk: the state plus the generation of the journal that
 * continues it (see journal.ts). Files written before the journal existed have
 * none and count as generation 0.
 */
export const snapshotFileSchema = persistedStateSchema.extend({
  generation: z.number().int().min(0).default(0),
});

export type PersistedDevice = z.output<typeof persistedDeviceSchema>;
export type PersistedRouter = z.output<typeof persistedRouterSchema>;
export type PersistedState = z.output<typeof persistedStateSchema>;

/** A state to save whose devices may be produced one by one as they are written (DeviceRegistry.stateToSave). */
export interface StateToSave {
  version: typeof STATE_VERSION;
  savedAt: number;
  routers: PersistedRouter[];
  devices: Iterable<PersistedDevice>;
}

/**
 * The snapshot file's JSON in pieces of at most one device each, for
 * writing through a bounded buffer: joined, they are
 * JSON.stringify({ version, savedAt, routers, devices, generation }).
 */
export function* snapshotPieces(state: StateToSave, generation: number): Generator<string> {
  const head = JSON.stringify({ version: state.version, savedAt: state.savedAt, routers: state.routers });
  let separator = `${head.slice(0, -1)},"devices":[`;
  for (const device of state.devices) {
    yield separator + JSON.stringify(device);
    separator = ',';
  }
  yield `${separator === ',' ? '' : separator}],"generation":${JSON.stringify(generation)}}`;
}
