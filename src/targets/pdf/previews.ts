/**
 * Page previews (small PNGs for the catalog and reviewers), drawn from the finished PDF in the same
 * browser by PDFium (Chromium's own PDF renderer, built to WebAssembly: `@hyzyla/pdfium`) onto a
 * canvas, which encodes the PNG. PDFium draws a page in a fifth of the time pdf.js took (whose
 * JavaScript font conversion and FontFace loading cost ~250 ms of CPU per brief: a third of a cold
 * series build). The page is sandboxed like a print: served from the made-up origin, only PDFium's
 * two files and the PDF are answered, everything else is refused. JavaScript is on here: the only
 * script is ours and PDFium's (the PDF holds none: Chromium writes no JavaScript into it).
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, HTTPRequest, Page } from 'puppeteer-core';
import type { BrowserPool } from '../../browser/pool.js';
import { canvasPngScript } from '../../browser/canvas-png.js';
import { fulfill } from '../../browser/respond.js';
import { printOrigin } from './print.js';
import { traced } from '../../util/trace.js';

export interface PreviewOptions {
  /** Width of a preview in CSS pixels (default 340: 0.5 px per point of a Letter page, at 1x). */
  width?: number;
  /** The brief's slug, for messages. */
  slug?: string;
  /**
   * Called once the PDF is in the previewer and its pages are being drawn: the browser needs Node's
   * thread no more until it answers. (At once when another PDF's previews are under way: this one
   * waits its turn, which may be long.)
   */
  onStarted?: () => void;
}

const require = createRequire(import.meta.url);

function pdfiumFile(name: string): string {
  return path.join(path.dirname(require.resolve('@hyzyla/pdfium/pdfium.wasm')), name);
}

// The page draws with PDFium's own calls (the wrapper's render() asks for LCD text, which fringes
// glyphs with colour), through the wrapper's module and page handle: internals, hence the exact
// version pinned in package.json.
//
// PDFium's 4 MB of WebAssembly comes in parts of `wasmPart` bytes, one request after the other,
// compiled as they come (one streamed response): one DevTools message of 5.3 MB would be held two
// or three times over by Chromium's browser process as it passes through (~25 MB at a one-brief
// build's peak); a part's message is gone before the next is asked for.
const shell = (parts: number) => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>previews</title></head><body>
<script>${canvasPngScript}</script>
<script type="module">
import { PDFiumLibrary } from './pdfium.mjs';
const instantiateWasm = (imports, done) => {
  let part = 0;
  const body = new ReadableStream({
    async pull(controller) {
      if (part === ${parts}) return controller.close();
      const response = await fetch('./pdfium.wasm?part=' + part++);
      if (!response.ok) throw new Error('pdfium.wasm: part ' + (part - 1) + ' not served');
      controller.enqueue(new Uint8Array(await response.arrayBuffer()));
    },
  });
  WebAssembly.instantiateStreaming(new Response(body, { headers: { 'content-type': 'application/wasm' } }), imports).then((r) => done(r.instance, r.module));
  return {};
};
const library = await PDFiumLibrary.init({ instantiateWasm });
const pdfium = library.module;
const REVERSE_BYTE_ORDER = 0x10; // RGBA, what a canvas takes; no LCD text, no annotations
// Started by one call and collected by another: between the two, the page needs nothing from Node
// (whose thread the PDF post-process may hold for seconds), so the drawing really runs beside it.
let drawing;
window.startPreviews = (width, base64) => {
  drawing = renderPreviews(width, base64);
  drawing.catch(() => {}); // collected by previews()
};
window.previews = () => drawing;
const renderPreviews = async (width, base64) => {
  // Decoded by the browser, not by a loop over atob's characters.
  const data = new Uint8Array(await (await fetch('data:application/pdf;base64,' + base64)).arrayBuffer());
  const doc = await library.loadDocument(data);
  const pngs = [];
  try {
    for (const page of doc.pages()) {
      const size = page.getOriginalSize();
      const w = Math.round(width);
      const h = Math.round((size.originalHeight * width) / size.originalWidth);
      const ptr = pdfium.wasmExports.malloc(w * h * 4);
      if (!ptr) throw new Error('out of memory for a ' + w + ' x ' + h + ' preview');
      const bitmap = pdfium._FPDFBitmap_CreateEx(w, h, 4, ptr, w * 4);
      try {
        pdfium._FPDFBitmap_FillRect(bitmap, 0, 0, w, h, 0xffffffff);
        pdfium._FPDF_RenderPageBitmap(bitmap, page.pageIdx, 0, 0, w, h, 0, REVERSE_BYTE_ORDER);
        const canvas = document.createElement('canvas');
        canvas.width = w;
        canvas.height = h;
        const pixels = new Uint8ClampedArray(pdfium.HEAPU8.buffer, ptr, w * h * 4);
        canvas.getContext('2d', { alpha: false }).putImageData(new ImageData(new Uint8ClampedArray(pixels), w, h), 0, 0);
        pngs.push(window.canvasPng(canvas));
      } finally {
        pdfium._FPDFBitmap_Destroy(bitmap);
        pdfium.wasmExports.free(ptr);
        pdfium._FPDF_ClosePage(page.pageIdx);
      }
    }
  } finally {
    doc.destroy();
  }
  return Promise.all(pngs);
};
document.title = 'ready';
</script></body></html>`;

/**
 * The previewer page, loaded once per build (PDFium is 3.9 MB of WebAssembly to compile) and kept
 * for the whole build. One, not one per `--jobs`: a second one would compile PDFium again, and one
 * draws a brief's pages in ~50 ms.
 */
function previewers(pool: BrowserPool) {
  return pool.lender('previewer', openPreviewer, (p) => p.close(), 1, (p) => p);
}

/** Bytes of PDFium's WebAssembly per request (see `shell`). */
const wasmPart = 512 * 1024;

function readPart(file: string, at: number, length: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(length);
    return buffer.subarray(0, readSync(fd, buffer, 0, length, at));
  } finally {
    closeSync(fd);
  }
}

async function openPreviewer(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  const base = `${printOrigin}/.previews/`;
  const wasm = pdfiumFile('pdfium.wasm');
  const parts = Math.ceil(statSync(wasm).size / wasmPart);
  const files = new Map<string, () => { body: Buffer | string; contentType: string }>([
    [`${base}index.html`, () => ({ body: shell(parts), contentType: 'text/html; charset=utf-8' })],
    [`${base}pdfium.mjs`, () => ({ body: readFileSync(pdfiumFile('index.esm.browser.js')), contentType: 'text/javascript' })],
  ]);
  for (let i = 0; i < parts; i++) files.set(`${base}pdfium.wasm?part=${i}`, () => ({ body: readPart(wasm, i * wasmPart, wasmPart), contentType: 'application/octet-stream' }));
  // Sandboxed like a print: only PDFium's own files are answered, everything else is refused.
  await page.setRequestInterception(true);
  page.on('request', (req: HTTPRequest) => {
    const url = req.url();
    const file = files.get(url);
    if (file) void fulfill(req, file()).catch(() => {});
    else if (url.startsWith('data:') || url.startsWith('blob:')) void req.continue().catch(() => {});
    else void req.abort('blockedbyclient').catch(() => {});
  });
  await page.goto(`${base}index.html`, { waitUntil: 'load', timeout: 40_000 });
  // Poll on a timer, not on animation frames (a background page gets none).
  await page.waitForFunction(() => document.title === 'ready', { timeout: 40_000, polling: 25 });
  return page;
}

/**
 * Start loading PDFium in the browser now, so the first previews do not wait for it. In a build of
 * one brief, once its cover is drawn and the cover's page closed: the three renderers (cover, print,
 * PDFium compiling) are not alive at once, and PDFium still loads long before the print is finished.
 */
export function warmPreviews(pool: BrowserPool): void {
  if (warmed.has(pool)) return;
  warmed.add(pool);
  void (pool.closedOnce?.('cover') ?? Promise.resolve()).then(() => previewers(pool).use(async () => undefined, { what: 'loading PDFium' })).catch(() => undefined);
}
const warmed = new WeakSet<BrowserPool>();

/** Calls of renderPreviews under way, per pool. */
const underWay = new WeakMap<BrowserPool, number>();

/** One PNG per page of `pdf`, drawn by PDFium in the browser's previewer page. */
export async function renderPreviews(pool: BrowserPool, pdf: Uint8Array, opts: PreviewOptions = {}): Promise<Uint8Array[]> {
  const busy = underWay.get(pool) ?? 0;
  if (busy > 0) opts.onStarted?.();
  underWay.set(pool, busy + 1);
  type PreviewWindow = { startPreviews: (w: number, b: string) => void; previews: () => Promise<string[]> };
  try {
    const pngs = await previewers(pool).use(
      (page) =>
        traced('previews.draw', async () => {
          // The PDF goes over in a call of its own, answered once the page has it: a DevTools message
          // of megabytes leaves Node in pieces, each written when Node's event loop turns.
          await page.evaluate((w, b64) => (window as unknown as PreviewWindow).startPreviews(w, b64), opts.width ?? 340, Buffer.from(pdf).toString('base64'));
          opts.onStarted?.();
          return page.evaluate(() => (window as unknown as PreviewWindow).previews());
        }),
      // ~50 ms a page: 30 s, and a second more per 100 kB of PDF.
      { what: `drawing the page previews${opts.slug ? ` of ${opts.slug}` : ''}`, timeoutMs: 30_000 + Math.ceil(pdf.byteLength / 100_000) * 1000 },
    );
    return pngs.map((b64) => new Uint8Array(Buffer.from(b64, 'base64')));
  } finally {
    underWay.set(pool, (underWay.get(pool) ?? 1) - 1);
  }
}
