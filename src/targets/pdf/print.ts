/**
 * Print a rendered page to PDF in the build's browser, sandboxed: the page is served from a made-up
 * origin through request interception, only the page and its vetted assets are answered, everything
 * else (file://, other hosts, `../` escapes) is aborted, and JavaScript is off (FACTS.md, security).
 */
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, HTTPRequest, Page, PDFOptions } from 'puppeteer-core';
import type { BrowserPool } from '../../browser/pool.js';
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
 */
export class Printer {
  private current?: { answers: Map<string, () => Answer>; log: PrintLog };

  private constructor(readonly page: Page) {}

  static async open(browser: Browser): Promise<Printer> {
    const page = await browser.newPage();
    const printer = new Printer(page);
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    // The memory cache would let a second print skip interception (and the log).
    await page.setCacheEnabled(false);
    await page.emulateMediaType('print');
    page.on('request', (req) => printer.answer(req));
    return printer;
  }

  private answer(req: HTTPRequest): void {
    const url = req.url();
    if (url.startsWith('data:') || url === 'about:blank') {
      void req.continue().catch(() => {});
      return;
    }
    const current = this.current;
    const answer = current && req.method() === 'GET' ? current.answers.get(url.split('#')[0]!) : undefined;
    if (!answer) {
      current?.log.blocked.push({ url, reason: 'not a file of the page' });
      void req.abort('blockedbyclient').catch(() => {});
      return;
    }
    current!.log.served.push(url);
    const { body, contentType } = answer();
    void req.respond({ status: 200, contentType, body: typeof body === 'string' ? body : Buffer.from(body), headers: { 'cache-control': 'no-store' } }).catch(() => {});
  }

  /** Load `rendered` from the made-up origin and print it. */
  async print(rendered: RenderedPage, opts: PrintOptions): Promise<PrintResult> {
    const page = this.page;
    const { answers, rejected } = answersFor(rendered, opts);
    const log: PrintLog = { served: [], blocked: rejected.map((r) => ({ url: r.href, reason: `asset refused: ${r.reason}` })) };
    this.current = { answers, log };
    try {
      await traced('print.goto', () => page.goto(`${printOrigin}/${encodeURIComponent(opts.slug)}/index.html`, { waitUntil: 'load', timeout: 60_000 }));
      // DevTools evaluation still runs with page scripts disabled: wait for every web font in use,
      // and read the headings as laid out (for the bookmarks' titles).
      const { fontsLoaded, headings } = await traced('print.fonts', () =>
        page.evaluate(async () => {
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
      const pdf = await traced('print.pdf', () => page.pdf({ ...defaultPdfOptions, ...opts.pdf, timeout: 120_000 }));
      return { pdf, fontsLoaded, headings, ...log };
    } finally {
      // From here on the page's requests are refused (the page is left as it is: the next print replaces it).
      this.current = undefined;
    }
  }

  close(): Promise<void> {
    return this.page.close();
  }
}

/** Print `rendered` with one of the pool's printers (at most `--jobs` print at once). */
export function printWith(pool: BrowserPool, rendered: RenderedPage, opts: PrintOptions): Promise<PrintResult> {
  return pool.lender('printer', Printer.open, (p) => p.close()).use((printer) => printer.print(rendered, opts));
}
