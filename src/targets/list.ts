/** Every output briefpress can make, by name. Adding one: a new file in this folder and a line here. */
import { catalogTarget } from './catalog.js';
import { epubTarget } from './epub.js';
import { htmlTarget } from './html.js';
import { pdfTarget } from './pdf.js';
import type { SeriesTarget, Target } from './types.js';

/** Per-brief editions, selectable with `--format`. */
export const targets: readonly Target[] = [htmlTarget, epubTarget, pdfTarget];

export const targetNames = targets.map((t) => t.name);

/** Series-level outputs, made after every brief when a whole series is built. */
export const seriesTargets: readonly SeriesTarget[] = [catalogTarget];
