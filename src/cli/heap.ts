/**
 * The command's young generation stays small (src/util/young.ts). Imported first by ./main.ts.
 * BRIEFPRESS_YOUNG_MIB sets the cap (both semi-spaces together, default 8; for measuring: 4 saves
 * ~8 MB more for ~3x the scavenges).
 */
import { capYoungGeneration } from '../util/young.js';

capYoungGeneration(Number(process.env.BRIEFPRESS_YOUNG_MIB) || 8);
