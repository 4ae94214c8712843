/**
 * The command's heap stays near what it holds (src/util/young.ts). Imported first by ./main.ts.
 * BRIEFPRESS_YOUNG_MIB sets the young generation's cap (both semi-spaces together, default 8; for
 * measuring: 4 saves ~8 MB more for ~3x the scavenges), BRIEFPRESS_OLD_MIB the old generation's
 * size past which it grows by half what is alive (default 64).
 */
import { capHeap, optimizeCode } from '../util/young.js';

capHeap(Number(process.env.BRIEFPRESS_YOUNG_MIB) || 8, Number(process.env.BRIEFPRESS_OLD_MIB) || 64);

// `build`: V8's optimizing compiler stays off while the modules load and the manuscript is read (code
// that runs once), and for the rest of a short job; build() turns it back on for a long one
// (src/api.ts, src/util/young.ts). BRIEFPRESS_OPTIMIZE=1 keeps it on throughout (for measuring).
if (process.argv.slice(2).find((a) => !a.startsWith('-')) === 'build' && process.env.BRIEFPRESS_OPTIMIZE !== '1') optimizeCode(false, 'until the job is known to be long');
