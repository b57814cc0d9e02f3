import { type FSWatcher, watch } from 'node:fs';
import type { Logger } from '../logging.js';

export interface RouterFilesWatchOptions {
  /** Directories to watch, asked again at every re-scan (patterns can change on reload, directories can appear). */
  directories: () => string[];
  /** Called after a burst of changes has settled, and at every re-scan. */
  onChange: () => void;
  /** Period of the re-scan that catches what fs.watch misses. */
  rescanMs: number;
  debounceMs?: number;
  logger: Logger;
}

/**
 * fs.watch on the router files' directories, debounced so an editor's or a
 * tool's write-rename-chmod burst is read once, plus a periodic re-scan:
 * fs.watch is not reliable everywhere (network filesystems, Kubernetes
 * ConfigMap symlink swaps, directories created later, `**` subdirectories).
 */
export function watchRouterFiles(options: RouterFilesWatchOptions): { close(): void } {
  const debounceMs = options.debounceMs ?? 300;
  const watchers = new Map<string, FSWatcher>();
  let debounce: NodeJS.Timeout | null = null;
  let closed = false;

  const changed = (): void => {
    if (closed) return;
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = null;
      options.onChange();
    }, debounceMs);
  };

  const syncWatchers = (): void => {
    const wanted = new Set(options.directories());
    for (const [dir, watcher] of watchers) {
      if (!wanted.has(dir)) {
        watcher.close();
        watchers.delete(dir);
      }
    }
    for (const dir of wanted) {
      if (watchers.has(dir)) continue;
      try {
        const watcher = watch(dir, { persistent: false }, changed);
        watcher.on('error', () => {
          // The directory went away: drop the watcher, the re-scan sets it up again if it comes back.
          watcher.close();
          watchers.delete(dir);
        });
        watchers.set(dir, watcher);
      } catch (error) {
        options.logger.debug({ dir, code: (error as NodeJS.ErrnoException).code }, 'router files: cannot watch directory yet');
      }
    }
  };

  syncWatchers();
  const rescan = setInterval(() => {
    syncWatchers();
    options.onChange();
  }, options.rescanMs);
  rescan.unref();

  return {
    close() {
      closed = true;
      clearInterval(rescan);
      if (debounce) clearTimeout(debounce);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
