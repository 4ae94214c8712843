// The EPUB in a reading view (epub.js, paginated). epub.js and JSZip are classic scripts: loaded the
// first time the EPUB tab is opened. A new version reopens at the same location (CFI).
let scripts;

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`${src} did not load`));
    document.head.append(s);
  });
}

export class EpubView {
  /** @param {HTMLElement} el where the book is drawn */
  constructor(el) {
    this.el = el;
    this.book = null;
    this.rendition = null;
    this.url = null;
    this.ticket = 0;
  }

  async load(url) {
    const ticket = ++this.ticket;
    scripts ??= loadScript('/vendor/jszip.js').then(() => loadScript('/vendor/epub.js'));
    await scripts;
    const data = await (await fetch(url, { cache: 'no-store' })).arrayBuffer();
    if (ticket !== this.ticket) return false;
    const where = this.rendition?.currentLocation?.()?.start?.cfi;
    const host = document.createElement('div');
    host.className = 'epub-host';
    host.style.cssText = 'width:100%;height:100%';
    const book = window.ePub(data);
    const rendition = book.renderTo(host, { width: '100%', height: '100%', flow: 'paginated', spread: 'none', allowScriptedContent: false });
    this.el.replaceChildren(host);
    try {
      await rendition.display(where || undefined);
    } catch {
      await rendition.display();
    }
    if (this.book) this.book.destroy();
    this.book = book;
    this.rendition = rendition;
    this.url = url;
    return true;
  }

  next() {
    this.rendition?.next();
  }

  prev() {
    this.rendition?.prev();
  }

  clear() {
    this.ticket++;
    if (this.book) this.book.destroy();
    this.book = null;
    this.rendition = null;
    this.url = null;
    this.el.replaceChildren();
  }
}
