/**
 * Watch the folders a preview depends on (the manuscript, the stock theme folder) and report changed
 * files in batches. fs.watch with `recursive` (inotify per folder on Linux since Node 20, FSEvents on
 * macOS); a burst of events (an editor's save is often write + rename + chmod) becomes one batch.
 */
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

export interface ChangeBatch {
  /** Absolute paths that changed (files or folders; a deleted file is reported too). */
  files: string[];
  /** performance.now() of the first event of the batch: the moment the editor saved. */
  at: number;
}

export interface WatchOptions {
  /** Quiet time after the last event before the batch is reported. Default 30 ms. */
  debounceMs?: number;
}

export interface Watcher {
  close(): void;
}

/** Editors' swap, backup and temporary files: never an input. */
export function isNoise(file: string): boolean {
  const base = path.basename(file);
  return (
    base.startsWith('.') ||
    base.endsWith('~') ||
    /\.(swp|swx|swo|tmp|bak|orig)$/i.test(base) ||
    /^#.*#$/.test(base) ||
    /^\d+$/.test(base) // vim's write test file "4913"
  );
}

export function watchFolders(dirs: string[], onBatch: (batch: ChangeBatch) => void, opts: WatchOptions = {}): Watcher {
  const debounceMs = opts.debounceMs ?? 30;
  let pending = new Set<string>();
  let first = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const files = [...pending];
    pending = new Set();
    if (files.length) onBatch({ files, at: first });
  };
  const watchers: FSWatcher[] = [];
  for (const dir of dirs) {
    const w = watch(dir, { recursive: true }, (_event, name) => {
      const file = name ? path.join(dir, name.toString()) : dir;
      if (isNoise(file)) return;
      if (pending.size === 0) first = performance.now();
      pending.add(file);
      if (timer) clearTimeout(timer);
      timer = setTimeout(flush, debounceMs);
    });
    // A watched folder that disappears (a theme folder deleted) must not crash the preview.
    w.on('error', () => {});
    watchers.push(w);
  }
  return {
    close() {
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
