/**
 * The print edition: the HTML target's print variant (hyphenated), printed by the build's one
 * Chromium in a sandboxed page, then given its document information with src/pdf. Writes
 * `<slug>/<slug>.pdf` and small page previews `<slug>/pages/page-N.png`.
 */
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Brief } from '../model/brief.js';
import type { Theme } from '../theme/theme.js';
import { afterWrite } from '../util/stage.js';
import { writeFilesAtomic, type WrittenFile } from '../util/write.js';
import { renderPage } from './html.js';
import { messagesFor } from '../i18n/messages.js';
import { hyphenateTree } from './pdf/hyphenate.js';
import { renderPreviews, warmPreviews } from './pdf/previews.js';
import { printWith, type PrintLog, type PrintResult } from './pdf/print.js';
import type { BuildContext, Target } from './types.js';
import { printedPages } from './pagelist.js';
import { traced } from '../util/trace.js';

export { hyphenateTree } from './pdf/hyphenate.js';
export { printWith, printOrigin, Printer, type PrintLog, type PrintResult } from './pdf/print.js';

/** What one print did, for tests and debugging (which requests were answered or refused). */
export interface PrintReport extends PrintLog {
  slug: string;
  pages: number;
  how: PrintResult['how'];
}

const observers = new Set<(r: PrintReport) => void>();

/** Watch every print of this process (a debug hook; returns the function that stops watching). */
export function observePrints(fn: (r: PrintReport) => void): () => void {
  observers.add(fn);
  return () => observers.delete(fn);
}

/** Folders whose files the print page may load: the theme, its font packages, the manuscript. */
export function allowedRoots(brief: Brief, theme: Theme): string[] {
  const fontPackages = new Set(theme.fontsForLanguage(brief.language).fonts.map((f) => path.dirname(path.dirname(f.path))));
  return [...theme.dirs, ...fontPackages, brief.series.root];
}

export const pdfTarget: Target = {
  name: 'pdf',
  // Issue #15: however the print ends, the brief's EPUB and web page stop waiting for its page starts.
  build: (brief, ctx) =>
    printTarget.build(brief, ctx).finally(() => {
      ctx.printSent?.();
      ctx.pages?.settle(undefined);
    }),
};

const printTarget: Target = {
  name: 'pdf',
  async build(brief: Brief, ctx: BuildContext): Promise<WrittenFile[]> {
    // The page is rendered (Node's work) while Chromium may still be starting.
    const browser = ctx.browser();
    browser.catch(() => undefined); // its failure is thrown by the await below
    const rendered = await traced('pdf.render-html', async () => renderPage(brief, {
      variant: 'print',
      theme: ctx.theme,
      version: ctx.version,
      transform: (tree, b) => hyphenateTree(tree, b.language),
    }));
    const pool = await browser;
    // src/pdf and the PDF's finishing (some 20 modules) load while Chromium loads and prints the page:
    // Node is idle then, and they are needed only once the PDF is back.
    const finishing = import('./pdf/metadata.js');
    finishing.catch(() => undefined); // awaited below
    const withPreviews = ctx.previews ?? true;
    if (withPreviews) warmPreviews({ baselineOnly: ctx.wasmBaselineOnly, pool }); // loads PDFium while this brief prints
    const printed = await traced('pdf.print', () => printWith(pool, rendered, { slug: brief.slug, allowedRoots: allowedRoots(brief, ctx.theme), onLoaded: ctx.printSent }), brief.slug);
    const msgs = messagesFor(brief.language, ctx.theme.messages, brief.series.messages);
    // The previews are drawn from the printed PDF (in a worker thread: the PDF is posted to it now)
    // while src/pdf finishes it on Node's main thread. The finished pages draw the same picture:
    // setPdfInfo moves no glyph by more than 1/200 px (./pdf/runs.ts), though PDFium, placing glyphs
    // on its pixel grid, then shades some glyph edges differently (the sample's previews: 1.3 % of
    // the values, by up to 53 of 255). Drawn from the finished PDF instead (measured 2026-12-03, A/B
    // in turn): PDFium draws it ~2x faster, but the drawing waits for the post-process: the sample
    // 1.00x (8 pairs), 20 briefs 1.045x (8), the 41k-word report 1.02x (5; 1.04x with its pages
    // split between two workers).
    const previewing = withPreviews ? traced('pdf.previews', () => renderPreviews(printed.pdf, { slug: brief.slug, baselineOnly: ctx.wasmBaselineOnly }), brief.slug) : Promise.resolve([]);
    previewing.catch(() => undefined); // awaited below, after pdf.info
    // One turn of the event loop before the post-process holds Node's thread (~0.2 s for the sample,
    // seconds for a long report): a printer page used once is closed now, not after it. Its close is
    // a DevTools message sent a few promise steps after the print; without the turn it waited for the
    // post-process, and the renderer's ~80 MB with it (at a one-brief build's peak of memory).
    await new Promise<void>((resolve) => setImmediate(resolve));
    const pdf = await traced('pdf.info', async () => (await finishing).setPdfInfo(printed.pdf, {
      title: brief.subtitle ? `${brief.title}: ${brief.subtitle}` : brief.title,
      author: brief.authors.map((a) => a.name).join(', '),
      subject: brief.summary,
      keywords: brief.keywords,
      creator: `briefpress ${ctx.version}`,
      producer: `briefpress ${ctx.version} (Chromium)`,
      epoch: ctx.epoch(brief),
      language: brief.language,
      authors: brief.authors.map((a) => a.name),
      identifier: brief.identifier,
      publisher: brief.series.publisher,
      rights: brief.copyrightText,
      series: { name: brief.series.name, number: brief.number, issn: brief.series.identifier.scheme === 'issn' ? brief.series.identifier.issn : undefined },
      linkWords: { noteRef: msgs.text('noteRef', { n: '{n}' }), backlink: msgs.text('backlink', { n: '{n}' }) },
      labels: brief.questions.flatMap((q) => [msgs.text('question', { n: q.number }), msgs.text('answer', { n: q.number })]),
      outlineTitles: printed.headings,
      onPages: ctx.pages ? (pages) => ctx.pages!.settle(printedPages(`${brief.slug}.pdf`, pages)) : undefined,
    })).catch(async (e: unknown) => {
      await previewing.catch(() => undefined); // no drawing left running
      throw e;
    });
    const previews = await previewing;
    for (const fn of observers) fn({ slug: brief.slug, pages: previews.length, how: printed.how, served: printed.served, blocked: printed.blocked });
    const dir = path.join(ctx.outDir, brief.slug);
    const written = await writeFilesAtomic([
      ...previews.map((png, i) => ({ path: path.join(dir, 'pages', `page-${i + 1}.png`), data: png })),
      { path: path.join(dir, `${brief.slug}.pdf`), data: pdf },
    ]);
    afterWrite(() => removeStalePreviews(path.join(dir, 'pages'), previews.length));
    return written;
  },
};

/** Previews of pages the PDF no longer has (or of every page, when previews are off) would mislead: remove them. */
function removeStalePreviews(dir: string, pages: number): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const n = /^page-(\d+)\.png$/.exec(name)?.[1];
    if (n !== undefined && Number(n) > pages) rmSync(path.join(dir, name), { force: true });
  }
}
