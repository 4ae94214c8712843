/**
 * The command's young generation stays small. V8 doubles it (two semi-spaces of 0.5 up to 16 MB)
 * while the modules load and objects survive, and a build's garbage then fills it whole: ~25 MB
 * of Node's ~150 MB at a build's peak. Node flags cannot be passed through the `briefpress` bin,
 * but the growth factor is read at each growth: once the young generation has reached `capMiB`
 * (checked after each garbage collection), it grows no more. Imported first by ./main.ts.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';


/** Both semi-spaces together (BRIEFPRESS_YOUNG_MIB, for measuring: 4 saves ~8 MB more for ~3x the scavenges). */
const capMiB = Number(process.env.BRIEFPRESS_YOUNG_MIB) || 8;

const reached = () => (v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0) >= capMiB * 2 ** 20;
if (reached()) v8.setFlagsFromString('--semi-space-growth-factor=1');
else {
  const observer = new PerformanceObserver(() => {
    if (!reached()) return;
    v8.setFlagsFromString('--semi-space-growth-factor=1');
    observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
}
