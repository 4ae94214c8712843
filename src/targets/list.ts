/** Every output briefpress can make, by name. Adding one: a new file in this folder and a line here. */
import { epubTarget } from './epub.js';
import { htmlTarget } from './html.js';
import { pdfTarget } from './pdf.js';
import type { Target } from './types.js';

export const targets: readonly Target[] = [htmlTarget, epubTarget, pdfTarget];

export const targetNames = targets.map((t) => t.name);
