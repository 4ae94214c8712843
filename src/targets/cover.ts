/**
 * The cover image of a brief, drawn from its metadata in the theme's style: the theme's `cover.html`
 * (a template with no script and no external resource) drawn as an image in the build's one
 * browser (see `renderCover`). Fonts go in as data: URLs, every request is refused, no script runs.
 * The EPUB embeds the PNG; the catalog reuses it: `coverFor` renders each brief once per build.
 */
import type { Browser, CDPSession, Page } from 'puppeteer-core';
import { openPage, type BrowserPool } from '../browser/pool.js';
import { canvasPngScript, type CanvasPngWindow } from '../browser/canvas-png.js';
import type { Brief } from '../model/brief.js';
import { fontBytes, fontFaceCss, fontsFor, type Theme } from '../theme/theme.js';
import { renderThemeFile } from '../theme/template.js';
import { fillTree, toHtml, toXhtml } from './serialize.js';
import type { Element, Root } from 'hast';
import { s } from 'hastscript';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import { direction, messagesFor } from '../i18n/messages.js';
import { authorRole, formatDate } from './html.js';
import type { BuildContext } from './types.js';
import { traced } from '../util/trace.js';
import { EnvironmentError } from '../util/diagnostics.js';
import { displayPath } from '../util/paths.js';

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
  const { tree, fonts } = coverTree(brief, theme);
  const put = (value: string) => putFonts(value, fonts);
  visit(tree, (node) => {
    if (node.type === 'text') node.value = put(node.value);
    else if (node.type === 'element') for (const [k, v] of Object.entries(node.properties)) if (typeof v === 'string') node.properties[k] = put(v);
  });
  return toHtml(tree);
}

/**
 * The cover as the SVG image that is drawn: the cover page's `<html>` in a `<foreignObject>`, written
 * as XHTML by the one XHTML serializer (../serialize.ts: attributes XML cannot name and characters
 * it forbids are left out), and the text of its style sheets (their faces are loaded first). Each
 * face's data: URL is left as its stand-in (`fonts` names them): the cover page puts them in (its
 * faces' URLs are sent to it once, not with every cover; `putFonts` gives the same text in Node).
 */
export function coverSvg(brief: Brief, theme: Theme): { svg: string; styles: string[]; fonts: Map<number, Buffer> } {
  const { tree, fonts } = coverTree(brief, theme);
  const html = tree.children.find((c): c is Element => c.type === 'element' && c.tagName === 'html')!;
  html.properties.xmlns = 'http://www.w3.org/1999/xhtml';
  const styles: string[] = [];
  visit(html, 'element', (node) => {
    if (node.tagName === 'style') styles.push(toString(node));
  });
  const size = { width: cssWidth, height: cssHeight };
  return { svg: toXhtml(s('svg', { xmlns: 'http://www.w3.org/2000/svg', ...size }, [s('foreignObject', { x: 0, y: 0, ...size }, [html])])), styles, fonts };
}

/** The cover page's tree, each face's data: URL as its stand-in (`fonts`: the stand-ins' numbers and the faces' bytes). */
function coverTree(brief: Brief, theme: Theme): { tree: Root; fonts: Map<number, Buffer> } {
  const names = brief.authors.map((a) => a.name);
  const title = brief.title;
  const msgs = messagesFor(brief.language, theme.messages, brief.series.messages);
  const number = brief.number === undefined ? undefined : msgs.text('number', { n: brief.number });
  const text = [brief.series.name, brief.series.publisher, brief.series.publisherShort, theme.design.publisher.name, theme.design.publisher.short ?? '', title, brief.subtitle ?? '', ...names, formatDate(brief.date, brief.language), number ?? '', '0123456789. '].join(' ');
  // The faces' data: URLs (hundreds of kB of base64) go in after the template is parsed (parsing
  // them cost ~15 ms a cover), or after the SVG is written, in the cover page: the template has a
  // short stand-in for each, one number per font file through the build.
  const used = new Map<number, Buffer>();
  const fonts = fontsFor(theme.fontsForLanguage(brief.language).fonts, text).map((f) => {
    const bytes = fontBytes(f);
    const id = fontIdOf(bytes);
    used.set(id, bytes);
    return { ...f, href: fontStandIn(id) };
  });
  const filled = renderThemeFile(
    theme,
    'cover.html',
    {
      language: brief.language,
      dir: direction(brief.language),
      fontCss: fontFaceCss(fonts),
      tokenCss: theme.design.css,
      logo: theme.logo,
      house: theme.design.publisher.name,
      houseShort: theme.design.publisher.short ?? theme.design.publisher.name,
      width: cssWidth,
      height: cssHeight,
      series: brief.series.name,
      number,
      title,
      titleSize: title.length <= 34 ? 'xl' : title.length <= 70 ? 'l' : 'm',
      subtitle: brief.subtitle,
      authors: brief.authors.map((a) => ({ name: a.name, title: a.title, affiliation: a.affiliation, role: authorRole(a) })),
      dateLong: formatDate(brief.date, brief.language),
      publisher: brief.series.publisher,
      publisherShort: brief.series.publisherShort,
    },
  );
  return { tree: fillTree(theme, 'cover.html', filled), fonts: used };
}

const fontStandIn = (i: number) => `briefpress-font-data-${i}-`;
const fontStandIns = /briefpress-font-data-(\d+)-/g;

/** One number per font file (its bytes, read once per build), the same for every cover of the process. */
const fontIds = new WeakMap<Buffer, number>();
let fontCount = 0;
function fontIdOf(bytes: Buffer): number {
  let id = fontIds.get(bytes);
  if (id === undefined) fontIds.set(bytes, (id = fontCount++));
  return id;
}

/** A face's data: URL (base64 once per font file). */
const dataUrls = new WeakMap<Buffer, string>();
function dataUrlOf(bytes: Buffer): string {
  let url = dataUrls.get(bytes);
  if (url === undefined) dataUrls.set(bytes, (url = `data:font/woff2;base64,${bytes.toString('base64')}`));
  return url;
}

/** `value` with each face's stand-in replaced by its data: URL (what the cover page does to the SVG). */
export function putFonts(value: string, fonts: Map<number, Buffer>): string {
  return value.replace(fontStandIns, (_m, i: string) => dataUrlOf(fonts.get(Number(i))!));
}

/** The faces' data: URLs each cover page has (sent with the first cover that uses a face). */
const sentFonts = new WeakMap<Page, Set<number>>();

/**
 * One cover page per browser: an empty page that refuses every request but data: URLs. A cover is
 * not loaded into it: the cover's HTML is parsed in Node (rehype-parse) and written as XHTML into an
 * SVG `<foreignObject>` (`coverSvg`), and that SVG is drawn as an image onto a canvas at twice the CSS size, then encoded as PNG by the canvas.
 * Chromium lays out and paints it exactly as it would the page (the same pixels as a screenshot,
 * tested), but without the compositor and the screenshot's readback, which cost about as much as
 * everything else together (a cover went from ~270 to ~130 ms of CPU). An SVG drawn as an image
 * runs no script and fetches nothing, so the theme's cover can use only what it carries inline
 * (its fonts go in as data: URLs), and it does not wait for its web fonts: they are loaded in the
 * cover page first (below; a test draws a Cyrillic cover first thing in a fresh browser). Nothing
 * needs the front tab: covers draw in the background while pages print.
 */
function coverPages(pool: BrowserPool) {
  return pool.lender('cover', openCoverPage, (page) => page.close(), 1, (page) => page);
}

/** Open the cover page now (Chromium sets it up while Node reads and renders the brief). */
export function warmCover(pool: BrowserPool): void {
  coverPages(pool).warm();
}

async function openCoverPage(browser: Browser): Promise<Page> {
  const page = await openPage(browser);
  // JavaScript stays on: the page holds no document but about:blank, so the only script is ours
  // (with it off, canvasPng's callbacks never come). The theme's HTML never runs: it only
  // reaches this page inside an SVG image, and SVG images run no script.
  //
  // Every request but a data: URL is refused, by the Fetch domain in a session of our own, and
  // the page's Network domain (which Puppeteer turns on for every page, for its request objects)
  // is turned off: its events carry each request's URL, and the cover's URLs are data: URLs, the
  // SVG of every cover (~320 kB) and each face on its first use (~27 kB). They were ~1.35 MB of
  // the ~1.7 MB of DevTools messages of a build of the sample, 13 MB of 21 for 20 briefs: encoded
  // by the browser, read and parsed by Node, and kept by Puppeteer, for nothing. (Fetch never
  // pauses a data: URL; the handler lets one through all the same.)
  const fetch = await page.createCDPSession();
  fetch.on('Fetch.requestPaused', (e: { requestId: string; request: { url: string } }) => {
    const url = e.request.url;
    if (url.startsWith('data:') || url === 'about:blank') void fetch.send('Fetch.continueRequest', { requestId: e.requestId }).catch(() => {});
    else void fetch.send('Fetch.failRequest', { requestId: e.requestId, errorReason: 'BlockedByClient' }).catch(() => {});
  });
  await fetch.send('Fetch.enable', { patterns: [{ urlPattern: '*' }] });
  // (Puppeteer's own session of the page, where it turned the domain on: an internal of its CdpPage.
  // Without it, the cover is drawn all the same, with the events.)
  await (page as unknown as { _client?: () => CDPSession })._client?.().send('Network.disable').catch(() => {});
  await page.evaluate(canvasPngScript);
  return page;
}

/** Draw the brief's cover (a PNG of 1600 x 2400) in the browser's cover page. */
export async function renderCover(brief: Brief, theme: Theme, pool: BrowserPool): Promise<CoverImage> {
  const { svg, styles, fonts } = coverSvg(brief, theme);
  const covers = coverPages(pool);
  const drawn = covers.use(
    (page) => drawCover(page, svg, styles, fonts),
    // A cover draws in ~0.1 s; its HTML is small whatever the brief.
    { what: `drawing the cover of ${brief.slug}`, timeoutMs: 30_000 },
  );
  let png: string;
  try {
    png = await drawn;
  } catch (e) {
    if (!/cannot be decoded/.test(String(e))) throw e;
    throw new EnvironmentError(
      `The theme's cover (${displayPath(theme.path('cover.html'))}) cannot be drawn as an image`,
      'It is drawn as XHTML inside an SVG image: keep it plain HTML (elements with plain names, no script, everything inline; see templates/README.md, "The cover").',
    );
  }
  return { data: Buffer.from(png, 'base64'), mediaType: 'image/png', ext: 'png', width: cssWidth * scale, height: cssHeight * scale };
}

/** Draw the cover's SVG (with its faces' stand-ins) in the cover page: the PNG's base64. */
async function drawCover(page: Page, svg: string, styles: string[], fonts: Map<number, Buffer>): Promise<string> {
  let sent = sentFonts.get(page);
  if (!sent) sentFonts.set(page, (sent = new Set()));
  const newFonts = [...fonts].filter(([id]) => !sent.has(id)).map(([id, bytes]) => [id, dataUrlOf(bytes)] as [number, string]);
  const png = await page.evaluate(
    async (svgWithStandIns, stylesWithStandIns, newFonts, standIns, width, height, scale) => {
      // Each face's data: URL, sent once to this page: the SVG and style sheets come with stand-ins.
      const urls = ((window as unknown as { coverFonts?: Map<number, string> }).coverFonts ??= new Map());
      for (const [id, url] of newFonts) urls.set(id, url);
      const pattern = new RegExp(standIns, 'g');
      if (Array.from(svgWithStandIns.matchAll(pattern)).some((m) => !urls.has(Number(m[1])))) throw new Error('the cover page lacks a font');
      const svg = svgWithStandIns.replace(pattern, (_m, i: string) => urls.get(Number(i))!);
      const styles = stylesWithStandIns.map((css) => css.replace(pattern, (_m, i: string) => urls.get(Number(i))!));
      // An SVG image does not wait for its web fonts: a face it meets for the first time is still
      // loading when the image is drawn, and its text is left out. So the cover's style sheets
      // (each new one once) go into this page too, and every face is loaded here first: the image
      // then finds the fonts decoded in the renderer's memory cache (kept alive by this page).
      const known = ((window as unknown as { coverStyles?: Set<string> }).coverStyles ??= new Set());
      for (const css of styles) {
        if (known.has(css)) continue;
        known.add(css);
        const style = document.createElement('style');
        style.textContent = css;
        document.head.append(style);
      }
      const faces: Promise<FontFace>[] = [];
      document.fonts.forEach((face) => faces.push(face.load()));
      // A face that cannot load (its source refused: the theme's check reports it) is left out.
      await Promise.allSettled(faces);
      const image = new Image();
      image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = width * scale;
      canvas.height = height * scale;
      const ctx = canvas.getContext('2d', { alpha: false })!;
      ctx.fillStyle = '#fff'; // what a page shows where the cover paints nothing
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      // An SVG image is vector: drawn at twice its size, it is painted at twice the resolution.
      ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
      const png = await (window as unknown as CanvasPngWindow).canvasPng(canvas);
      // The canvas's pixels (1600 x 2400 x 4: 15 MB) and the image's are let go now, not at the
      // page's next garbage collection: a cover page kept for a series otherwise held 60-100 MB more.
      canvas.width = 0;
      canvas.height = 0;
      image.src = '';
      return png;
    },
    svg,
    styles,
    newFonts,
    fontStandIns.source,
    cssWidth,
    cssHeight,
    scale,
  );
  for (const [id] of newFonts) sent.add(id);
  return png;
}
