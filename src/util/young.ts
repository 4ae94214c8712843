/**
 * Node's young generation kept small (src/cli/heap.ts turns it on for the CLI). V8 doubles it (two
 * semi-spaces of 0.5 up to 16 MB) while the modules load and objects survive, and a build's garbage
 * then fills it whole: ~25 MB of Node's ~150 MB at a build's peak. Node flags cannot be passed
 * through the `briefpress` bin, but the growth factor is read at each growth: once the young
 * generation has reached the cap (checked after each garbage collection), it grows no more.
 *
 * Starting a worker thread puts V8's flags back as Node set them (measured: the main thread's young
 * generation then grew 16 -> 32 MB in a build with page previews): `afterWorkerStart` applies the cap
 * again.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

let capBytes = 0;

const reached = () => (v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0) >= capBytes;
const stopGrowing = () => v8.setFlagsFromString('--semi-space-growth-factor=1');

/** Stop the young generation's growth once it holds `capMiB` (both semi-spaces together). */
export function capYoungGeneration(capMiB: number): void {
  capBytes = capMiB * 2 ** 20;
  if (reached()) return stopGrowing();
  const observer = new PerformanceObserver(() => {
    if (!reached()) return;
    stopGrowing();
    observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
}

/** Call once a worker thread is online: its start undid the cap. */
export function afterWorkerStart(): void {
  if (capBytes > 0 && reached()) stopGrowing();
}
