/**
 * Page previews (small PNGs for the catalog and reviewers), drawn from the printed PDF by PDFium
 * (Chromium's own PDF renderer, built to WebAssembly: `@hyzyla/pdfium`) in a worker thread of Node,
 * and encoded as PNG there (zlib). Until 2026-12-02 they were drawn in a page of the build's
 * Chromium and encoded by its canvas: a renderer process of its own (~70-110 MB at a one-brief
 * build's peak), PDFium's 3.9 MB of WebAssembly and the PDF sent over DevTools, and the PNGs back as
 * base64. The pixels are the same (PDFium is the same code, and draws deterministically). They are
 * drawn while the PDF is finished (../pdf.ts says why, and how they differ from the finished pages).
 *
 * The worker's code is a string (like the pages' scripts), run as an ES module from a data: URL: it
 * runs from the sources and from lib/ alike, and reads nothing but PDFium's two files and the PDF it
 * is sent.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BrowserPool } from '../../browser/pool.js';
import { BrowserFault } from '../../util/faults.js';
import { afterWorkerStart } from '../../util/young.js';
import { traced } from '../../util/trace.js';

export interface PreviewOptions {
  /** Width of a preview in CSS pixels (default 340: 0.5 px per point of a Letter page, at 1x). */
  width?: number;
  /** The brief's slug, for messages. */
  slug?: string;
  /**
   * Keep PDFium in V8's baseline WebAssembly compiler (Liftoff) instead of tiering hot functions up
   * to TurboFan: for a short job, compiling PDFium with TurboFan costs more CPU than its faster code
   * saves; a long one (the 71-page report) draws faster with it. Same pixels either way.
   */
  baselineOnly?: boolean;
  /** The drawing's budget (default: 30 s, and a second more per 100 kB of PDF); past it the worker is ended. */
  timeoutMs?: number;
}

const require = createRequire(import.meta.url);

/** PDFium's files: its Node module (which takes the WebAssembly as bytes) and the WebAssembly. */
function pdfiumFiles(): { module: string; wasm: string } {
  const dir = path.dirname(require.resolve('@hyzyla/pdfium/pdfium.wasm'));
  return { module: pathToFileURL(path.join(dir, 'index.esm.js')).href, wasm: path.join(dir, 'pdfium.wasm') };
}

/**
 * The worker's filter of a page's pixels into a PNG's rows (its own source text, for the worker's
 * code below and for tests/units.test.ts, which compares it with a byte-at-a-time filter).
 */
export const filterRowsSource = String.raw`
// The filtered rows, one buffer kept for every page (each byte is written before it is read): a
// fresh one per page (~0.45 MB) left the worker's memory ~15 MB higher over a series.
let rows = Buffer.alloc(0);
// One filtered row as 32-bit words (four pixels in three words), also kept.
let packed = new Int32Array(0);
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/**
 * RGBA pixels (alpha ignored: drawn on white) to an RGB PNG's rows, each filtered Up. Four pixels
 * at a time as 32-bit words: a pixel's R, G and B less those above it in one subtraction (no borrow
 * crosses a byte), then four pixels packed to three words of RGB. Every value stays a small integer
 * (Int32Array, the alpha byte masked off before subtracting), so the interpreter allocates nothing:
 * the loop runs once or twice per page of a short build, where V8 does not optimize it, and a byte
 * at a time it took 15-35 ms a page, about as long as PDFium's drawing.
 */
function filterRows(rgba, w, h) {
  const stride = w * 3;
  if (rows.length < (stride + 1) * h) rows = Buffer.allocUnsafeSlow((stride + 1) * h);
  const raw = rows.subarray(0, (stride + 1) * h);
  const groups = littleEndian && rgba.byteOffset % 4 === 0 ? w >> 2 : 0;
  if (packed.length < groups * 3) packed = new Int32Array(groups * 3);
  const px = groups ? new Int32Array(rgba.buffer, rgba.byteOffset, w * h) : packed;
  const packedBytes = new Uint8Array(packed.buffer, 0, groups * 12);
  for (let y = 0, at = 0; y < h; y++) {
    raw[at++] = 2; // Up: each byte less the one above it
    if (groups) {
      for (let g = 0, i = y * w, o = 0; g < groups; g++, i += 4, o += 3) {
        let p0 = px[i], p1 = px[i + 1], p2 = px[i + 2], p3 = px[i + 3];
        if (y > 0) {
          const u = i - w;
          p0 = (((p0 & 0xffffff) | 0x808080) - (px[u] & 0x7f7f7f)) ^ ((p0 ^ ~px[u]) & 0x808080);
          p1 = (((p1 & 0xffffff) | 0x808080) - (px[u + 1] & 0x7f7f7f)) ^ ((p1 ^ ~px[u + 1]) & 0x808080);
          p2 = (((p2 & 0xffffff) | 0x808080) - (px[u + 2] & 0x7f7f7f)) ^ ((p2 ^ ~px[u + 2]) & 0x808080);
          p3 = (((p3 & 0xffffff) | 0x808080) - (px[u + 3] & 0x7f7f7f)) ^ ((p3 ^ ~px[u + 3]) & 0x808080);
        }
        // Little-endian words: R | G << 8 | B << 16 (| A << 24) in, RGB RGB RGB RGB out.
        packed[o] = (p0 & 0xffffff) | (p1 << 24);
        packed[o + 1] = ((p1 >> 8) & 0xffff) | (p2 << 16);
        packed[o + 2] = ((p2 >> 16) & 0xff) | (p3 << 8);
      }
      raw.set(packedBytes, at);
      at += groups * 12;
    }
    // The pixels left (a width not a multiple of 4), a byte at a time.
    for (let x = groups * 4, s = (y * w + x) * 4; x < w; x++, s += 4) {
      if (y === 0) {
        raw[at++] = rgba[s];
        raw[at++] = rgba[s + 1];
        raw[at++] = rgba[s + 2];
      } else {
        const u = s - w * 4;
        raw[at++] = rgba[s] - rgba[u];
        raw[at++] = rgba[s + 1] - rgba[u + 1];
        raw[at++] = rgba[s + 2] - rgba[u + 2];
      }
    }
  }
  return raw;
}
`;

/**
 * The worker. It draws with PDFium's own calls (the wrapper's render() asks for LCD text, which
 * fringes glyphs with colour), through the wrapper's module and page handle: internals, hence the
 * exact version pinned in package.json. A page is drawn on white, as RGBA, and written as an RGB PNG
 * (8 bits; every row filtered Up; one IDAT at zlib's default level 6): the 71-page report's previews
 * take 5.4 MB, against 6.7 MB from the canvas before (libpng's choice of a filter per row saves 5 %
 * more for twice the time; level 9 1 % for five times).
 */
const workerCode = String.raw`
import { parentPort, workerData } from 'node:worker_threads';
import v8 from 'node:v8';
import zlib from 'node:zlib';
import { readFileSync } from 'node:fs';
// Flags are the process's: set just before this worker compiles PDFium, read as it compiles.
if (!workerData.keepFlags) v8.setFlagsFromString(workerData.baselineOnly ? '--liftoff-only' : '--no-liftoff-only');
// Compiled from bytes read here and let go once instantiated (given as wasmBinary, PDFium's
// module would keep them).
const instantiateWasm = (imports, done) => {
  WebAssembly.instantiate(readFileSync(workerData.wasm), imports).then((r) => done(r.instance, r.module));
  return {};
};
const loading = import(workerData.module).then(({ PDFiumLibrary }) => PDFiumLibrary.init({ instantiateWasm }));
loading.catch(() => {});
const REVERSE_BYTE_ORDER = 0x10; // RGBA; no LCD text, no annotations

const crcTable = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  crcTable[n] = c;
}
// zlib's own from Node 20.15.
const crc32 = zlib.crc32 || function crc32(bytes) {
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
};
function chunk(type, body) {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'latin1');
  body.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
}
${filterRowsSource}
/** RGBA pixels to an RGB PNG. */
function png(rgba, w, h) {
  const raw = filterRows(rgba, w, h);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bits per channel
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 6 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function draw(pdf, width) {
  const library = await loading;
  const pdfium = library.module;
  const doc = await library.loadDocument(pdf);
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
        pngs.push(png(pdfium.HEAPU8.subarray(ptr, ptr + w * h * 4), w, h));
      } finally {
        pdfium._FPDFBitmap_Destroy(bitmap);
        pdfium.wasmExports.free(ptr);
        pdfium._FPDF_ClosePage(page.pageIdx);
      }
    }
  } finally {
    doc.destroy();
  }
  return pngs;
}

parentPort.on('message', ({ id, pdf, width }) => {
  const work = pdf ? draw(pdf, width) : loading.then(() => []);
  work.then(
    (pngs) => {
      const buffers = pngs.map((p) => p.buffer.slice(p.byteOffset, p.byteOffset + p.byteLength));
      parentPort.postMessage({ id, pngs: buffers }, buffers);
    },
    (e) => parentPort.postMessage({ id, error: String((e && e.message) || e) }),
  );
});
`;

interface Job {
  resolve: (pngs: Uint8Array[]) => void;
  reject: (e: Error) => void;
  what: string;
}

/** Idle this long, the worker ends (a preview server's next build starts another: ~70 ms). */
const idleMs = 15_000;

/** One worker thread with PDFium loaded: draws one PDF's previews at a time, in the order asked. */
class Previewer {
  private readonly worker: Worker;
  private readonly jobs = new Map<number, Job>();
  private next = 0;
  private idle: NodeJS.Timeout | undefined;
  ended = false;

  constructor(readonly baselineOnly: boolean, private readonly onEnd: () => void) {
    const { module, wasm } = pdfiumFiles();
    // An ES module from a data: URL: the same whatever the process's flags (an eval'd script is
    // CommonJS, or an ES module under --input-type=module).
    this.worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(workerCode)}`), { workerData: { module, wasm, baselineOnly, keepFlags: Boolean(process.env.BRIEFPRESS_CODE_CACHE_OUT) } });
    // A worker's start, and its end, put V8's flags back: the heap caps are applied again (src/util/young.ts).
    this.worker.once('online', afterWorkerStart);
    this.worker.once('exit', afterWorkerStart);
    this.worker.on('message', (m: { id: number; pngs?: ArrayBuffer[]; error?: string }) => {
      const job = this.jobs.get(m.id);
      if (!job) return;
      this.jobs.delete(m.id);
      this.settled();
      if (m.error !== undefined) job.reject(new BrowserFault(`PDFium failed while ${job.what}: ${m.error}`, 'Build again; if it happens again, report it with the brief (`--no-previews` builds without the previews).'));
      else job.resolve(m.pngs!.map((b) => new Uint8Array(b)));
    });
    const fail = (why: string) => {
      this.end();
      for (const job of this.jobs.values()) job.reject(new BrowserFault(`PDFium's worker ${why} while ${job.what}`, 'Build again: only the briefs that failed are built.'));
      this.jobs.clear();
    };
    this.worker.on('error', (e) => fail(`failed (${e.message})`));
    this.worker.on('exit', (code) => fail(`stopped (exit code ${code})`));
    this.settled();
  }

  /** The previews of `pdf` (null: just load PDFium). */
  run(pdf: Uint8Array | null, width: number, what: string, timeoutMs: number): Promise<Uint8Array[]> {
    if (this.ended) return Promise.reject(new BrowserFault(`PDFium's worker had stopped before ${what}`));
    const id = this.next++;
    clearTimeout(this.idle);
    this.worker.ref();
    return new Promise<Uint8Array[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        // A drawing this slow is stuck: the worker goes (with every job it had), the next use starts another.
        this.jobs.get(id)?.reject(new BrowserFault(`PDFium took more than ${Math.round(timeoutMs / 1000)} s ${what}`, 'A PDF this slow to draw is stuck: build again; if it happens again, report it with the brief.'));
        this.jobs.delete(id);
        this.end();
      }, timeoutMs);
      const done = () => clearTimeout(timer);
      this.jobs.set(id, { resolve: (v) => (done(), resolve(v)), reject: (e) => (done(), reject(e)), what });
      // A copy goes over (the caller keeps its PDF: it is also written, and post-processed meanwhile).
      const copy = pdf ? new Uint8Array(pdf) : null;
      this.worker.postMessage({ id, pdf: copy, width }, copy ? [copy.buffer] : []);
    });
  }

  /** Nothing to do: the worker no longer keeps Node alive, and ends after a while. */
  private settled(): void {
    if (this.jobs.size > 0 || this.ended) return;
    this.worker.unref();
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.end(), idleMs);
    this.idle.unref();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.idle);
    this.onEnd();
    void this.worker.terminate().catch(() => undefined);
  }
}

/** The worker of each kind (baseline only, or tiered), started on first use. */
const previewers = new Map<boolean, Previewer>();

function previewer(baselineOnly: boolean): Previewer {
  const have = previewers.get(baselineOnly);
  if (have && !have.ended) return have;
  const made: Previewer = new Previewer(baselineOnly, () => {
    if (previewers.get(baselineOnly) === made) previewers.delete(baselineOnly);
  });
  previewers.set(baselineOnly, made);
  return made;
}

/**
 * Start loading PDFium now, so the first previews do not wait for it. In a build of one brief, once
 * its cover is drawn and the cover's page closed (`pool`), so that it does not add to the memory
 * of the cover's renderer and the print's at once.
 */
export function warmPreviews(opts: { baselineOnly?: boolean; pool?: BrowserPool } = {}): void {
  const after = opts.pool?.closedOnce?.('cover') ?? Promise.resolve();
  void after.then(() => previewer(opts.baselineOnly ?? false).run(null, 0, 'loading PDFium', 60_000)).catch(() => undefined);
}

/**
 * One PNG per page of `pdf`, drawn by PDFium in a worker thread. A copy of the PDF is posted to the
 * worker before this returns: the caller's thread is free meanwhile. Drawings wait their turn in the
 * worker's queue.
 */
export function renderPreviews(pdf: Uint8Array, opts: PreviewOptions = {}): Promise<Uint8Array[]> {
  const what = `drawing the page previews${opts.slug ? ` of ${opts.slug}` : ''}`;
  // ~20 ms a page: 30 s, and a second more per 100 kB of PDF.
  const timeoutMs = opts.timeoutMs ?? 30_000 + Math.ceil(pdf.byteLength / 100_000) * 1000;
  return traced('previews.draw', () => previewer(opts.baselineOnly ?? false).run(pdf, opts.width ?? 340, what, timeoutMs));
}
