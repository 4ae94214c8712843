/**
 * A brief's files are held back until the brief has succeeded (README "Errors": a brief that fails
 * writes none of its files and keeps its last good editions). While a brief's targets run inside
 * `runStaged`, writeFilesAtomic (src/util/write.ts) only records what it would write; the build then
 * writes the whole set, or drops it when a target failed or another brief hit a bug meanwhile.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface Stage {
  /** Files the brief's targets wrote, in order (a later write of the same path wins). */
  files: { path: string; data: string | Uint8Array }[];
  /** Clean-ups to run once the files are written (stale page previews); dropped with them. */
  after?: (() => void)[];
}

const store = new AsyncLocalStorage<Stage>();

/** The stage of the brief whose target is running, if any. */
export function currentStage(): Stage | undefined {
  return store.getStore();
}

/** Run `fn` with its writes held in `stage`. */
export function runStaged<T>(stage: Stage, fn: () => Promise<T>): Promise<T> {
  return store.run(stage, fn);
}

/** Run `fn` once the brief's files are written (at once outside a brief's build). */
export function afterWrite(fn: () => void): void {
  const stage = store.getStore();
  if (stage) (stage.after ??= []).push(fn);
  else fn();
}

/** The held files, each path once (the last write wins). */
export function stagedFiles(stage: Stage): Stage['files'] {
  return [...new Map(stage.files.map((f) => [f.path, f])).values()];
}
