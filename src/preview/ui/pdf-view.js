// The print layout, page by page: the built PDF drawn by PDFium (WebAssembly, the renderer the
// build's page previews use) onto canvases. A new version is drawn off screen and swapped in whole,
// so the scroll position and zoom stay put.
import { PDFiumLibrary } from '/vendor/pdfium.mjs';

// One PDFium for every version: compiling its WebAssembly costs more than opening a brief's PDF.
let library;
const pdfium = () => (library ??= PDFiumLibrary.init({ wasmUrl: '/vendor/pdfium.wasm' }));
/** RGBA, what a canvas takes; no LCD text (it fringes glyphs with colour), no annotations. */
const REVERSE_BYTE_ORDER = 0x10;

/** CSS pixels per PDF point at 100 %. */
const CSS_PER_PT = 96 / 72;
export const ZOOMS = [0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4];

export class PdfView {
  /** @param {HTMLElement} sheets the container of the rows of pages; @param {HTMLElement} scroller */
  constructor(sheets, scroller) {
    this.sheets = sheets;
    this.scroller = scroller;
    this.zoom = 1;
    this.spread = false;
    this.doc = null;
    this.url = null;
    /** Page elements of the version on screen. */
    this.pages = [];
    this.ticket = 0;
  }

  get numPages() {
    return this.doc ? this.doc.getPageCount() : 0;
  }

  /** Load and draw the PDF at `url`; resolves to true when it is on screen (false when superseded). */
  async load(url) {
    const ticket = ++this.ticket;
    const t0 = performance.now();
    const [lib, data] = await Promise.all([pdfium(), fetch(url, { cache: 'no-store' }).then(async (r) => new Uint8Array(await r.arrayBuffer()))]);
    const doc = await lib.loadDocument(data);
    if (ticket !== this.ticket) {
      doc.destroy();
      return false;
    }
    const pages = await this.#draw(doc, this.zoom, ticket);
    if (!pages) {
      doc.destroy();
      return false;
    }
    const old = this.doc;
    this.doc = doc;
    this.url = url;
    this.#swap(pages, true);
    if (old) old.destroy();
    /** Fetch to on screen, ms (shown in the status tooltip). */
    this.lastDrawMs = performance.now() - t0;
    return true;
  }

  /** Redraw at another zoom, keeping the spot in the middle of the screen in the middle; true once drawn. */
  async setZoom(zoom) {
    zoom = Math.min(4, Math.max(0.25, zoom));
    if (!this.doc || zoom === this.zoom) {
      this.zoom = zoom;
      return Boolean(this.doc);
    }
    const s = this.scroller;
    const fy = (s.scrollTop + s.clientHeight / 2) / Math.max(1, s.scrollHeight);
    const fx = (s.scrollLeft + s.clientWidth / 2) / Math.max(1, s.scrollWidth);
    this.zoom = zoom;
    const ticket = ++this.ticket;
    const pages = await this.#draw(this.doc, zoom, ticket);
    if (!pages) return false;
    this.#swap(pages, false);
    s.scrollTop = fy * s.scrollHeight - s.clientHeight / 2;
    s.scrollLeft = fx * s.scrollWidth - s.clientWidth / 2;
    return true;
  }

  /** The zoom at which a page (or a spread) fills the width of the window. */
  async fitZoom() {
    if (!this.doc) return 1;
    const page = this.doc.getPage(0);
    const w = page.getOriginalSize().originalWidth * CSS_PER_PT * (this.spread ? 2 : 1);
    close(page);
    return Math.max(0.25, Math.min(4, (this.scroller.clientWidth - 64) / w));
  }

  setSpread(on) {
    this.spread = on;
    this.sheets.classList.toggle('spread', on);
    if (this.pages.length) this.#layout(this.pages);
  }

  clear() {
    this.ticket++;
    this.sheets.replaceChildren();
    this.pages = [];
    if (this.doc) this.doc.destroy();
    this.doc = null;
    this.url = null;
  }

  async #draw(doc, zoom, ticket) {
    const lib = await pdfium();
    const dpr = window.devicePixelRatio || 1;
    const out = [];
    for (let n = 1; n <= doc.getPageCount(); n++) {
      const page = doc.getPage(n - 1);
      let el;
      try {
        const size = page.getOriginalSize();
        const width = Math.floor(size.originalWidth * CSS_PER_PT * zoom);
        const height = Math.floor(size.originalHeight * CSS_PER_PT * zoom);
        el = document.createElement('div');
        el.className = 'page';
        el.dataset.pageNumber = String(n);
        el.style.width = `${width}px`;
        el.style.height = `${height}px`;
        const canvas = document.createElement('canvas');
        canvas.width = Math.floor(width * dpr);
        canvas.height = Math.floor(height * dpr);
        paint(lib.module, page, canvas);
        // The page's text, for search and for tests that read what is on a page.
        el.dataset.text = page.getText();
        const folio = document.createElement('span');
        folio.className = 'folio';
        folio.textContent = String(n);
        el.append(canvas, textLayer(lib.module, page, size.originalHeight, width / size.originalWidth), folio);
      } finally {
        close(page);
      }
      out.push(el);
      // Let the page breathe between pages; a newer version or zoom stops this one.
      await new Promise((r) => setTimeout(r, 0));
      if (ticket !== this.ticket) return null;
    }
    return out;
  }

  #swap(pages, keepScroll) {
    const s = this.scroller;
    const top = s.scrollTop;
    const left = s.scrollLeft;
    this.pages = pages;
    this.#layout(pages);
    if (keepScroll) {
      s.scrollTop = top;
      s.scrollLeft = left;
    }
  }

  /** Rows of one page, or spreads: page 1 alone on the right (a recto), then 2-3, 4-5 ... */
  #layout(pages) {
    const rows = [];
    if (this.spread) {
      rows.push([null, pages[0]]);
      for (let i = 1; i < pages.length; i += 2) rows.push([pages[i], pages[i + 1] ?? null]);
    } else {
      for (const p of pages) rows.push([p]);
    }
    const frag = document.createDocumentFragment();
    for (const r of rows) {
      const row = document.createElement('div');
      row.className = 'row';
      for (const p of r) {
        const slot = document.createElement('div');
        slot.className = 'slot';
        if (p) slot.append(p);
        else {
          // Keep a spread's two halves in place: an empty slot the size of a page.
          const ref = pages[0];
          slot.className = 'slot blank';
          slot.style.width = ref.style.width;
          slot.style.height = ref.style.height;
        }
        row.append(slot);
      }
      frag.append(row);
    }
    this.sheets.replaceChildren(frag);
  }
}

/** Draw a page into a canvas of its size with PDFium's own calls (as src/targets/pdf/previews.ts does). */
function paint(module, page, canvas) {
  const w = canvas.width;
  const h = canvas.height;
  const ptr = module.wasmExports.malloc(w * h * 4);
  if (!ptr) throw new Error(`out of memory for a ${w} x ${h} page`);
  const bitmap = module._FPDFBitmap_CreateEx(w, h, 4, ptr, w * 4);
  try {
    module._FPDFBitmap_FillRect(bitmap, 0, 0, w, h, 0xffffffff);
    module._FPDF_RenderPageBitmap(bitmap, page.pageIdx, 0, 0, w, h, 0, REVERSE_BYTE_ORDER);
    const pixels = new Uint8ClampedArray(module.HEAPU8.buffer, ptr, w * h * 4);
    canvas.getContext('2d', { alpha: false }).putImageData(new ImageData(new Uint8ClampedArray(pixels), w, h), 0, 0);
  } finally {
    module._FPDFBitmap_Destroy(bitmap);
    module.wasmExports.free(ptr);
  }
}

function close(page) {
  page.module._FPDF_ClosePage(page.pageIdx);
}

let measurer;
/**
 * The page's text as transparent runs over the drawing, for selecting and copying: PDFium's
 * characters (their origins and boxes) gathered into runs along a baseline, one span each,
 * stretched to the run's width.
 */
function textLayer(module, page, pageHeight, scale) {
  const layer = document.createElement('div');
  layer.className = 'textLayer';
  const tp = module._FPDFText_LoadPage(page.pageIdx);
  if (!tp) return layer;
  const mem = module.wasmExports.malloc(32);
  const f64 = (i) => new DataView(module.HEAPU8.buffer).getFloat64(mem + i * 8, true);
  const runs = [];
  let run = null;
  const flush = () => {
    if (run && run.text.trim()) runs.push(run);
    run = null;
  };
  try {
    const n = module._FPDFText_CountChars(tp);
    for (let i = 0; i < n; i++) {
      const u = module._FPDFText_GetUnicode(tp, i);
      if (u === 10 || u === 13 || u === 2) {
        flush();
        continue;
      }
      const ch = String.fromCharCode(u);
      const hasBox = module._FPDFText_GetCharBox(tp, i, mem, mem + 8, mem + 16, mem + 24);
      const [l, r] = [f64(0), f64(1)];
      if (!hasBox || r <= l) {
        if (run) run.text += ch; // a space PDFium put between words
        continue;
      }
      module._FPDFText_GetCharOrigin(tp, i, mem, mem + 8);
      const [x, y] = [f64(0), f64(1)];
      const size = module._FPDFText_GetFontSize(tp, i) || 10;
      if (run && (Math.abs(y - run.y) > size * 0.2 || x < run.r - size || x - run.r > size)) flush();
      if (!run) run = { x, y, r, size, text: '' };
      run.text += ch;
      run.r = Math.max(run.r, r);
      run.size = Math.max(run.size, size);
    }
    flush();
  } finally {
    module.wasmExports.free(mem);
    module._FPDFText_ClosePage(tp);
  }
  measurer ??= document.createElement('canvas').getContext('2d');
  for (const { x, y, r, size, text } of runs) {
    const span = document.createElement('span');
    const px = size * scale;
    span.textContent = text;
    span.style.left = `${x * scale}px`;
    span.style.top = `${(pageHeight - y - size * 0.8) * scale}px`;
    span.style.fontSize = `${px}px`;
    measurer.font = `${px}px sans-serif`;
    const natural = measurer.measureText(text).width;
    if (natural > 0) span.style.transform = `scaleX(${((r - x) * scale) / natural})`;
    layer.append(span, document.createElement('br'));
  }
  return layer;
}
