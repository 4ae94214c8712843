/**
 * Page previews (small PNGs for the catalog and reviewers), drawn from the finished PDF in the same
 * browser by pdf.js. The page is sandboxed like a print: served from the made-up origin, only
 * pdf.js' files and the PDF are answered, everything else is refused. JavaScript is on here: the
 * only script is pdf.js (the PDF itself holds none: Chromium writes no JavaScript into it).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, HTTPRequest, Page } from 'puppeteer-core';
import type { BrowserPool } from '../../browser/pool.js';
import { printOrigin } from './print.js';
import { traced } from '../../util/trace.js';

export interface PreviewOptions {
  /** Width of a preview in CSS pixels (default 340: 0.5 px per point of a Letter page, at 1x). */
  width?: number;
}

const require = createRequire(import.meta.url);

function pdfjsFile(name: string): string {
  return path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'build', name);
}

const shell = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>previews</title></head><body>
<script type="module">
import * as pdfjs from './pdf.mjs';
// pdf.js' parser runs in this page's own thread, not in a Web Worker: the previewer is one page
// drawing one PDF at a time, so a worker bought no parallelism and cost a second script
// compilation and JIT warm-up, plus copying every operator list and font between threads.
globalThis.pdfjsWorker = await import('./pdf.worker.mjs');
const worker = new pdfjs.PDFWorker();
window.renderPreviews = async (width, base64) => {
  // Decoded by the browser, not by a loop over atob's characters.
  const data = new Uint8Array(await (await fetch('data:application/pdf;base64,' + base64)).arrayBuffer());
  const doc = await pdfjs.getDocument({ data, worker, isEvalSupported: false, enableXfa: false, disableFontFace: false, useSystemFonts: false }).promise;
  const out = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const base = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: width / base.width });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(viewport.width);
    canvas.height = Math.round(viewport.height);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    // intent 'print': pdf.js then draws in one go instead of across animation frames, which a
    // background tab never gets (the previewer is never the front tab).
    await page.render({ canvasContext: ctx, viewport, intent: 'print', annotationMode: pdfjs.AnnotationMode.DISABLE }).promise;
    out.push(canvas.toDataURL('image/png').split(',')[1]);
    page.cleanup();
  }
  await doc.destroy();
  return out;
};
document.title = 'ready';
</script></body></html>`;

/**
 * The previewer page, loaded once per build (pdf.js is ~1.3 MB of script to parse: loading it per
 * PDF cost more than printing) and kept for the whole build. One, not one per `--jobs`: a cold
 * previewer costs about a CPU-second of script loading and JIT warm-up before its drawing gets fast,
 * and the build's CPUs are busy with printing and covers anyway.
 */
function previewers(pool: BrowserPool) {
  return pool.lender('previewer', openPreviewer, (p) => p.close(), 1);
}

async function openPreviewer(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  const base = `${printOrigin}/.previews/`;
  const files = new Map<string, () => { body: Buffer | string; contentType: string }>([
    [`${base}index.html`, () => ({ body: shell, contentType: 'text/html; charset=utf-8' })],
    [`${base}pdf.mjs`, () => ({ body: readFileSync(pdfjsFile('pdf.min.mjs')), contentType: 'text/javascript' })],
    [`${base}pdf.worker.mjs`, () => ({ body: readFileSync(pdfjsFile('pdf.worker.min.mjs')), contentType: 'text/javascript' })],
  ]);
  // Sandboxed like a print: only pdf.js' own files are answered, everything else is refused.
  await page.setRequestInterception(true);
  page.on('request', (req: HTTPRequest) => {
    const url = req.url();
    const file = files.get(url);
    if (file) void req.respond({ status: 200, ...file() }).catch(() => {});
    else if (url.startsWith('data:') || url.startsWith('blob:')) void req.continue().catch(() => {});
    else void req.abort('blockedbyclient').catch(() => {});
  });
  await page.goto(`${base}index.html`, { waitUntil: 'load', timeout: 60_000 });
  // Poll on a timer, not on animation frames (a background page gets none).
  await page.waitForFunction(() => document.title === 'ready', { timeout: 60_000, polling: 25 });
  return page;
}

/** Start loading pdf.js in the browser now, so the first previews do not wait for it. */
export function warmPreviews(pool: BrowserPool): void {
  if (warmed.has(pool)) return;
  warmed.add(pool);
  previewers(pool).use(async () => undefined).catch(() => undefined);
}
const warmed = new WeakSet<BrowserPool>();

/** One PNG per page of `pdf`, drawn by pdf.js in one of the browser's previewer pages. */
export async function renderPreviews(pool: BrowserPool, pdf: Uint8Array, opts: PreviewOptions = {}): Promise<Uint8Array[]> {
  const pngs = await previewers(pool).use((page) =>
    traced('previews.draw', () =>
      page.evaluate(
        (w, b64) => (window as unknown as { renderPreviews: (w: number, b: string) => Promise<string[]> }).renderPreviews(w, b64),
        opts.width ?? 340,
        Buffer.from(pdf).toString('base64'),
      ),
    ),
  );
  return pngs.map((b64) => new Uint8Array(Buffer.from(b64, 'base64')));
}
