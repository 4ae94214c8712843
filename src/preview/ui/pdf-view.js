// The print layout, page by page: the built PDF drawn with pdf.js (canvas + text layer).
// A new version is drawn off screen and swapped in whole, so the scroll position and zoom stay put.
import * as pdfjs from '/vendor/pdf.mjs';

pdfjs.GlobalWorkerOptions.workerSrc = '/vendor/pdf.worker.mjs';
// One worker for every version: starting pdf.js' worker costs more than parsing a brief's PDF.
const worker = new pdfjs.PDFWorker({ name: 'briefpress-preview' });

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
    return this.doc ? this.doc.numPages : 0;
  }

  /** Load and draw the PDF at `url`; resolves to true when it is on screen (false when superseded). */
  async load(url) {
    const ticket = ++this.ticket;
    const t0 = performance.now();
    const data = new Uint8Array(await (await fetch(url, { cache: 'no-store' })).arrayBuffer());
    const doc = await pdfjs.getDocument({ data, worker, isEvalSupported: false, enableXfa: false }).promise;
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
    const page = await this.doc.getPage(1);
    const w = page.getViewport({ scale: CSS_PER_PT }).width * (this.spread ? 2 : 1);
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
    const dpr = window.devicePixelRatio || 1;
    const out = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const viewport = page.getViewport({ scale: zoom * CSS_PER_PT });
      const el = document.createElement('div');
      el.className = 'page';
      el.dataset.pageNumber = String(n);
      el.style.width = `${Math.floor(viewport.width)}px`;
      el.style.height = `${Math.floor(viewport.height)}px`;
      el.style.setProperty('--scale-factor', String(viewport.scale));
      const canvas = document.createElement('canvas');
      canvas.width = Math.floor(viewport.width * dpr);
      canvas.height = Math.floor(viewport.height * dpr);
      const ctx = canvas.getContext('2d', { alpha: false });
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      await page.render({ canvasContext: ctx, viewport, transform: dpr === 1 ? undefined : [dpr, 0, 0, dpr, 0, 0] }).promise;
      const text = await page.getTextContent();
      const layer = document.createElement('div');
      layer.className = 'textLayer';
      await new pdfjs.TextLayer({ textContentSource: text, container: layer, viewport }).render();
      // The page's text, for search and for tests that read what is on a page.
      el.dataset.text = text.items.map((i) => ('str' in i ? i.str + (i.hasEOL ? '\n' : '') : '')).join('');
      const folio = document.createElement('span');
      folio.className = 'folio';
      folio.textContent = String(n);
      el.append(canvas, layer, folio);
      page.cleanup();
      if (ticket !== this.ticket) return null;
      out.push(el);
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
