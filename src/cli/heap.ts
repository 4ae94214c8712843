/**
 * The command's heap stays near what it holds (src/util/young.ts). Imported first by ./main.ts.
 * BRIEFPRESS_YOUNG_MIB sets the young generation's cap (both semi-spaces together, default 8; for
 * measuring: 4 saves ~8 MB more for ~3x the scavenges), BRIEFPRESS_OLD_MIB the old generation's
 * size past which it grows by half what is alive (default 64).
 */
import { capHeap } from '../util/young.js';

capHeap(Number(process.env.BRIEFPRESS_YOUNG_MIB) || 8, Number(process.env.BRIEFPRESS_OLD_MIB) || 64);
