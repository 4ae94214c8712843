/**
 * The cover image of a brief, drawn from its metadata in the theme's style: the theme's `cover.html`
 * (a template with no script and no external resource) screenshot in the build's one browser.
 * Fonts go in as data: URLs (Chromium does not load file:// fonts in set content), every other
 * request is refused, JavaScript is off. The EPUB embeds the PNG; the PDF and the catalog can reuse
 * it: `coverFor` renders each brief once per build.
 */
import { readCached } from '../util/files.js';
import type { Browser, Page } from 'puppeteer-core';
import type { BrowserPool } from '../browser/pool.js';
import type { Brief } from '../model/brief.js';
import { fontFaceCss, fontsFor, type Theme } from '../theme/theme.js';
import { renderTemplate } from '../theme/template.js';
import { labelsFor } from './epub/labels.js';
import { formatDate } from './html.js';
import type { BuildContext } from './types.js';
import { traced } from '../util/trace.js';

export interface CoverImage {
  data: Buffer;
  mediaType: 'image/png';
  ext: 'png';
  /** Pixels. */
  width: number;
  height: number;
}

/** CSS pixels of the cover page; the PNG is twice that (1600 x 2400, a 2:3 ebook cover). */
const cssWidth = 800;
const cssHeight = 1200;
const scale = 2;

const made = new WeakMap<BuildContext, Map<string, Promise<CoverImage>>>();

/** The brief's cover for this build (rendered on first request, then shared by every target). */
export function coverFor(brief: Brief, ctx: BuildContext): Promise<CoverImage> {
  let byBrief = made.get(ctx);
  if (!byBrief) made.set(ctx, (byBrief = new Map()));
  let cover = byBrief.get(brief.slug);
  if (!cover) {
    cover = ctx.browser().then((pool) => traced('cover', () => renderCover(brief, ctx.theme, pool), brief.slug));
    byBrief.set(brief.slug, cover);
  }
  return cover;
}

/** The cover page's HTML (exported for tests and for previews). */
export function coverHtml(brief: Brief, theme: Theme): string {
  const names = brief.authors.map((a) => a.name);
  const title = brief.title;
  const text = [brief.series.name, brief.series.publisher, brief.series.publisherShort, title, brief.subtitle ?? '', ...names, formatDate(brief.date, brief.language), '0123456789. '].join(' ');
  const fonts = fontsFor(theme, text).map((f) => ({ ...f, href: `data:font/woff2;base64,${readCached(f.path).toString('base64')}` }));
  return renderTemplate(
    theme.read('cover.html'),
    {
      language: brief.language,
      fontCss: fontFaceCss(fonts),
      width: cssWidth,
      height: cssHeight,
      series: brief.series.name,
      number: brief.number === undefined ? undefined : `${labelsFor(theme, brief.language).number} ${brief.number}`,
      title,
      titleSize: title.length <= 34 ? 'xl' : title.length <= 70 ? 'l' : 'm',
      subtitle: brief.subtitle,
      authors: names.map((name) => ({ name })),
      dateLong: formatDate(brief.date, brief.language),
      publisher: brief.series.publisher,
      publisherShort: brief.series.publisherShort,
    },
    'cover.html',
  );
}

/**
 * One cover page per browser, set up once (no script, every request refused but data: fonts, the
 * cover's viewport): covers are drawn there one after another. A screenshot needs the page drawn,
 * and only the front tab is, so each cover brings it to the front (`BrowserPool.inFront`).
 * Consecutive covers of a series share their head (styles and fonts): then only the body is
 * replaced, and the fonts are not decoded again. A page whose draw failed is replaced (the Lender).
 */
interface CoverPage {
  page: Page;
  head?: string;
}

async function openCoverPage(browser: Browser): Promise<CoverPage> {
  const page = await browser.newPage();
  await page.setJavaScriptEnabled(false);
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    const url = req.url();
    if (url.startsWith('data:') || url === 'about:blank') void req.continue().catch(() => {});
    else void req.abort('blockedbyclient').catch(() => {});
  });
  await page.setViewport({ width: cssWidth, height: cssHeight, deviceScaleFactor: scale });
  return { page };
}

/** Show `html` in the cover page: the body alone when the head is the one shown already. */
async function show(cover: CoverPage, html: string): Promise<void> {
  const at = html.search(/<body[\s>]/i);
  const end = html.search(/<\/html>\s*$/i);
  const head = at < 0 ? undefined : html.slice(0, at);
  if (head !== undefined && head === cover.head) {
    const body = html.slice(at, end < 0 ? undefined : end);
    await cover.page.evaluate((b) => {
      // Parsed inert (no script runs), then swapped in for the old body.
      const parsed = new DOMParser().parseFromString(`<!DOCTYPE html><html>${b}</html>`, 'text/html');
      document.body.replaceWith(document.importNode(parsed.body, true));
    }, body);
  } else {
    await cover.page.setContent(html, { waitUntil: 'load', timeout: 30_000 });
    cover.head = head;
  }
}

/** Draw the brief's cover (a PNG of 1600 x 2400) in the browser's cover page. */
export async function renderCover(brief: Brief, theme: Theme, pool: BrowserPool): Promise<CoverImage> {
  const html = coverHtml(brief, theme);
  const covers = pool.lender('cover', openCoverPage, (c) => c.page.close(), 1);
  return covers.use((cover) =>
    pool.inFront(cover.page, async () => {
      await show(cover, html);
      // Wait for the embedded fonts, or the screenshot shows a fallback face.
      await cover.page.evaluate(() => document.fonts.ready.then(() => undefined));
      const data = Buffer.from(await cover.page.screenshot({ type: 'png', clip: { x: 0, y: 0, width: cssWidth, height: cssHeight }, captureBeyondViewport: false }));
      return { data, mediaType: 'image/png', ext: 'png', width: cssWidth * scale, height: cssHeight * scale };
    }),
  );
}
