/**
 * Print a rendered page to PDF in the build's browser, sandboxed: the page is served from a made-up
 * origin through request interception, only the page and its vetted assets are answered, everything
 * else (file://, other hosts, `../` escapes) is aborted, and JavaScript is off (FACTS.md, security).
 */
import { createHash } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, HTTPRequest, Page, PDFOptions } from 'puppeteer-core';
import { openPage, type BrowserPool } from '../../browser/pool.js';
import { fulfill } from '../../browser/respond.js';
import { readAsset } from '../../util/files.js';
import type { Asset, RenderedPage } from '../html.js';
import { traced } from '../../util/trace.js';

/** The made-up origin pages are served from; `.invalid` never resolves (RFC 6761). */
export const printOrigin = 'https://briefpress.invalid';

export interface PrintOptions {
  /** Folder name in the made-up origin (the brief's slug). */
  slug: string;
  /** Folders an asset's bytes may come from (theme folders, font packages, the manuscript). */
  allowedRoots: string[];
  /** Chromium's PDF options; defaults give US Letter, tagged, with bookmarks. */
  pdf?: PDFOptions;
  /** Called once the page is loaded (its files answered): Chromium needs Node no more until the PDF is made. */
  onLoaded?: () => void;
}

export interface PrintLog {
  /** URLs answered with a file of the page. */
  served: string[];
  /** URLs refused (aborted), with the reason. */
  blocked: { url: string; reason: string }[];
}

export interface PrintResult extends PrintLog {
  pdf: Uint8Array;
  /** Font families the page finished loading (from document.fonts). */
  fontsLoaded: string[];
  /** Text of every visible h1..h6 in document order, as written (Chromium's bookmarks show the rendered text). */
  headings: string[];
  /** How the page got into the printer: loaded, or swapped into the page it showed. */
  how: 'loaded' | 'swapped';
}

export const defaultPdfOptions: PDFOptions = {
  format: 'letter',
  printBackground: true,
  outline: true,
  tagged: true,
  preferCSSPageSize: true,
  displayHeaderFooter: false,
};

interface Answer {
  body: Uint8Array | string;
  contentType: string;
}

/**
 * Map every URL the page may load to its bytes. An asset whose href is not a plain relative path, or
 * whose file lies outside the allowed roots, is left out (and so will be refused when requested).
 */
export function answersFor(page: RenderedPage, opts: Pick<PrintOptions, 'slug' | 'allowedRoots'>): { answers: Map<string, () => Answer>; rejected: { href: string; reason: string }[] } {
  const base = `${printOrigin}/${encodeURIComponent(opts.slug)}/`;
  const roots = opts.allowedRoots.map((r) => safeRealpath(r)).filter((r): r is string => Boolean(r));
  const answers = new Map<string, () => Answer>();
  const rejected: { href: string; reason: string }[] = [];
  answers.set(`${base}index.html`, () => ({ body: page.html, contentType: 'text/html; charset=utf-8' }));
  for (const asset of page.assets) {
    const why = vetAsset(asset, roots);
    if (why) {
      rejected.push({ href: asset.href, reason: why });
      continue;
    }
    const url = new URL(asset.href, base).href;
    answers.set(url, () => ({ body: asset.data ?? readAsset(asset.path!, asset.mediaType), contentType: contentTypeOf(asset) }));
  }
  return { answers, rejected };
}

function vetAsset(asset: Asset, roots: string[]): string | undefined {
  const href = asset.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('/') || href.includes('\\')) return 'not a relative path';
  if (href.split('/').some((seg) => seg === '..' || seg === '.' || seg === '')) return 'path escapes the page folder';
  if (asset.data !== undefined) return undefined;
  if (!asset.path) return 'no bytes';
  const real = safeRealpath(asset.path);
  if (!real) return 'file not found';
  if (!statSync(real).isFile()) return 'not a file';
  if (!roots.some((r) => real === r || real.startsWith(r + path.sep))) return 'file outside the allowed folders';
  return undefined;
}

function safeRealpath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

function contentTypeOf(a: Asset): string {
  return a.mediaType.startsWith('text/') ? `${a.mediaType}; charset=utf-8` : a.mediaType;
}

/**
 * A page set up once for printing (JavaScript off, interception on, no cache, print media) that
 * answers only the files of the print in progress: between prints it answers nothing. Printers are
 * kept for the whole build, so a print pays for none of this set-up.
 *
 * Loading a page costs more than printing it (a navigation, a dozen style sheets and fonts through
 * interception, the fonts decoded again). So when a print needs exactly the style sheets and fonts
 * the printer shows already (same files, same bytes), the printer does not navigate: it moves to
 * the brief's address (`history.replaceState`), swaps in the new head's other elements (title,
 * meta, the footer's style) and the new body, parsed inert. The PDF is the same either way
 * once metadata.ts has renamed the node ids Chromium gives table header cells (tests/pdf.test.ts).
 */
export class Printer {
  private current?: { answers: Map<string, () => Answer>; log: PrintLog };
  /** What the page shows: its folder URL, and the key of its style sheets and fonts. */
  private shown?: { base: string; styleKey: string; styles: Map<string, () => Answer> };

  private constructor(readonly page: Page) {}

  static open(browser: Browser): Promise<Printer> {
    return traced('printer.open', () => Printer.setUp(browser));
  }

  private static async setUp(browser: Browser): Promise<Printer> {
    const page = await openPage(browser);
    const printer = new Printer(page);
    page.on('request', (req) => printer.answer(req));
    // Sent together (Chromium answers them in turn): one round trip instead of four while Chromium
    // is busy starting (~30 ms sooner to the print).
    await Promise.all([
      page.setJavaScriptEnabled(false),
      page.setRequestInterception(true),
      // The memory cache would let a second print skip interception (and the log).
      page.setCacheEnabled(false),
      page.emulateMediaType('print'),
    ]);
    return printer;
  }

  private lookup(url: string): (() => Answer) | undefined {
    const current = this.current;
    if (!current) return undefined;
    const found = current.answers.get(url);
    if (found) return found;
    // A font the shown style sheets ask for late (a new unicode-range), under the address they were loaded from.
    const shown = this.shown;
    return shown && url.startsWith(shown.base) ? shown.styles.get(url.slice(shown.base.length)) : undefined;
  }

  private answer(req: HTTPRequest): void {
    const url = req.url();
    if (url.startsWith('data:') || url === 'about:blank') {
      void req.continue().catch(() => {});
      return;
    }
    const answer = req.method() === 'GET' ? this.lookup(url.split('#')[0]!) : undefined;
    if (!answer) {
      this.current?.log.blocked.push({ url, reason: 'not a file of the page' });
      void req.abort('blockedbyclient').catch(() => {});
      return;
    }
    this.current!.log.served.push(url);
    const { body, contentType } = answer();
    void fulfill(req, { contentType, body, headers: { 'cache-control': 'no-store' } }).catch(() => {});
  }

  /** Load `rendered` from the made-up origin (or swap it into the page shown) and print it. */
  async print(rendered: RenderedPage, opts: PrintOptions): Promise<PrintResult> {
    const page = this.page;
    const { answers, rejected } = answersFor(rendered, opts);
    const log: PrintLog = { served: [], blocked: rejected.map((r) => ({ url: r.href, reason: `asset refused: ${r.reason}` })) };
    const base = `${printOrigin}/${encodeURIComponent(opts.slug)}/`;
    const styles = new Map<string, () => Answer>();
    for (const a of rendered.assets) {
      const answer = answers.get(new URL(a.href, base).href);
      if (answer && (a.mediaType === 'text/css' || a.mediaType.startsWith('font/'))) styles.set(a.href, answer);
    }
    const styleKey = keyOf(styles);
    this.current = { answers, log };
    try {
      // (Images need no care: their addresses name their bytes, so an edited image is a new address.)
      const swappable = this.shown?.styleKey === styleKey;
      // A swap that fails for any reason falls back to loading the page.
      const swapped = swappable && (await traced('print.swap', () => this.swap(rendered.html, `${base}index.html`).catch(() => false)));
      if (!swapped) {
        this.shown = undefined;
        await traced('print.goto', () => page.goto(`${base}index.html`, { waitUntil: 'load', timeout: printBudgetMs(rendered) }));
        this.shown = { base, styleKey, styles };
      }
      opts.onLoaded?.();
      // A test hook (tests/faults.test.ts): the renderer of the page printing this brief crashes, for real.
      if (process.env.BRIEFPRESS_TEST_CRASH === opts.slug) void page.createCDPSession().then((cdp) => cdp.send('Page.crash')).catch(() => {});
      // DevTools evaluation still runs with page scripts disabled: wait for every web font and image
      // in use, and read the headings as laid out (for the bookmarks' titles).
      const { fontsLoaded, headings } = await traced('print.fonts', () =>
        page.evaluate(async () => {
          await Promise.allSettled(Array.from(document.images).map((i) => i.decode()));
          await document.fonts.ready;
          // Not fonts.forEach: with scripts disabled, native code may not call back into page functions.
          const faces = Array.from(document.fonts as unknown as Iterable<FontFace>);
          return {
            fontsLoaded: faces.filter((f) => f.status === 'loaded').map((f) => `${f.family.replace(/["']/g, '')} ${f.weight} ${f.style}`),
            headings: Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'))
              .filter((h) => (h as HTMLElement).offsetParent !== null || getComputedStyle(h).position === 'fixed')
              .map((h) => (h.textContent ?? '').replace(/\u00ad/g, '').replace(/\s+/g, ' ').trim()),
          };
        }),
      );
      const pdf = await traced('print.pdf', () => page.pdf({ ...defaultPdfOptions, ...opts.pdf, timeout: printBudgetMs(rendered) }));
      return { pdf, fontsLoaded, headings, how: swapped ? 'swapped' : 'loaded', ...log };
    } catch (e) {
      this.shown = undefined;
      throw e;
    } finally {
      // From here on the page's requests are refused (the page is left as it is: the next print replaces it).
      this.current = undefined;
    }
  }

  /**
   * Swap `html` into the page shown, without navigating. False (nothing changed) when its head
   * differs in more than plain elements: another count of elements, or another style sheet link.
   */
  private swap(html: string, url: string): Promise<boolean> {
    return this.page.evaluate(
      (html, url) => {
        const next = new DOMParser().parseFromString(html, 'text/html');
        const oldHead = Array.from(document.head.children);
        const newHead = Array.from(next.head.children);
        if (oldHead.length !== newHead.length) return false;
        // An element that differs must be one that loads nothing. (No named helper functions in
        // here: tsx's esbuild would wrap them in a `__name` helper the page lacks.)
        const changed = oldHead.map((a, i) => [a, newHead[i]!] as const).filter(([a, b]) => a.outerHTML !== b.outerHTML);
        if (changed.flat().some((el) => el.localName === 'link' || el.localName === 'base' || (el.localName === 'style' && /@import|@font-face|url\(/i.test(el.textContent ?? '')))) return false;
        history.replaceState(null, '', url);
        const root = document.documentElement;
        for (const attr of Array.from(root.attributes)) root.removeAttribute(attr.name);
        for (const attr of Array.from(next.documentElement.attributes)) root.setAttribute(attr.name, attr.value);
        for (const [a, b] of changed) a.replaceWith(document.importNode(b, true));
        document.body.replaceWith(document.importNode(next.body, true));
        return true;
      },
      html,
      url,
    );
  }

  close(): Promise<void> {
    return this.page.close();
  }
}

/** One key for a set of style sheets and fonts: their hrefs and bytes. */
function keyOf(styles: Map<string, () => Answer>): string {
  const h = createHash('sha256');
  for (const [href, answer] of [...styles].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    h.update(`${href}\0`);
    h.update(answer().body);
    h.update('\0');
  }
  return h.digest('hex');
}

/**
 * The time a print may take: 30 s, and a second more per 10 kB of HTML (the sample's 60 kB prints in
 * under a second; a brief of 1 MB gets two minutes). Past it the page is stuck: the brief fails.
 */
export function printBudgetMs(rendered: RenderedPage): number {
  return 30_000 + Math.ceil(rendered.html.length / 10_000) * 1000;
}

/** Print `rendered` with one of the pool's printers (at most `--jobs` print at once). */
export function printWith(pool: BrowserPool, rendered: RenderedPage, opts: PrintOptions): Promise<PrintResult> {
  return printers(pool)
    .use((printer) => printer.print(rendered, opts), { what: `printing ${opts.slug}`, timeoutMs: printBudgetMs(rendered) });
}

function printers(pool: BrowserPool) {
  return pool.lender('printer', Printer.open, (p) => p.close(), pool.size, (p) => p.page);
}

/** Open a printer now (Chromium sets it up while Node reads and renders the brief). */
export function warmPrinter(pool: BrowserPool): void {
  printers(pool).warm();
}
