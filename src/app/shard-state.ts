import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readJournal, replay } from '../inventory/journal.js';
import { type PersistedState, persistedStateSchema, snapshotFileSchema } from '../inventory/persisted-state.js';

/**
 * State files of sharded instances. Each instance writes its own file (one
 * writer per file): `state.path` with `.shard-<index>` before the extension,
 * e.g. data/state.json -> data/state.shard-1.json. The count is not in the
 * name, so a file stays its shard's when the fleet grows.
 *
 * A router that moves to another shard (the count changed) keeps its history
 * when the instances share the state directory: at start each instance reads
 * the other instances' files (and an unsharded data/state.json) without
 * writing them, and takes the devices of the routers it now polls. Merging is
 * monotonic (earliest first-seen, latest last-seen), so stale copies are harmless.
 * The name of each shard's file is shardStatePath (config/state-path.ts), which
 * the config check also uses to keep every shard's file off secret files.
 */
export { shardStatePath } from '../config/state-path.js';

/** The other instances' state files beside `ownPath` (same base name, any shard or none). */
export function siblingStatePaths(configuredPath: string, ownPath: string): string[] {
  const dir = path.dirname(configuredPath);
  const ext = path.extname(configuredPath);
  const stem = path.basename(configuredPath, ext);
  const pattern = new RegExp(`^${escapeRegExp(stem)}(\\.shard-\\d+)?${escapeRegExp(ext)}$`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return (
    names
      .filter((name) => pattern.test(name))
      // Not the journals, backups or files moved aside: only snapshots, whose journal is read with them.
      .map((name) => path.join(dir, name))
      .filter((file) => path.resolve(file) !== path.resolve(ownPath))
      .sort()
  );
}

/**
 * Reads another instance's state file for the routers this one polls; never
 * writes, locks or moves it (it belongs to its writer). A file that cannot be
 * read or does not validate is skipped: the reason, never its content, is returned.
 */
export function readSiblingState(
  file: string,
  routers: ReadonlySet<string>,
): { state: PersistedState; devices: number } | { error: string } {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { error: (error as NodeJS.ErrnoException).code ?? 'not valid JSON' };
  }
  const parsed = snapshotFileSchema.safeParse(document);
  if (!parsed.success) return { error: 'not a state file of this version' };
  const { generation, ...snapshot } = parsed.data;
  let full: PersistedState = persistedStateSchema.parse(snapshot);
  // What its writer learned since that snapshot: the journal of the same generation, good records only.
  let journal: Buffer | null = null;
  try {
    journal = readFileSync(`${file}.journal`);
  } catch {
    journal = null;
  }
  if (journal !== null) {
    const read = readJournal(journal);
    if (read.kind === 'ok' && read.generation === generation) full = replay(full, read.records);
  }
  const state: PersistedState = {
    ...full,
    routers: full.routers.filter((router) => routers.has(router.name)),
    devices: full.devices.filter((device) => routers.has(device.router)),
  };
  return { state, devices: state.devices.length };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
