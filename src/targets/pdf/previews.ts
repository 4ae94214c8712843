/**
 * Page previews (small PNGs for the catalog and reviewers), drawn from the finished PDF in the same
 * browser by pdf.js. The page is sandboxed like a print: served from the made-up origin, only
 * pdf.js' files and the PDF are answered, everything else is refused. JavaScript is on here: the
 * only script is pdf.js (the PDF itself holds none: Chromium writes no JavaScript into it).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { HTTPRequest, Page } from 'puppeteer-core';
import { printOrigin } from './print.js';

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
pdfjs.GlobalWorkerOptions.workerSrc = './pdf.worker.mjs';
window.renderPreviews = async (width) => {
  const data = new Uint8Array(await (await fetch('./document.pdf')).arrayBuffer());
  const doc = await pdfjs.getDocument({ data, isEvalSupported: false, enableXfa: false, disableFontFace: false, useSystemFonts: false }).promise;
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
    await page.render({ canvasContext: ctx, viewport, annotationMode: pdfjs.AnnotationMode.DISABLE }).promise;
    out.push(canvas.toDataURL('image/png').split(',')[1]);
    page.cleanup();
  }
  await doc.destroy();
  return out;
};
document.title = 'ready';
</script></body></html>`;

/** One PNG per page of `pdf`. */
export async function renderPreviews(page: Page, pdf: Uint8Array, opts: PreviewOptions = {}): Promise<Uint8Array[]> {
  const base = `${printOrigin}/.previews/`;
  const files = new Map<string, () => { body: Buffer | string; contentType: string }>([
    [`${base}index.html`, () => ({ body: shell, contentType: 'text/html; charset=utf-8' })],
    [`${base}pdf.mjs`, () => ({ body: readFileSync(pdfjsFile('pdf.min.mjs')), contentType: 'text/javascript' })],
    [`${base}pdf.worker.mjs`, () => ({ body: readFileSync(pdfjsFile('pdf.worker.min.mjs')), contentType: 'text/javascript' })],
    [`${base}document.pdf`, () => ({ body: Buffer.from(pdf), contentType: 'application/pdf' })],
  ]);
  const onRequest = (req: HTTPRequest) => {
    const url = req.url();
    const file = files.get(url);
    if (file) void req.respond({ status: 200, ...file() }).catch(() => {});
    else if (url.startsWith('data:') || url.startsWith('blob:')) void req.continue().catch(() => {});
    else void req.abort('blockedbyclient').catch(() => {});
  };
  await page.setRequestInterception(true);
  await page.setCacheEnabled(false);
  page.on('request', onRequest);
  try {
    await page.goto(`${base}index.html`, { waitUntil: 'load', timeout: 60_000 });
    // Poll on a timer: a pooled page that is not the front tab gets no animation frames.
    await page.waitForFunction(() => document.title === 'ready', { timeout: 60_000, polling: 25 });
    const pngs = await page.evaluate((w) => (window as unknown as { renderPreviews: (w: number) => Promise<string[]> }).renderPreviews(w), opts.width ?? 340);
    return pngs.map((b64) => new Uint8Array(Buffer.from(b64, 'base64')));
  } finally {
    await page.goto('about:blank').catch(() => {});
    page.off('request', onRequest);
    await page.setRequestInterception(false).catch(() => {});
  }
}
