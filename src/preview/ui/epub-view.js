// The EPUB, one document of its spine at a time, in a frame: the server reads the book (the zip) and
// hands out its reading order (/book/<slug>/spine.json) and its files by their path inside it, so
// each XHTML document shows with its own CSS, images and fonts, and no reading engine is loaded.
// Prev/next turn through the spine; a new version of the book reopens at the same document.
export class EpubView {
  /** @param {HTMLElement} el where the book is drawn; @param {HTMLElement} [label] "n / total" */
  constructor(el, label) {
    this.el = el;
    this.label = label;
    this.slug = null;
    this.version = null;
    this.spine = [];
    this.index = 0;
    this.ticket = 0;
    this.frame = null;
  }

  /** Open `slug`'s EPUB at `version`; resolves to true once its document is on screen (false when superseded). */
  async load(slug, version) {
    const ticket = ++this.ticket;
    const base = `/book/${encodeURIComponent(slug)}/`;
    const res = await fetch(`${base}spine.json?v=${version}`, { cache: 'no-store' });
    if (!res.ok) throw new Error(`the server answered ${res.status}`);
    const { spine } = await res.json();
    if (ticket !== this.ticket) return false;
    if (!spine.length) throw new Error('its spine is empty');
    const at = slug === this.slug ? this.spine[this.index] : undefined;
    this.slug = slug;
    this.version = version;
    this.spine = spine;
    this.index = Math.max(0, at ? spine.indexOf(at) : 0);
    return this.#show(ticket);
  }

  next() {
    this.#turn(1);
  }

  prev() {
    this.#turn(-1);
  }

  clear() {
    this.ticket++;
    this.slug = null;
    this.spine = [];
    this.index = 0;
    this.frame = null;
    this.el.replaceChildren();
    if (this.label) this.label.textContent = '';
  }

  #turn(step) {
    const i = this.index + step;
    if (!this.spine.length || i < 0 || i >= this.spine.length) return;
    this.index = i;
    void this.#show(++this.ticket);
  }

  #show(ticket) {
    const src = `/book/${encodeURIComponent(this.slug)}/${this.spine[this.index].split('/').map(encodeURIComponent).join('/')}?v=${this.version}`;
    if (!this.frame) {
      this.frame = document.createElement('iframe');
      this.frame.className = 'epub-doc';
      this.frame.title = 'EPUB document';
      this.el.replaceChildren(this.frame);
    }
    const frame = this.frame;
    if (this.label) this.label.textContent = `${this.index + 1} / ${this.spine.length}`;
    this.el.dataset.doc = this.spine[this.index];
    return new Promise((resolve) => {
      frame.onload = () => resolve(ticket === this.ticket);
      frame.src = src;
    });
  }
}
