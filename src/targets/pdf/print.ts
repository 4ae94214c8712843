/**
 * Print a rendered page to PDF in the build's browser, sandboxed: the page is served from a made-up
 * origin through request interception, only the page and its vetted assets are answered, everything
 * else (file://, other hosts, `../` escapes) is aborted, and JavaScript is off (FACTS.md, security).
 */
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { HTTPRequest, Page, PDFOptions } from 'puppeteer-core';
import { readAsset } from '../../util/files.js';
import type { Asset, RenderedPage } from '../html.js';

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
 * Load `rendered` in `page` from the made-up origin and print it. The page is left as it was found:
 * interception off, JavaScript back on, listeners removed.
 */
export async function printPage(page: Page, rendered: RenderedPage, opts: PrintOptions): Promise<PrintResult> {
  const { answers, rejected } = answersFor(rendered, opts);
  const log: PrintLog = { served: [], blocked: rejected.map((r) => ({ url: r.href, reason: `asset refused: ${r.reason}` })) };
  const onRequest = (req: HTTPRequest) => {
    const url = req.url();
    if (url.startsWith('data:')) {
      void req.continue().catch(() => {});
      return;
    }
    const answer = req.method() === 'GET' ? answers.get(url.split('#')[0]!) : undefined;
    if (!answer) {
      log.blocked.push({ url, reason: 'not a file of the page' });
      void req.abort('blockedbyclient').catch(() => {});
      return;
    }
    log.served.push(url);
    const { body, contentType } = answer();
    void req.respond({ status: 200, contentType, body: typeof body === 'string' ? body : Buffer.from(body), headers: { 'cache-control': 'no-store' } }).catch(() => {});
  };
  await page.setJavaScriptEnabled(false);
  await page.setRequestInterception(true);
  // The memory cache would let a second print skip interception (and the log).
  await page.setCacheEnabled(false);
  page.on('request', onRequest);
  try {
    await page.goto(`${printOrigin}/${encodeURIComponent(opts.slug)}/index.html`, { waitUntil: 'load', timeout: 60_000 });
    await page.emulateMediaType('print');
    // DevTools evaluation still runs with page scripts disabled: wait for every web font in use.
    const fontsLoaded = await page.evaluate(async () => {
      await document.fonts.ready;
      // Not fonts.forEach: with scripts disabled, native code may not call back into page functions.
      const faces = Array.from(document.fonts as unknown as Iterable<FontFace>);
      return faces.filter((f) => f.status === 'loaded').map((f) => `${f.family.replace(/["']/g, '')} ${f.weight} ${f.style}`);
    });
    const headings = await page.evaluate(() =>
      Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'))
        .filter((h) => (h as HTMLElement).offsetParent !== null || getComputedStyle(h).position === 'fixed')
        .map((h) => (h.textContent ?? '').replace(/\u00ad/g, '').replace(/\s+/g, ' ').trim()),
    );
    const pdf = await page.pdf({ ...defaultPdfOptions, ...opts.pdf, timeout: 120_000 });
    return { pdf, fontsLoaded, headings, ...log };
  } finally {
    // Leave the page while the handler still refuses stray requests, then drop interception.
    await page.goto('about:blank').catch(() => {});
    page.off('request', onRequest);
    await page.setRequestInterception(false).catch(() => {});
    await page.setJavaScriptEnabled(true).catch(() => {});
    await page.emulateMediaType().catch(() => {});
  }
}
