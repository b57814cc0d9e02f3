/** What a connection needs from the simulator that owns it. */

import type { SimConnection } from './connection.js';
import type { FaultSettings } from './faults.js';
import type { LanData } from './lan.js';
import type { VersionProfile } from './render.js';

export interface SimulatorUser {
  name: string;
  password: string;
}

export type LoginMode = 'plain' | 'md5';

export interface SimulatorCore {
  readonly users: readonly SimulatorUser[];
  readonly loginMode: LoginMode;
  readonly emptyReplies: boolean;
  readonly profile: VersionProfile;
  readonly tables: LanData;
  readonly faults: FaultSettings;
  /** Cache of encoded print replies, or null when caching is off. */
  readonly replyCache: Map<string, Buffer> | null;
  elapsedSeconds(): number;
  nextId(table: 'leases' | 'arp' | 'bridgeHosts'): string;
  recordCommand(conn: SimConnection, command: string, words: readonly Buffer[]): void;
  loginSucceeded(conn: SimConnection): void;
  loginFailed(conn: SimConnection): void;
  connectionClosed(conn: SimConnection): void;
  countBytes(n: number): void;
}
