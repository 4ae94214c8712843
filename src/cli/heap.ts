/**
 * The command's heap stays near what it holds (src/util/young.ts). Imported first by ./main.ts.
 * BRIEFPRESS_YOUNG_MIB sets the young generation's cap (both semi-spaces together; default 4 for a
 * short build, 8 for a series of more than 10 briefs, 32 for a long document: src/api.ts),
 * BRIEFPRESS_OLD_MIB the old generation's size past which it grows by half what is alive (default 64).
 */
import { capHeap, tuneForShortJob } from '../util/young.js';

const youngMiB = Number(process.env.BRIEFPRESS_YOUNG_MIB) || undefined;
capHeap(youngMiB ?? 8, Number(process.env.BRIEFPRESS_OLD_MIB) || 64);

// `build`: tuned for a short job while the modules load and the manuscript is read (code that runs
// once), and for the rest of a short job; build() tunes it back for a long one (src/api.ts,
// src/util/young.ts). BRIEFPRESS_OPTIMIZE=1 keeps V8's defaults throughout (for measuring).
if (process.argv.slice(2).find((a) => !a.startsWith('-')) === 'build' && process.env.BRIEFPRESS_OPTIMIZE !== '1') tuneForShortJob(youngMiB ?? 4);
