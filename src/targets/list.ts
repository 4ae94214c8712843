/**
 * Every output briefpress can make, by name. Adding one: a new file in this folder and a line here.
 * Targets load on first use, so a build with nothing to rebuild (and `--help`) never loads Chromium's
 * driver, the EPUB packer or pdf-lib.
 */
import type { Brief } from '../model/brief.js';
import type { SeriesContext, SeriesTarget, Target, BuildContext } from './types.js';

function lazy(name: string, usesBrowser: boolean, load: () => Promise<Target>): Target {
  let loaded: Promise<Target> | undefined;
  return { name, usesBrowser, build: async (brief: Brief, ctx: BuildContext) => (await (loaded ??= load())).build(brief, ctx) };
}

function lazySeries(name: string, load: () => Promise<SeriesTarget>): SeriesTarget {
  let loaded: Promise<SeriesTarget> | undefined;
  return { name, build: async (ctx: SeriesContext) => (await (loaded ??= load())).build(ctx) };
}

/** Per-brief editions, selectable with `--format`. */
export const targets: readonly Target[] = [
  lazy('html', false, async () => (await import('./html.js')).htmlTarget),
  lazy('epub', true, async () => (await import('./epub.js')).epubTarget),
  lazy('pdf', true, async () => (await import('./pdf.js')).pdfTarget),
  lazy('cite', false, async () => (await import('./cite.js')).citeTarget),
];

export const targetNames = targets.map((t) => t.name);

/** Series-level outputs, made after every brief when a whole series is built. */
export const seriesTargets: readonly SeriesTarget[] = [lazySeries('catalog', async () => (await import('./catalog.js')).catalogTarget)];
