import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logging.js';
import { type PersistedDevice, type PersistedState, persistedStateSchema, snapshotPieces } from './persisted-state.js';
import { StateStore, type StoreLogger } from './persistence.js';
import type { StateChanges } from './registry.js';
import { savedDevice } from './test-support.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PERSISTENCE_MODULE = fileURLToPath(new URL('./persistence.ts', import.meta.url));

function state(savedAt: number, devices = 3): PersistedState {
  return {
    version: 1,
    savedAt,
    routers: [{ name: 'home', lastGoodPollAt: savedAt }],
    devices: Array.from({ length: devices }, (_, i) => ({
      router: 'home',
      mac: `02:00:00:00:${String(Math.floor(i / 100) % 100).padStart(2, '0')}:${String(i % 100).padStart(2, '0')}`,
      firstSeen: savedAt,
      lastSeen: savedAt,
      lastListedAt: savedAt,
      ip: `10.0.${Math.floor(i / 250)}.${i % 250}`,
      hostname: `host "${i}"\n\\`,
      leaseComment: null,
      interface: 'bridge',
      bridgePort: null,
      dhcpServer: 'lan',
      lease: 'dynamic' as const,
    })),
  };
}

/** The same state as state(), as plain JavaScript for the child processes. */
const MAKE_STATE_JS = `function make(savedAt, count) {
  const devices = [];
  for (let i = 0; i < count; i++) {
    devices.push({ router: 'home', mac: '02:00:00:' + String(i).padStart(6, '0').replace(/(..)(..)(..)/, '$1:$2:$3'),
      firstSeen: savedAt, lastSeen: savedAt, lastListedAt: savedAt, ip: '10.0.0.' + (i % 250), hostname: 'host "' + i + '"',
      leaseComment: null, interface: 'bridge', bridgePort: null, dhcpServer: 'lan', lease: 'dynamic' });
  }
  return { version: 1, savedAt, routers: [{ name: 'home', lastGoodPollAt: savedAt }], devices };
}`;

interface LogLine {
  level: 'error' | 'warn' | 'info';
  details: object;
  message: string;
}

function recorder(): StoreLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    error: (details, message) => lines.push({ level: 'error', details, message }),
    warn: (details, message) => lines.push({ level: 'warn', details, message }),
    info: (details, message) => lines.push({ level: 'info', details, message }),
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netmon-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function names(): Promise<string[]> {
  return (await readdir(dir)).sort();
}

describe('StateStore: round trip and backup', () => {
  it("accepts the exporter's pino logger", async () => {
    const logger: StoreLogger = createLogger('silent');
    const store = new StateStore(join(dir, 'state.json'), logger);
    expect(await store.load()).toBeNull();
  });

  it('loads back exactly what it saved, as versioned JSON, creating the directory', async () => {
    const path = join(dir, 'data', 'state.json');
    const store = new StateStore(path);
    expect(await store.load()).toBeNull();
    expect(store.loadedFrom).toBe('none');
    const saved = state(1000);
    const result = await store.save(saved);
    expect(result.ok).toBe(true);
    expect(store.lastWriteOk).toBe(true);
    expect(store.lastWriteSuccess).toBeGreaterThan(1e9);
    const onDisk = JSON.parse(await readFile(path, 'utf8'));
    expect(onDisk.version).toBe(1);
    expect(onDisk.savedAt).toBe(1000);
    expect((await stat(path)).mode & 0o777).toBe(0o600);

    const again = new StateStore(path);
    expect(await again.load()).toEqual(saved);
    expect(again.loadedFrom).toBe('main');
  });

  it('keeps the previous good copy as .bak and leaves no temporary files', async () => {
    const path = join(dir, 'state.json');
    const store = new StateStore(path);
    await store.load();
    await store.save(state(1));
    expect(await names()).toEqual(['state.json', 'state.json.journal']);
    await store.save(state(2));
    await store.save(state(3));
    expect(await names()).toEqual(['state.json', 'state.json.bak', 'state.json.journal']);
    expect(JSON.parse(await readFile(path, 'utf8')).savedAt).toBe(3);
    expect(JSON.parse(await readFile(`${path}.bak`, 'utf8')).savedAt).toBe(2);
  });

  it('runs concurrent saves one at a time, in call order', async () => {
    const path = join(dir, 'state.json');
    const store = new StateStore(path);
    await store.load();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.save(state(i + 1, 200))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect((await new StateStore(path).load())!.savedAt).toBe(20);
    expect(JSON.parse(await readFile(`${path}.bak`, 'utf8')).savedAt).toBe(19);
    expect(await names()).toEqual(['state.json', 'state.json.bak', 'state.json.journal']);
  });

  it('accepts unknown keys and fills defaults (forward-compatible within version 1)', async () => {
    const path = join(dir, 'state.json');
    await writeFile(
      path,
      JSON.stringify({
        version: 1,
        savedAt: 5,
        future: true,
        devices: [{ router: 'r', mac: 'AA:00:00:00:00:01', firstSeen: 1, lastSeen: 2, extra: 1 }],
      }),
    );
    const loaded = await new StateStore(path).load();
    expect(loaded).toEqual({
      version: 1,
      savedAt: 5,
      routers: [],
      devices: [savedDevice('AA:00:00:00:00:01', 2, { router: 'r', firstSeen: 1, lastListedAt: null })],
    });
  });

  it('removes temporaries left by a write that was killed halfway', async () => {
    const path = join(dir, 'state.json');
    const store = new StateStore(path);
    await store.load();
    await store.save(state(1));
    await writeFile(`${path}.tmp-99999-1`, '{"version":1,"sav');
    await writeFile(`${path}.bak.tmp-99999-1`, 'x');
    await writeFile(`${path}.journal.tmp-99999-1`, 'x');
    await writeFile(join(dir, 'unrelated.tmp-1'), 'keep me');
    expect((await new StateStore(path).load())!.savedAt).toBe(1);
    expect(await names()).toEqual(['state.json', 'state.json.journal', 'unrelated.tmp-1']);
  });
});

describe('StateStore: a snapshot written in pieces', () => {
  it('joined, the pieces are the JSON.stringify of the state and its generation', () => {
    for (const count of [0, 1, 3, 40]) {
      const saved = state(100 + count, count);
      expect([...snapshotPieces(saved, 7)].join('')).toBe(JSON.stringify({ ...saved, generation: 7 }));
    }
  });

  it('writes devices as they are produced, before the last one exists, and loads back every one', async () => {
    const path = join(dir, 'state.json');
    const store = new StateStore(path);
    await store.load();
    const full = state(300, 3000);
    const sizesOnDisk: number[] = [];
    function* devices(): Generator<PersistedDevice> {
      for (let i = 0; i < full.devices.length; i++) {
        if (i === 2999) {
          // Before the last device is made, most of the file is already on disk (a 64 kB buffer holds about 250).
          const temp = readdirSync(dir).find((name) => name.startsWith('state.json.tmp-'))!;
          sizesOnDisk.push(statSync(join(dir, temp)).size);
        }
        yield full.devices[i]!;
      }
    }
    expect((await store.save({ ...full, devices: devices() })).ok).toBe(true);
    expect(sizesOnDisk).toHaveLength(1);
    expect(sizesOnDisk[0]).toBeGreaterThan(600_000);
    expect(store.snapshotBytes).toBe(Buffer.byteLength(JSON.stringify({ ...full, generation: 1 })));
    expect(await readFile(path, 'utf8')).toBe(JSON.stringify({ ...full, generation: 1 }));
    expect(await new StateStore(path).load()).toEqual(full);
    await store.close();
  });
});

describe('StateStore: corrupt files', () => {
  const fixedClock = () => Date.UTC(2025, 0, 2, 3, 4, 5, 678);

  it('moves a corrupt main file aside with an error and loads the backup', async () => {
    const path = join(dir, 'state.json');
    const writer = new StateStore(path);
    await writer.load();
    await writer.save(state(1));
    await writer.save(state(2));
    await writeFile(path, '{"version":1,"savedAt":2,"devi'); // torn
    const log = recorder();
    const store = new StateStore(path, log, fixedClock);
    const loaded = await store.load();
    expect(loaded!.savedAt).toBe(1);
    expect(store.loadedFrom).toBe('backup');
    expect(store.corruptFilesTotal).toBe(1);
    const aside = `${path}.corrupt-2025-01-02T03-04-05-678Z`;
    expect(await readFile(aside, 'utf8')).toBe('{"version":1,"savedAt":2,"devi');
    expect(log.lines.map((l) => [l.level, l.message])).toEqual([
      ['error', 'device state file is corrupt; moved aside'],
      ['warn', 'device state loaded from the backup copy'],
    ]);
    expect(log.lines[0]!.details).toMatchObject({ path, movedTo: aside });
    expect(String((log.lines[0]!.details as { reason: string }).reason)).toMatch(/^not JSON/);

    // the next save writes a new main and does not touch the file kept aside
    expect((await store.save(state(3))).ok).toBe(true);
    expect(await names()).toEqual([
      'state.json',
      'state.json.bak',
      'state.json.corrupt-2025-01-02T03-04-05-678Z',
      'state.json.journal',
    ]);
  });

  it('treats valid JSON of the wrong shape or version as corrupt', async () => {
    const path = join(dir, 'state.json');
    await writeFile(path, JSON.stringify({ version: 2, savedAt: 1, devices: [] }));
    await writeFile(`${path}.bak`, JSON.stringify({ version: 1, savedAt: 'yesterday', devices: [] }));
    const log = recorder();
    const store = new StateStore(path, log, fixedClock);
    expect(await store.load()).toBeNull();
    expect(store.loadedFrom).toBe('none');
    expect(store.corruptFilesTotal).toBe(2);
    expect(await names()).toEqual([
      'state.json.bak.corrupt-2025-01-02T03-04-05-678Z',
      'state.json.corrupt-2025-01-02T03-04-05-678Z',
    ]);
    const reasons = log.lines.map((l) => (l.details as { reason: string }).reason);
    expect(reasons[0]).toMatch(/^invalid state file: version/);
    expect(reasons[1]).toMatch(/^invalid state file: savedAt/);
  });

  it('moves an unreadable main (a directory in its place) aside', async () => {
    const path = join(dir, 'state.json');
    await mkdir(path);
    const store = new StateStore(path, recorder(), fixedClock);
    expect(await store.load()).toBeNull();
    expect(await names()).toEqual(['state.json.corrupt-2025-01-02T03-04-05-678Z']);
    expect((await store.save(state(1))).ok).toBe(true);
  });

  it('never overwrites a corrupt file even when save() comes before any load()', async () => {
    const path = join(dir, 'state.json');
    await writeFile(path, 'garbage');
    const store = new StateStore(path, recorder(), fixedClock);
    expect((await store.save(state(7))).ok).toBe(true);
    expect(await readFile(`${path}.corrupt-2025-01-02T03-04-05-678Z`, 'utf8')).toBe('garbage');
    expect((await new StateStore(path).load())!.savedAt).toBe(7);
  });

  it('does not replace an earlier corrupt copy kept aside in the same millisecond', async () => {
    const path = join(dir, 'state.json');
    await writeFile(path, 'first');
    await new StateStore(path, recorder(), fixedClock).load();
    await writeFile(path, 'second');
    await new StateStore(path, recorder(), fixedClock).load();
    expect(await readFile(`${path}.corrupt-2025-01-02T03-04-05-678Z`, 'utf8')).toBe('first');
    expect(await readFile(`${path}.corrupt-2025-01-02T03-04-05-678Z-1`, 'utf8')).toBe('second');
  });
});

describe('StateStore: write failures never stop the exporter', () => {
  // Tests run as root, where chmod 0555 does not stop writes; failures are provoked
  // by making the directory impossible (a regular file in its place), and "disk
  // full" by a file-size limit (ulimit -f) on a child process, which fails write() with EFBIG.

  it('counts, logs once and reports failures when the parent path is a file', async () => {
    await writeFile(join(dir, 'blocker'), 'not a directory');
    const log = recorder();
    const store = new StateStore(join(dir, 'blocker', 'state.json'), log);
    expect(await store.load()).toBeNull();
    for (let i = 0; i < 3; i++) {
      const result = await store.save(state(i));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatch(/ENOTDIR|EEXIST/);
    }
    expect(store.writeErrorsTotal).toBe(3);
    expect(store.lastWriteOk).toBe(false);
    expect(store.lastWriteSuccess).toBeNull();
    expect(log.lines.filter((l) => l.level === 'error')).toHaveLength(1);
  });

  it('recovers when the directory comes back, keeping the last good file readable meanwhile', async () => {
    const stateDir = join(dir, 'data');
    const path = join(stateDir, 'state.json');
    const log = recorder();
    const store = new StateStore(path, log);
    await store.load();
    expect((await store.save(state(1))).ok).toBe(true);
    const firstSuccess = store.lastWriteSuccess;

    await rm(stateDir, { recursive: true });
    await writeFile(stateDir, 'the volume went away');
    expect((await store.save(state(2))).ok).toBe(false);
    expect(store.writeErrorsTotal).toBe(1);
    expect(store.lastWriteSuccess).toBe(firstSuccess);

    await rm(stateDir);
    expect((await store.save(state(3))).ok).toBe(true);
    expect(store.lastWriteOk).toBe(true);
    expect(store.writeErrorsTotal).toBe(1);
    expect((await new StateStore(path).load())!.savedAt).toBe(3);
    expect(log.lines.map((l) => [l.level, l.message])).toEqual([
      ['error', 'cannot write device state file'],
      ['info', 'device state written again after failures'],
    ]);
  });

  it('a write that fails halfway (file size limit, as on a full disk) leaves the previous file intact', async () => {
    const path = join(dir, 'state.json');
    const seed = new StateStore(path);
    await seed.load();
    await seed.save(state(1, 10));
    const script = join(dir, 'efbig.mjs');
    await writeFile(
      script,
      `import { StateStore } from ${JSON.stringify(PERSISTENCE_MODULE)};
process.on('SIGXFSZ', () => {}); // without a handler the kernel kills the process instead of failing write()
const store = new StateStore(process.argv[2]);
await store.load();
${MAKE_STATE_JS}
const first = await store.save(make(2, 20000));
const second = await store.save(make(3, 20000));
console.log(JSON.stringify({ first, second, errors: store.writeErrorsTotal, ok: store.lastWriteOk }));
`,
    );
    // 512-byte blocks: 20 kB allowed, the big state is several MB
    const output = await run('sh', ['-c', `ulimit -f 40; exec "${process.execPath}" --import tsx "${script}" "${path}"`]);
    const report = JSON.parse(output.stdout.trim());
    expect(report.first.ok).toBe(false);
    expect(report.first.error).toMatch(/EFBIG/);
    expect(report.errors).toBe(2);
    expect(report.ok).toBe(false);
    expect((await new StateStore(path).load())!.savedAt).toBe(1);
    expect(await names()).toEqual(['efbig.mjs', 'state.json', 'state.json.journal']);
  });
});

function firstSighting(mac: string, at: number): StateChanges {
  return { changed: [savedDevice(mac, at)], refreshed: [], removed: [], routers: [] };
}

describe('StateStore: journal', () => {
  it('appends changes and replays them over the snapshot on load', async () => {
    const path = join(dir, 'state.json');
    const store = new StateStore(path);
    await store.load();
    expect((await store.save(state(100, 2))).ok).toBe(true);
    const base = store.bytesWrittenTotal;
    expect(store.journalBytes).toBe((await stat(`${path}.journal`)).size);
    expect((await store.append(firstSighting('AA:00:00:00:00:01', 110))).ok).toBe(true);
    const refresh: StateChanges = {
      changed: [],
      refreshed: [{ router: 'home', mac: 'AA:00:00:00:00:01', lastSeen: 120, lastListedAt: 120 }],
      removed: [{ router: 'home', mac: state(100, 2).devices[0]!.mac }],
      routers: [{ name: 'home', lastGoodPollAt: 120 }],
    };
    expect((await store.append(refresh)).ok).toBe(true);
    // Only the records were written, not the state again.
    const header = Buffer.byteLength('00000000 {"journal":1,"generation":1}\n');
    expect(store.bytesWrittenTotal - base).toBe((await stat(`${path}.journal`)).size - header);
    expect(store.bytesWrittenTotal - base).toBeLessThan(600);
    // An empty drain writes nothing.
    expect((await store.append({ changed: [], refreshed: [], removed: [], routers: [] })).ok).toBe(true);
    const loader = new StateStore(path);
    const loaded = await loader.load();
    expect(loader.journalRecordsLoaded).toBe(2);
    expect(loaded!.savedAt).toBeGreaterThan(1e9); // the time of the last record
    expect(loaded!.routers).toEqual([{ name: 'home', lastGoodPollAt: 120 }]);
    expect(loaded!.devices.map((d) => [d.mac, d.firstSeen, d.lastSeen])).toEqual([
      [state(100, 2).devices[1]!.mac, 100, 100],
      ['AA:00:00:00:00:01', 110, 120],
    ]);
    // A load that replayed records asks for a compaction; after it the journal is empty again.
    expect(loader.needsCompaction).toBe(true);
    expect((await loader.save({ ...loaded!, savedAt: 130 })).ok).toBe(true);
    expect(loader.needsCompaction).toBe(false);
    const again = new StateStore(path);
    expect((await again.load())!.devices).toEqual(loaded!.devices);
    expect(again.journalRecordsLoaded).toBe(0);
  });

  it('a journal with no snapshot (a crash before the first full save) still gives back every first sighting', async () => {
    const path = join(dir, 'state.json');
    const store = new StateStore(path);
    expect(await store.load()).toBeNull();
    await store.append(firstSighting('AA:00:00:00:00:01', 10));
    await store.append(firstSighting('AA:00:00:00:00:02', 11));
    expect(await names()).toEqual(['state.json.journal']);
    const loaded = await new StateStore(path).load();
    expect(loaded!.devices.map((d) => [d.mac, d.firstSeen])).toEqual([
      ['AA:00:00:00:00:01', 10],
      ['AA:00:00:00:00:02', 11],
    ]);
  });

  it('ignores a torn last record with a warning, cuts it off, and appends cleanly after it', async () => {
    const path = join(dir, 'state.json');
    const store = new StateStore(path);
    await store.load();
    await store.save(state(100, 1));
    await store.append(firstSighting('AA:00:00:00:00:01', 110));
    const goodSize = (await stat(`${path}.journal`)).size;
    await writeFile(`${path}.journal`, '3f2a0c11 {"at":120,"changed":[{"router":"home","mac":"AA:00', { flag: 'a' });
    const log = recorder();
    const reader = new StateStore(path, log);
    const loaded = await reader.load();
    expect(loaded!.devices.map((d) => d.mac)).toContain('AA:00:00:00:00:01');
    expect(reader.corruptFilesTotal).toBe(0);
    expect(log.lines.map((l) => [l.level, l.message])).toEqual([
      ['warn', 'device state journal ends in a record cut short by a crash; ignored'],
    ]);
    expect(log.lines[0]!.details).toMatchObject({ line: 3, bytesIgnored: 59 });
    expect((await stat(`${path}.journal`)).size).toBe(goodSize);
    // The next append follows the good records; nothing is "corrupt" on the next load.
    await reader.append(firstSighting('AA:00:00:00:00:02', 130));
    const log2 = recorder();
    const next = new StateStore(path, log2);
    expect((await next.load())!.devices.map((d) => d.mac)).toContain('AA:00:00:00:00:02');
    expect(log2.lines).toEqual([]);
    expect(await names()).toEqual(['state.json', 'state.json.journal']);
  });

  it('keeps a journal damaged in the middle aside, uses the records before the damage, and reports it', async () => {
    const path = join(dir, 'state.json');
    const store = new StateStore(path);
    await store.load();
    await store.save(state(100, 1));
    await store.append(firstSighting('AA:00:00:00:00:01', 110));
    await store.append(firstSighting('AA:00:00:00:00:02', 120));
    await store.append(firstSighting('AA:00:00:00:00:03', 130));
    const lines = (await readFile(`${path}.journal`, 'utf8')).split('\n');
    lines[2] = lines[2]!.replace('AA:00:00:00:00:02', 'AA:00:00:00:00:09');
    await writeFile(`${path}.journal`, lines.join('\n'));
    const log = recorder();
    const reader = new StateStore(path, log, () => Date.UTC(2025, 0, 2, 3, 4, 5, 678));
    const loaded = await reader.load();
    expect(loaded!.devices.map((d) => d.mac)).toEqual([state(100, 1).devices[0]!.mac, 'AA:00:00:00:00:01']);
    expect(reader.corruptFilesTotal).toBe(1);
    expect(reader.needsCompaction).toBe(true);
    expect(log.lines.map((l) => [l.level, l.message])).toEqual([
      ['error', 'device state journal is damaged; the records before the damage are used'],
      ['error', 'device state file is corrupt; moved aside'],
    ]);
    expect(await readFile(`${path}.journal.corrupt-2025-01-02T03-04-05-678Z`, 'utf8')).toBe(lines.join('\n'));
    // Appends start a new journal; the compaction then writes everything.
    expect((await reader.append(firstSighting('AA:00:00:00:00:04', 140))).ok).toBe(true);
    expect((await new StateStore(path).load())!.devices.map((d) => d.mac)).toContain('AA:00:00:00:00:04');
  });

  it('ignores a journal older than the snapshot (a crash between the two steps of a compaction)', async () => {
    const path = join(dir, 'state.json');
    const store = new StateStore(path);
    await store.load();
    await store.save(state(100, 1));
    await store.append(firstSighting('AA:00:00:00:00:01', 110));
    const oldJournal = await readFile(`${path}.journal`);
    await store.save({ ...state(200, 1), devices: [] });
    await writeFile(`${path}.journal`, oldJournal);
    const log = recorder();
    const reader = new StateStore(path, log);
    const loaded = await reader.load();
    expect(loaded!.savedAt).toBe(200);
    expect(loaded!.devices).toEqual([]);
    expect(log.lines.map((l) => l.message)).toEqual(['device state journal is older than the snapshot; discarded']);
    expect(await names()).toEqual(['state.json', 'state.json.bak']);
  });

  it('never quotes the content of a file that is not a journal', async () => {
    const path = join(dir, 'state.json');
    await writeFile(`${path}.journal`, 'hunter2-Zq9\n');
    const log = recorder();
    const reader = new StateStore(path, log);
    expect(await reader.load()).toBeNull();
    expect(reader.corruptFilesTotal).toBe(1);
    expect(JSON.stringify(log.lines)).not.toContain('hunter2');
    expect(JSON.stringify(log.lines)).toContain('not a state journal');
  });

  it('an append that fails halfway (file size limit) is cut back; every acknowledged record loads', async () => {
    const path = join(dir, 'state.json');
    const script = join(dir, 'efbig-append.mjs');
    await writeFile(
      script,
      `import { StateStore } from ${JSON.stringify(PERSISTENCE_MODULE)};
process.on('SIGXFSZ', () => {});
const store = new StateStore(process.argv[2]);
await store.load();
await store.save({ version: 1, savedAt: 1, routers: [], devices: [] });
const acked = [];
let failures = 0;
for (let i = 0; i < 400 && failures < 3; i++) {
  const mac = '02:00:00:00:' + String(Math.floor(i / 100)).padStart(2, '0') + ':' + String(i % 100).padStart(2, '0');
  const device = { router: 'home', mac, firstSeen: i, lastSeen: i, lastListedAt: i, ip: null,
    hostname: 'x'.repeat(300), leaseComment: null, interface: null, bridgePort: null, dhcpServer: null, lease: 'none' };
  const result = await store.append({ changed: [device], refreshed: [], removed: [], routers: [] });
  if (result.ok) acked.push(mac); else failures++;
}
console.log(JSON.stringify({ acked, failures, error: store.lastWriteError }));
`,
    );
    // 512-byte blocks: 40 kB allowed; each record is about 450 bytes.
    const output = await run('sh', ['-c', `ulimit -f 80; exec "${process.execPath}" --import tsx "${script}" "${path}"`]);
    const report = JSON.parse(output.stdout.trim()) as { acked: string[]; failures: number; error: string };
    expect(report.failures).toBe(3);
    expect(report.error).toMatch(/EFBIG/);
    expect(report.acked.length).toBeGreaterThan(50);
    const log = recorder();
    const reader = new StateStore(path, log);
    const loaded = await reader.load();
    expect(loaded!.devices.map((d) => d.mac)).toEqual(report.acked);
    expect(reader.corruptFilesTotal).toBe(0);
    expect(log.lines).toEqual([]);
  });
});

describe('StateStore: kill -9 while appending and compacting', () => {
  it('every acknowledged first sighting survives, and nothing is ever corrupt', async () => {
    const script = join(dir, 'journal-writer.mjs');
    await writeFile(
      script,
      `import { StateStore } from ${JSON.stringify(PERSISTENCE_MODULE)};
const store = new StateStore(process.argv[2]);
const loaded = (await store.load()) ?? { version: 1, savedAt: 0, routers: [], devices: [] };
const devices = loaded.devices;
let seq = devices.length;
for (;;) {
  seq++;
  const mac = '02:00:00:' + String(seq).padStart(6, '0').replace(/(..)(..)(..)/, '$1:$2:$3');
  const device = { router: 'home', mac, firstSeen: seq, lastSeen: seq, lastListedAt: seq, ip: null,
    hostname: 'host-' + seq, leaseComment: null, interface: null, bridgePort: null, dhcpServer: null, lease: 'none' };
  devices.push(device);
  const result = seq % 25 === 0
    ? await store.save({ version: 1, savedAt: seq, routers: [], devices })
    : await store.append({ changed: [device], refreshed: [], removed: [], routers: [] });
  if (!result.ok) { console.error(result.error); process.exit(3); }
  process.stdout.write(seq + '\\n');
}
`,
    );
    const path = join(dir, 'lane', 'state.json');
    await mkdir(join(dir, 'lane'));
    let lastAcked = 0;
    for (let kill = 0; kill < 8; kill++) {
      const acked = await runUntilKilled(script, path, lastAcked, kill % 3 === 0 ? 0 : Math.random() * 30);
      lastAcked = Math.max(lastAcked, acked);
      const store = new StateStore(path);
      const loaded = await store.load();
      expect(store.corruptFilesTotal).toBe(0);
      expect(store.loadedFrom === 'main' || (lastAcked < 25 && store.loadedFrom === 'none')).toBe(true);
      const seqs = loaded!.devices.map((d) => d.firstSeen);
      // Every acknowledged device, in order, with at most the one in flight after it.
      expect(seqs.slice(0, lastAcked)).toEqual(Array.from({ length: lastAcked }, (_, i) => i + 1));
      expect(seqs.length).toBeLessThanOrEqual(lastAcked + 1);
      lastAcked = seqs.length;
      await store.close();
    }
  }, 180_000); // a guard only: fsync latency on a shared, busy machine stretches these loops several times
});

describe('StateStore: kill -9 while appending records larger than the write buffer', () => {
  it('every acknowledged record survives whole, a record cut short is never applied, nothing is corrupt', async () => {
    const script = join(dir, 'big-journal-writer.mjs');
    await writeFile(
      script,
      `import { StateStore } from ${JSON.stringify(PERSISTENCE_MODULE)};
const store = new StateStore(process.argv[2]);
const loaded = await store.load();
let batch = loaded ? Math.max(...loaded.devices.map((d) => d.firstSeen)) : 0;
if (loaded) await store.save(loaded);
for (;;) {
  batch++;
  const changed = [];
  for (let i = 0; i < 400; i++) {
    const mac = '02:' + String(batch).padStart(6, '0').replace(/(..)(..)(..)/, '$1:$2:$3') + ':' + String(i).padStart(4, '0').replace(/(..)(..)/, '$1:$2');
    changed.push({ router: 'home', mac, firstSeen: batch, lastSeen: batch, lastListedAt: batch, ip: null,
      hostname: 'host \u00e9 "' + i + '"', leaseComment: null, interface: null, bridgePort: null, dhcpServer: null, lease: 'none' });
  }
  // About 100 kB: larger than the 64 kB buffer, so the line is written in several writes and its checksum last.
  const result = await store.append({ changed, refreshed: [], removed: [], routers: [] });
  if (!result.ok) { console.error(result.error); process.exit(3); }
  process.stdout.write(batch + '\\n');
}
`,
    );
    const path = join(dir, 'big', 'state.json');
    await mkdir(join(dir, 'big'));
    let lastAcked = 0;
    for (let kill = 0; kill < 6; kill++) {
      const acked = await runUntilKilled(script, path, lastAcked, kill % 2 === 0 ? Math.random() * 5 : Math.random() * 40);
      lastAcked = Math.max(lastAcked, acked);
      const store = new StateStore(path);
      const loaded = await store.load();
      expect(store.corruptFilesTotal).toBe(0);
      const perBatch = new Map<number, number>();
      for (const device of loaded!.devices) perBatch.set(device.firstSeen!, (perBatch.get(device.firstSeen!) ?? 0) + 1);
      const batches = [...perBatch.keys()].sort((a, b) => a - b);
      // Every acknowledged batch, whole; at most the one in flight after them, and whole too.
      expect(batches.slice(0, lastAcked)).toEqual(Array.from({ length: lastAcked }, (_, i) => i + 1));
      expect(batches.length).toBeLessThanOrEqual(lastAcked + 1);
      expect([...perBatch.values()].every((count) => count === 400)).toBe(true);
      lastAcked = batches.length;
      await store.close();
    }
  }, 180_000); // a guard only: fsync latency on a shared, busy machine stretches these loops several times
});

describe('StateStore: kill -9 during a write loop', () => {
  it('always loads a valid state and loses at most the write in flight', async () => {
    // Two lanes with their own files run side by side so one child's start-up overlaps the other's writes.
    const lanes = 2;
    const killsPerLane = 8;
    const script = join(dir, 'writer.mjs');
    await writeFile(
      script,
      `import { StateStore } from ${JSON.stringify(PERSISTENCE_MODULE)};
${MAKE_STATE_JS}
const store = new StateStore(process.argv[2]);
const loaded = await store.load();
let seq = loaded ? loaded.savedAt + 1 : 1;
for (;;) {
  const result = await store.save(make(seq, 1500));
  if (!result.ok) { console.error(result.error); process.exit(3); }
  process.stdout.write(seq + '\\n'); // synchronous for pipes on Linux: the parent sees every acknowledged save
  seq++;
}
`,
    );
    const lane = async (n: number) => {
      const path = join(dir, `lane${n}`, 'state.json');
      await mkdir(join(dir, `lane${n}`));
      let lastAcked = 0;
      let previousLoaded = 0;
      for (let kill = 0; kill < killsPerLane; kill++) {
        const acked = await runUntilKilled(script, path, lastAcked, kill % 3 === 0 ? 0 : Math.random() * 40);
        lastAcked = Math.max(lastAcked, acked);
        const store = new StateStore(path);
        const loaded = await store.load();
        expect(loaded).not.toBeNull();
        expect(store.loadedFrom).toBe('main');
        expect(store.corruptFilesTotal).toBe(0);
        // at most the write in flight is lost
        expect(loaded!.savedAt).toBeGreaterThanOrEqual(lastAcked);
        expect(loaded!.savedAt).toBeLessThanOrEqual(lastAcked + 1);
        expect(loaded!.savedAt).toBeGreaterThan(previousLoaded);
        expect(loaded!.devices).toHaveLength(1500);
        expect(loaded!.devices.every((d) => d.firstSeen === loaded!.savedAt)).toBe(true);
        if (loaded!.savedAt > 1) {
          const backup = persistedStateSchema.parse(JSON.parse(await readFile(`${path}.bak`, 'utf8')));
          expect(backup.savedAt).toBeLessThan(loaded!.savedAt);
        }
        previousLoaded = loaded!.savedAt;
        lastAcked = loaded!.savedAt; // the child continues from what it finds
      }
    };
    await Promise.all(Array.from({ length: lanes }, (_, n) => lane(n)));
  }, 180_000); // a guard only: fsync latency on a shared, busy machine stretches these loops several times
});

/** Starts the writer, waits for a save newer than `after`, lets it run `delayMs` more, then SIGKILLs it. */
function runUntilKilled(script: string, path: string, after: number, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, path], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let buffered = '';
    let acked = 0;
    let armed = false;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) acked = Math.max(acked, Number(line));
      if (!armed && acked > after) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited on its own (${code}): ${stderr}`));
      else resolve(acked);
    });
  });
}

function run(command: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve({ stdout, stderr }) : reject(new Error(`exit ${code}: ${stderr}`))));
  });
}
