/**
 * Node's heap kept near what it holds (src/cli/heap.ts turns this on for the CLI).
 *
 * The young generation: V8 doubles it (two semi-spaces of 0.5 up to 16 MB) while the modules load
 * and objects survive, and a build's garbage then fills it whole: ~25 MB of Node's ~150 MB at a
 * build's peak. Node flags cannot be passed through the `briefpress` bin, but the growth factor is
 * read at each growth: once the young generation has reached its cap (checked after each garbage
 * collection), it grows no more.
 *
 * The old generation, likewise, once it passes its cap: V8 lets it grow to 2-4 times what a full
 * collection leaves alive, and a long series keeps it there (200 briefs: 190-220 MB of heap for
 * 50-100 MB alive, the largest part of the build's peak). Past the cap it grows by half what is
 * alive (--heap-growing-percent=50; read at each collection): a build of one brief (35 MB) or 20
 * (53 MB) never gets there, a long series pays a few more full collections.
 *
 * Starting a worker thread puts V8's flags back as Node set them (measured: the main thread's young
 * generation then grew 16 -> 32 MB in a build with page previews): `afterWorkerStart` applies the
 * caps again, and so does every garbage collection once a cap was reached.
 *
 * V8's optimizing compiler (TurboFan) likewise: `optimizeCode(false)` turns it off for a short job
 * (src/cli/heap.ts, src/api.ts). It compiles the functions that run hot on V8's background threads,
 * and a build of one brief ends before most of that pays back: measured on the sample, with it off,
 * Node's CPU time fell 1.66 -> 1.17 s (its background threads 0.58 -> 0.23 s, its main thread too)
 * and the build's wall time 1.8 -> 1.4 s on 2 cores. A long job needs it (the 41k-word report: Node
 * 5.4 -> 6.9 s of CPU without it).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/**
 * V8's flags, set for this process, unless a code cache is being made (src/cli/start.ts): V8 accepts
 * a cache only under the flags it was made with, and a new process starts with V8's own.
 */
const setFlag = (flag: string) => {
  if (!process.env.BRIEFPRESS_CODE_CACHE_OUT) v8.setFlagsFromString(flag);
};

let youngCap = 0;
let oldCap = 0;
let youngSet = false;
let oldSet = false;

const size = (space: string) => v8.getHeapSpaceStatistics().find((s) => s.space_name === space)?.space_size ?? 0;
const youngReached = () => size('new_space') >= youngCap;
const oldReached = () => size('old_space') >= oldCap;
const stopYoung = () => setFlag('--semi-space-growth-factor=1');
const slowOld = () => setFlag('--heap-growing-percent=50');
const growYoung = () => setFlag('--semi-space-growth-factor=2'); // V8's own

/**
 * Stop the young generation's growth once it holds `youngMiB` (both semi-spaces together), and let
 * the old generation grow by half what is alive once it holds `oldMiB`.
 */
export function capHeap(youngMiB: number, oldMiB: number): void {
  youngCap = youngMiB * 2 ** 20;
  oldCap = oldMiB * 2 ** 20;
  // Checked after each garbage collection, for as long as the process runs, and a cap once reached
  // applied again each time (~6 us a call): while a worker thread runs, V8's flags are put back, at
  // its start, its end and in between (measured: with the flag applied again only at the worker's
  // 'online' and 'exit' events, a busy main thread's young generation still grew 2 -> 16-32 MB in 6
  // runs of 6; applied again after each collection, it stayed at 2 MB in 5 and reached 8 in one).
  //
  // Below its cap, the young generation may grow again, but only from the first collection
  // reported (`mayGrow`): the CLI's bundle runs its modules with the growth stopped
  // (src/cli/start.ts), and the build's first stretch of synchronous work, with no report in
  // between, let it double from 2 to 16 MB.
  const check = (mayGrow: boolean) => {
    if (youngSet || youngReached()) {
      youngSet = true;
      stopYoung();
    } else if (mayGrow) growYoung();
    if (oldSet || oldReached()) {
      oldSet = true;
      slowOld();
    }
  };
  check(false);
  new PerformanceObserver(() => {
    check(true);
    keepOptimizing();
  }).observe({ entryTypes: ['gc'] });
}

/** Whether TurboFan was turned on or off here (undefined: left as V8 has it). */
let optimizing: boolean | undefined;
/** The interrupt budget set here (0: V8's own). */
let budget = 0;
const keepOptimizing = () => {
  if (optimizing !== undefined) setFlag(optimizing ? '--opt' : '--no-opt');
  if (budget) setFlag(`--interrupt-budget=${budget}`);
};

/**
 * How much bytecode a function runs before V8 considers optimizing it (V8's interrupt budget:
 * 66 KB of bytecode executed), multiplied by `factor`: fewer functions reach TurboFan, whose
 * compilations on V8's background threads took ~1.5 s of CPU in a build of 20 briefs. Measured
 * with 4 (8 builds of 20 briefs each, in turn): 6.85 s against 7.57 s, 7 pairs of 8 faster; the
 * 41k-word report unchanged (6.06 s against 6.18 s, 5 each). Kept like the rest (above).
 */
export function slowTierUp(factor: number): void {
  budget = Math.min(Math.round(67584 * factor), 2 ** 31 - 1); // an int flag
  keepOptimizing();
}

/**
 * Turn V8's optimizing compiler on or off for the whole process (its worker threads too), from now
 * on; kept through worker threads' starts like the heap's caps (afterWorkerStart, and after each
 * garbage collection where capHeap watches them). Code already optimized stays so.
 */
export function optimizeCode(on: boolean, why = ''): void {
  optimizing = on;
  keepOptimizing();
  if (process.env.BRIEFPRESS_TRACE) process.stderr.write(`briefpress: V8's optimizing compiler ${on ? 'on' : 'off'}${why ? ` (${why})` : ''}\n`);
}

/** Turn the optimizing compiler back on if `optimizeCode(false)` turned it off (a long job after all); else nothing. */
export function resumeOptimizing(why = ''): void {
  if (optimizing === false) optimizeCode(true, why);
}

/**
 * A new cap for the young generation (capHeap's first). Lower: it stops growing once it gets there
 * (it does not shrink). Higher: it grows again, up to the new cap.
 */
export function capYoung(youngMiB: number): void {
  youngCap = youngMiB * 2 ** 20;
  if (youngSet && !youngReached()) {
    youngSet = false;
    growYoung();
  }
}

let shortJob = false;

/**
 * The CLI's `build` starts tuned for a short job (src/cli/heap.ts): the optimizing compiler off
 * (above), and the young generation capped at 4 MB instead of 8 (which V8 overshoots to 16: it can
 * double twice between two checks). Measured on the sample (6 runs each, in turn): the build's peak
 * memory 314 -> 300 MiB, its time unchanged (1.66 -> 1.53 s, within the noise). A series needs the
 * larger one (20 briefs with 4 MB: slower, and Node larger, as more short-lived objects outlive it).
 */
export function tuneForShortJob(youngMiB = 4): void {
  shortJob = true;
  optimizeCode(false, 'until the job is known to be long');
  capYoung(youngMiB);
}

/** A long job after all (src/api.ts): the optimizing compiler back on (slowTierUp(4)), the young generation's usual cap. */
export function tuneForLongJob(why: string, youngMiB = 8): void {
  if (!shortJob) return;
  shortJob = false;
  slowTierUp(4);
  resumeOptimizing(why);
  capYoung(youngMiB);
}

/** Call once a worker thread is online, and once it has ended: its start and end put the caps already applied back (capHeap's check after each collection does it too, but only after that collection). */
export function afterWorkerStart(): void {
  if (youngSet) stopYoung();
  if (oldSet) slowOld();
  keepOptimizing();
}
