/**
 * The command's young generation stays small. V8 doubles it (two semi-spaces of 0.5 up to 16 MB)
 * while the modules load and objects survive, and a build's garbage then fills it whole: ~25 MB
 * of Node's ~150 MB at a build's peak. Node flags cannot be passed through the `briefpress` bin,
 * but the growth factor is read at each growth: once the young generation has reached `capMiB`
 * (checked after each garbage collection), it grows no more. Imported first by ./main.ts.
 *
 * The old generation, likewise, once it passes `oldCapMiB`: V8 lets it grow to 2-4 times what a
 * full collection leaves alive, and a long series keeps it there (200 briefs: 190-220 MB of heap for
 * 50-100 MB alive, the largest part of the build's peak). Past the cap it grows by half what is
 * alive (--heap-growing-percent=50; read at each collection): a build of one brief or a few never
 * gets there, a long series pays a few more full collections.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';


/** Both semi-spaces together (BRIEFPRESS_YOUNG_MIB, for measuring: 4 saves ~8 MB more for ~3x the scavenges). */
const capMiB = Number(process.env.BRIEFPRESS_YOUNG_MIB) || 8;

/** Old generation past which it grows by half what is alive (BRIEFPRESS_OLD_MIB, for measuring). */
const oldCapMiB = Number(process.env.BRIEFPRESS_OLD_MIB) || 64;
const oldGrowth = '--heap-growing-percent=50';

const reached = () => (v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0) >= capMiB * 2 ** 20;
const oldReached = () => (v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')?.space_size ?? 0) >= oldCapMiB * 2 ** 20;
let young = reached();
if (young) v8.setFlagsFromString('--semi-space-growth-factor=1');
const observer = new PerformanceObserver(() => {
  if (!young && reached()) {
    young = true;
    v8.setFlagsFromString('--semi-space-growth-factor=1');
  }
  if (!oldReached()) return;
  v8.setFlagsFromString(oldGrowth);
  observer.disconnect();
});
observer.observe({ entryTypes: ['gc'] });
