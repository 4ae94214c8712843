/**
 * The cover is drawn as an SVG image onto a canvas, not screenshot: it must still be the picture a
 * page of the theme's cover.html shows, in a fresh browser too (where the web fonts of the first
 * cover are decoded for the first time), for Latin and Cyrillic titles.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPool, type BrowserPool } from '../src/browser/pool.js';
import { coverHtml, renderCover } from '../src/targets/cover.js';
import { vetThemeCss } from '../src/theme/css.js';
import { epubFixtures, sampleManuscript } from './helpers/epub.js';
import { readManuscript, type Manuscript } from './helpers/pdf.js';
import type { Theme } from '../src/theme/theme.js';
import { decodePng, differingShare } from './helpers/png.js';

let pool: BrowserPool;
let fixtures: Manuscript;
let sample: Manuscript;

beforeAll(async () => {
  pool = await launchPool(1);
  fixtures = await readManuscript(epubFixtures);
  sample = await readManuscript(sampleManuscript);
});

afterAll(async () => {
  await pool?.close();
});

/** The cover's HTML shown as a page of 800 x 1200 at 2x and screenshot: what the theme author sees. */
async function screenshotOf(html: string): Promise<Uint8Array> {
  return pool.withPage(async (page) => {
    await page.setViewport({ width: 800, height: 1200, deviceScaleFactor: 2 });
    await page.setContent(html, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    return page.screenshot({ type: 'png', clip: { x: 0, y: 0, width: 800, height: 1200 } });
  });
}

describe('the cover', () => {
  it('is the picture the cover page shows (fonts, layout, colours), from the first cover of a fresh browser on', async () => {
    // The Russian brief first: its Cyrillic faces are the first fonts this browser decodes.
    const briefs = [...fixtures.briefs].reverse().concat(sample.briefs);
    expect(briefs.map((b) => b.slug)).toEqual(['russian-brief', 'rich-features', 'kerry-in-russia']);
    for (const brief of briefs) {
      const theme = sample.briefs.includes(brief) ? sample.theme : fixtures.theme;
      const drawn = decodePng((await renderCover(brief, theme, pool)).data);
      const shown = decodePng(await screenshotOf(coverHtml(brief, theme)));
      expect([drawn.width, drawn.height, drawn.channels]).toEqual([1600, 2400, 3]);
      // A fallback font or a lost element changes thousands of pixels; anti-aliasing a handful.
      expect(differingShare(drawn, shown), brief.slug).toBeLessThan(0.0005);
    }
  });

  it('tells covers apart, and draws a title with characters XML cannot hold', async () => {
    const brief = sample.briefs[0]!;
    const a = decodePng((await renderCover(brief, sample.theme, pool)).data);
    const b = decodePng((await renderCover({ ...brief, title: 'Another \u0001title\u0008 entirely' }, sample.theme, pool)).data);
    expect(differingShare(a, b)).toBeGreaterThan(0.005);
  });

  it('drops attributes XML cannot name, and says which file to fix when a cover cannot be drawn', async () => {
    const brief = sample.briefs[0]!;
    const withCover = (edit: (html: string) => string): Theme => ({ ...sample.theme, read: (f) => (f === 'cover.html' ? edit(sample.theme.read(f)) : sample.theme.read(f)) });
    const plain = decodePng((await renderCover(brief, sample.theme, pool)).data);
    const vue = decodePng((await renderCover(brief, withCover((h) => h.replace('<footer class="foot"', '<footer @click="go" :class="x" class="foot"')), pool)).data);
    expect(differingShare(plain, vue)).toBe(0);
    await expect(renderCover(brief, withCover((h) => h.replace('<footer class="foot">', '<footer class="foot"><i@x>oops</i@x>')), pool)).rejects.toThrow(
      /The theme's cover \(.*templates\/csis\/cover\.html\) cannot be drawn as an image/,
    );
    // The cover page is still usable afterwards.
    expect(differingShare(plain, decodePng((await renderCover(brief, sample.theme, pool)).data))).toBe(0);
  });

  it('refuses every request of the cover page but data: URLs, and still draws the cover', async () => {
    // The cover's style sheets go into the cover page, whose every face is loaded before the SVG
    // image is drawn: a face of the theme's cover.html with an http: source would be fetched. The
    // page refuses it (the Fetch domain, in a session of its own: the page's Network domain is off).
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const brief = sample.briefs[0]!;
      const probe = `<style>@font-face { font-family: 'Probe'; src: url(http://127.0.0.1:${port}/probe.woff2) format('woff2'); }</style></head>`;
      const theme: Theme = { ...sample.theme, read: (f) => (f === 'cover.html' ? sample.theme.read(f).replace('</head>', probe) : sample.theme.read(f)) };
      const plain = decodePng((await renderCover(brief, sample.theme, pool)).data);
      const probed = decodePng((await renderCover(brief, theme, pool)).data);
      expect(differingShare(plain, probed)).toBe(0);
      expect(hits).toEqual([]);
      // The build stops before any of that, at the URL's line and column.
      const ds = vetThemeCss({ ...theme, maybeRead: (f) => (f === 'cover.html' ? theme.read(f) : sample.theme.maybeRead(f)) });
      expect(ds.map((d) => [d.ruleId, d.message.replace(/\d{4,5}/, 'PORT')])).toEqual([
        ['theme-css-url', 'The cover refers to `http://127.0.0.1:PORT/probe.woff2` (http: URL): a cover is drawn as an image and loads nothing'],
      ]);
      const line = theme.read('cover.html').split('\n').findIndex((l) => l.includes('probe.woff2')) + 1;
      expect([ds[0]!.line, ds[0]!.file]).toEqual([line, expect.stringMatching(/templates\/csis\/cover\.html$/)]);
    } finally {
      server.close();
    }
  });

  it('loads nothing, not even a file of the theme: the check says so for each URL of its CSS', () => {
    const css = "<style>.a { background: url(logo.svg) } .b { background: url('data:image/png;base64,AAAA') } .c { clip-path: url(#shape) }</style></head>";
    const theme: Theme = { ...sample.theme, maybeRead: (f) => (f === 'cover.html' ? sample.theme.read(f).replace('</head>', css) : sample.theme.maybeRead(f)) };
    expect(vetThemeCss(theme).map((d) => d.message)).toEqual(['The cover refers to `logo.svg` (a file, which the cover cannot load): a cover is drawn as an image and loads nothing']);
    expect(vetThemeCss(sample.theme)).toEqual([]);
  });
});
