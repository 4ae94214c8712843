/**
 * The EPUB edition, read back from its zip bytes: container, package metadata, navigation,
 * languages, notes, images, fonts, cover, reproducibility and the user's errors.
 * (epubcheck and Ace run in epub-validate.test.ts.)
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/api.js';
import { fontsFor, loadTheme } from '../src/theme/theme.js';
import { toXhtml } from '../src/targets/serialize.js';
import { sha256 } from '../src/util/hash.js';
import { all, buildEpubs, epubFixtures, epubPath, firstZipEntry, openEpub, sampleManuscript, type OpenedEpub } from './helpers/epub.js';
import { sanitizeSvg } from '../src/util/svg.js';

const slugs = ['rich-features', 'russian-brief'] as const;
let tmp: string;
const books: Record<string, OpenedEpub> = {};

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'briefpress-epub-'));
  await buildEpubs(epubFixtures, path.join(tmp, 'a'));
  await buildEpubs(epubFixtures, path.join(tmp, 'b'));
  await buildEpubs(sampleManuscript, path.join(tmp, 'sample'), 1_700_000_000);
  for (const slug of slugs) books[slug] = await openEpub(epubPath(path.join(tmp, 'a'), slug));
  books.sample = await openEpub(epubPath(path.join(tmp, 'sample'), 'kerry-in-russia'));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const opf = (slug: string) => books[slug]!.text('OEBPS/content.opf');
const meta = (text: string, property: string) => all(new RegExp(`<meta property="${property}"[^>]*>([^<]*)</meta>`), text);

describe('OCF container', () => {
  it.each([...slugs, 'sample'])('%s: mimetype is the first entry, stored, with no extra field', (slug) => {
    const first = firstZipEntry(books[slug]!.bytes);
    expect(first.signature).toBe(0x04034b50);
    expect(first.name).toBe('mimetype');
    expect(first.method).toBe(0);
    expect(first.extraLength).toBe(0);
    expect(first.data).toBe('application/epub+zip');
  });

  it('points container.xml at the package document', async () => {
    const container = await books['rich-features']!.text('META-INF/container.xml');
    expect(container).toContain('full-path="OEBPS/content.opf"');
  });

  it('lists every file of the zip in the manifest, and zips every manifest item', async () => {
    for (const slug of slugs) {
      const book = books[slug]!;
      const text = await opf(slug);
      const hrefs = all(/<item [^>]*href="([^"]+)"/, text).map((h) => `OEBPS/${h}`).sort();
      const files = book.names.filter((n) => !n.endsWith('/') && n.startsWith('OEBPS/') && n !== 'OEBPS/content.opf').sort();
      expect(files).toEqual(hrefs);
    }
  });
});

describe('package metadata', () => {
  it('describes the brief: identifier, titles, language, creators, dates, subjects, rights', async () => {
    const text = await opf('rich-features');
    expect(text).toMatch(/<package [^>]*version="3.0"[^>]*unique-identifier="pub-id"[^>]*xml:lang="en"/);
    expect(all(/<dc:identifier id="pub-id">([^<]+)</, text)).toEqual([expect.stringMatching(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)]);
    expect(all(/<dc:title id="title">([^<]+)</, text)).toEqual(['Can the Grid Keep Up?']);
    expect(all(/<dc:title id="subtitle">([^<]+)</, text)).toEqual(['Power, Prices and the Winter Ahead']);
    expect(all(/<dc:language>([^<]+)</, text)).toEqual(['en']);
    expect(all(/<dc:creator id="[^"]+">([^<]+)</, text)).toEqual(['Ann Author', 'Boris Writer']);
    expect(all(/<meta refines="#(creator-\d)" property="role" scheme="marc:relators">aut</, text)).toEqual(['creator-1', 'creator-2']);
    expect(all(/<dc:publisher>([^<]+)</, text)).toEqual(['Example Institute for Policy Studies']);
    expect(all(/<dc:date>([^<]+)</, text)).toEqual(['2024-11-05']);
    expect(meta(text, 'dcterms:modified')).toEqual(['2024-11-05T00:00:00Z']);
    expect(all(/<dc:subject>([^<]+)</, text)).toEqual(['Energy', 'Electricity markets', 'Infrastructure']);
    expect(all(/<dc:description>([^<]+)</, text)[0]).toMatch(/^Winter demand, tight supply/);
    expect(all(/<dc:rights>([^<]+)</, text)).toEqual(['© 2024 by the Example Institute for Policy Studies. All rights reserved.']);
  });

  it('keeps the identifier stable across builds and takes dcterms:modified from SOURCE_DATE_EPOCH', async () => {
    const a = all(/<dc:identifier id="pub-id">([^<]+)</, await opf('sample'));
    const other = await openEpub(epubPath(path.join(tmp, 'b'), 'rich-features'));
    expect(all(/<dc:identifier id="pub-id">([^<]+)</, await other.text('OEBPS/content.opf'))).toEqual(all(/<dc:identifier id="pub-id">([^<]+)</, await opf('rich-features')));
    expect(a[0]).toMatch(/^urn:uuid:/);
    expect(meta(await opf('sample'), 'dcterms:modified')).toEqual(['2023-11-14T22:13:20Z']);
    const dates = Object.values(books.sample!.zip.files).map((f) => f.date.toISOString());
    expect(new Set(dates)).toEqual(new Set(['2023-11-14T22:13:20.000Z']));
  });

  it('places the brief in its series (EPUB 3 collection and calibre)', async () => {
    const text = await opf('rich-features');
    expect(text).toContain('<meta property="belongs-to-collection" id="c01">Policy Notes</meta>');
    expect(text).toContain('<meta refines="#c01" property="collection-type">series</meta>');
    expect(text).toContain('<meta refines="#c01" property="group-position">7</meta>');
    expect(text).toContain('<meta refines="#c01" property="dcterms:identifier">urn:issn:2334-3605</meta>');
    expect(text).toContain('<meta name="calibre:series" content="Policy Notes"/>');
    expect(text).toContain('<meta name="calibre:series_index" content="7"/>');
  });

  it('declares EPUB Accessibility 1.1 metadata from what the book has', async () => {
    const rich = await opf('rich-features');
    expect(meta(rich, 'schema:accessMode')).toEqual(['textual', 'visual']);
    expect(meta(rich, 'schema:accessModeSufficient')).toEqual(['textual', 'textual,visual']);
    expect(meta(rich, 'schema:accessibilityFeature')).toEqual(expect.arrayContaining(['structuralNavigation', 'tableOfContents', 'readingOrder', 'alternativeText']));
    expect(meta(rich, 'schema:accessibilityHazard')).toEqual(['none']);
    expect(meta(rich, 'schema:accessibilitySummary')[0]).toMatch(/All 2 images have a text description.*3 endnotes/);
    expect(all(/<meta property="dcterms:conformsTo"[^>]*>([^<]+)</, rich)).toEqual(['EPUB Accessibility 1.1 - WCAG 2.2 Level AA']);
    expect(rich).toMatch(/<meta property="a11y:certifiedBy" refines="#conformance">Example Institute for Policy Studies<\/meta>/);
    // The sample has no image: text only, and no claim about alternative text.
    const sample = await opf('sample');
    expect(meta(sample, 'schema:accessMode')).toEqual(['textual']);
    expect(meta(sample, 'schema:accessibilityFeature')).not.toContain('alternativeText');
    expect(meta(sample, 'schema:accessibilitySummary')[0]).not.toMatch(/image|endnote/);
  });

  it('declares the generated cover as the cover image, with a cover page first in the spine', async () => {
    const text = await opf('rich-features');
    expect(text).toContain('<item id="cover-image" href="cover.png" media-type="image/png" properties="cover-image"/>');
    expect(all(/<itemref idref="([^"]+)"/, text)).toEqual(['cover', 'nav', 'brief', 'notes', 'about', 'colophon']);
    const page = await books['rich-features']!.text('OEBPS/cover.xhtml');
    expect(page).toMatch(/<img src="cover.png" alt="Cover of Can the Grid Keep Up\?: Power, Prices and the Winter Ahead" epub:type="cover" role="doc-cover"\/>/);
  });
});

describe('navigation', () => {
  it('nests the questions under the brief in the toc, with landmarks', async () => {
    const nav = await books['rich-features']!.text('OEBPS/toc.xhtml');
    const toc = nav.slice(nav.indexOf('epub:type="toc"'), nav.indexOf('epub:type="landmarks"'));
    expect(toc).toMatch(/<li><a href="brief.xhtml">Can the Grid Keep Up\?<\/a>\s*<ol>\s*<li><a href="brief.xhtml#q1">Q1\. Why is the grid/);
    expect(all(/href="brief.xhtml#(q\d)"/, toc)).toEqual(['q1', 'q2', 'q3', 'q4']);
    const landmarks = nav.slice(nav.indexOf('epub:type="landmarks"'));
    expect(all(/<a epub:type="([^"]+)"/, landmarks)).toEqual(['cover', 'toc', 'bodymatter', 'endnotes', 'backmatter']);
    expect(all(/<a epub:type="[^"]+" href="([^"]+)"/, landmarks)).toEqual(['cover.xhtml', 'toc.xhtml#toc', 'brief.xhtml', 'notes.xhtml', 'notes.xhtml']);
  });

  it('has an NCX that agrees with the nav, in reading order', async () => {
    for (const slug of [...slugs, 'sample']) {
      const book = books[slug]!;
      const nav = await book.text('OEBPS/toc.xhtml');
      const ncx = await book.text('OEBPS/toc.ncx');
      const toc = nav.slice(nav.indexOf('epub:type="toc"'), nav.indexOf('epub:type="landmarks"'));
      expect(all(/<content src="([^"]+)"/, ncx)).toEqual(all(/<a href="([^"]+)"/, toc));
      expect(all(/<text>([^<]+)<\/text>\s*<\/navLabel>/, ncx)).toEqual(all(/<a href="[^"]+">([^<]+)</, toc));
      const orders = all(/playOrder="(\d+)"/, ncx).map(Number);
      expect(orders).toEqual(orders.map((_, i) => i + 1));
      expect(ncx).toContain(`<meta name="dtb:uid" content="${all(/<dc:identifier id="pub-id">([^<]+)</, await book.text('OEBPS/content.opf'))[0]}"/>`);
    }
  });
});

describe('content documents', () => {
  it('carry the brief language on every XHTML file (and the package)', async () => {
    for (const [slug, lang] of [['rich-features', 'en'], ['russian-brief', 'ru'], ['sample', 'en']] as const) {
      const book = books[slug]!;
      const xhtml = book.names.filter((n) => n.endsWith('.xhtml'));
      expect(xhtml.length).toBeGreaterThanOrEqual(5);
      for (const name of xhtml) {
        const text = await book.text(name);
        expect(text, name).toMatch(new RegExp(`<html [^>]*xml:lang="${lang}" lang="${lang}"`));
      }
      expect(await book.text('OEBPS/content.opf')).toContain(`<dc:language>${lang}</dc:language>`);
    }
  });

  it('writes the words it adds in the brief language', async () => {
    const ru = books['russian-brief']!;
    expect(await ru.text('OEBPS/notes.xhtml')).toContain('<h1 id="notes-title">Примечания</h1>');
    expect(await ru.text('OEBPS/toc.xhtml')).toContain('<h1 id="toc-title">Содержание</h1>');
    expect(await ru.text('OEBPS/about.xhtml')).toContain('Об авторе');
    expect(await ru.text('OEBPS/notes.xhtml')).toContain('aria-label="Вернуться к ссылке 1"');
    expect(await ru.text('OEBPS/brief.xhtml')).toContain('Зачем нужны новые линии электропередачи?');
  });

  it('turns Markdown footnotes into endnotes linked both ways across documents', async () => {
    const book = books['rich-features']!;
    const body = await book.text('OEBPS/brief.xhtml');
    const notes = await book.text('OEBPS/notes.xhtml');
    expect(body).toContain('<a href="notes.xhtml#fn-demand" id="fnref-demand" data-footnote-ref="" epub:type="noteref" role="doc-noteref">1</a>');
    expect(body).toContain('href="notes.xhtml#fn-demand" id="fnref-demand-2"');
    expect(body).not.toContain('aria-describedby');
    expect(notes).toContain('<section class="notes" epub:type="endnotes" role="doc-endnotes" aria-labelledby="notes-title">');
    expect(all(/<li id="([^"]+)" epub:type="endnote">/, notes)).toEqual(['fn-demand', 'fn-storage', 'fn-lines']);
    expect(all(/<a href="(brief.xhtml#fnref-[^"]+)"[^>]*role="doc-backlink">/, notes)).toEqual([
      'brief.xhtml#fnref-demand',
      'brief.xhtml#fnref-demand-2',
      'brief.xhtml#fnref-storage',
      'brief.xhtml#fnref-lines',
    ]);
    // Every in-book link resolves to an id of its target document.
    for (const name of book.names.filter((n) => n.endsWith('.xhtml'))) {
      const text = await book.text(name);
      for (const href of all(/ href="([^":]+)"/, text)) {
        const [file, id] = href.includes('#') ? href.split('#') : [href, undefined];
        const target = await book.text(`OEBPS/${file || path.basename(name)}`);
        if (id) expect(target, `${name} -> ${href}`).toContain(`id="${id}"`);
      }
    }
  });

  it('keeps tables, lists, quotes, code and links valid XHTML (no HTML-only attributes)', async () => {
    const body = await books['rich-features']!.text('OEBPS/brief.xhtml');
    expect(body).toContain('<th style="text-align: right;">Peak demand (GW)</th>');
    expect(body).not.toMatch(/ align="/);
    expect(body).toMatch(/<ol>\s*<li>Colder forecasts\s*<ul>\s*<li>longer cold spells<\/li>/);
    expect(body).toContain('<blockquote>');
    expect(body).toContain('<code>reserve_margin >= 0.05</code>');
    expect(body).toContain('<pre><code class="language-python">def margin(supply, demand):');
    expect(body).toContain('<a href="https://example.org/plan">operator’s plan</a>');
    expect(body).toContain('<a href="mailto:energy@example.org">the program</a>');
    expect(body).toContain('<a href="#q1">the first question</a>');
    expect(body).toContain('<del>cheap</del>');
  });

  it('embeds the images under their content-hash names, bytes unchanged (SVG: as sanitized)', async () => {
    const book = books['rich-features']!;
    const body = await book.text('OEBPS/brief.xhtml');
    for (const [file, ext, alt] of [['chart.png', 'png', 'A bar chart'], ['map.svg', 'svg', 'Two regions']] as const) {
      const read = readFileSync(path.join(epubFixtures, 'briefs/rich-features', file));
      const clean = ext === 'svg' ? sanitizeSvg(read) : undefined;
      const bytes = clean?.ok ? Buffer.from(clean.data) : read;
      if (clean) expect(clean.ok && clean.removed).toEqual([]);
      const href = `images/${sha256(bytes).slice(0, 16)}.${ext}`;
      expect(Buffer.from(await book.binary(`OEBPS/${href}`)).equals(bytes)).toBe(true);
      expect(body).toMatch(new RegExp(`<img src="${href}" alt="${alt}[^"]*"/>`));
    }
    expect(book.names.filter((n) => n.startsWith('OEBPS/images/') && !n.endsWith('/'))).toHaveLength(2);
  });
});

describe('fonts', () => {
  it('embeds the theme fonts the text needs, declared in the manifest and the CSS', async () => {
    const theme = loadTheme('csis', epubFixtures);
    for (const slug of slugs) {
      const book = books[slug]!;
      const text = await opf(slug);
      const fonts = all(/<item id="font-\d+" href="(fonts\/[^"]+\.woff2)" media-type="font\/woff2"\/>/, text);
      expect(fonts.length).toBeGreaterThan(0);
      const css = await book.text('OEBPS/style.css');
      for (const f of fonts) {
        expect(css).toContain(`url(${f})`);
        const source = theme.fonts.find((t) => t.href === f)!;
        expect(Buffer.from(await book.binary(`OEBPS/${f}`)).equals(readFileSync(source.path))).toBe(true);
      }
    }
    const ruFonts = all(/href="fonts\/([^"]+)"/, await opf('russian-brief'));
    const enFonts = all(/href="fonts\/([^"]+)"/, await opf('rich-features'));
    expect(ruFonts.some((f) => f.includes('-cyrillic-'))).toBe(true);
    expect(enFonts.some((f) => f.includes('-cyrillic-'))).toBe(false);
    expect(enFonts.some((f) => f.includes('-greek-'))).toBe(false);
    // Only subsets the text needs: the same as fontsFor gives for Cyrillic text.
    expect(fontsFor(theme, 'Примечания').some((f) => f.subset === 'cyrillic')).toBe(true);
  });
});

describe('cover image', () => {
  it('is a 1600 x 2400 PNG written beside the EPUB and identical to the one inside', async () => {
    for (const slug of slugs) {
      const outside = readFileSync(path.join(tmp, 'a', slug, 'cover.png'));
      const inside = Buffer.from(await books[slug]!.binary('OEBPS/cover.png'));
      expect(inside.equals(outside)).toBe(true);
      expect(outside.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(outside.readUInt32BE(16)).toBe(1600);
      expect(outside.readUInt32BE(20)).toBe(2400);
      expect(outside.length).toBeGreaterThan(20_000);
    }
    // Different metadata, different covers.
    expect(readFileSync(path.join(tmp, 'a', 'rich-features', 'cover.png')).equals(readFileSync(path.join(tmp, 'a', 'russian-brief', 'cover.png')))).toBe(false);
  });
});

describe('reproducibility', () => {
  it('gives byte-identical EPUBs and covers for the same input', () => {
    for (const slug of slugs) {
      for (const file of [`${slug}.epub`, 'cover.png']) {
        const a = readFileSync(path.join(tmp, 'a', slug, file));
        const b = readFileSync(path.join(tmp, 'b', slug, file));
        expect(sha256(a), `${slug}/${file}`).toBe(sha256(b));
      }
    }
  });
});

describe("the user's mistakes", () => {
  it('reports a link to an id that does not exist at its line and column, and writes no EPUB', async () => {
    const dir = path.join(tmp, 'broken');
    cpSync(epubFixtures, dir, { recursive: true });
    rmSync(path.join(dir, 'briefs/rich-features'), { recursive: true });
    rmSync(path.join(dir, 'briefs/russian-brief'), { recursive: true });
    mkdirSync(path.join(dir, 'briefs/dead-link'), { recursive: true });
    writeFileSync(
      path.join(dir, 'briefs/dead-link/brief.md'),
      ['---', 'title: Dead link', 'authors: [ann-author]', 'date: 2024-01-02', 'summary: A link to nothing.', '---', '', '## Where?', '', 'See [below](#nowhere).', ''].join('\n'),
    );
    const out = path.join(tmp, 'broken-out');
    const result = await build({ input: dir, outDir: out, formats: ['epub'] });
    const brief = result.briefs.find((b) => b.slug === 'dead-link')!;
    expect(brief.ok).toBe(false);
    const d = brief.diagnostics.find((x) => x.ruleId === 'link-fragment');
    expect(d).toMatchObject({ severity: 'error', line: 10, column: 5 });
    expect(d!.file).toMatch(/dead-link[/\\]brief\.md$/);
    expect(d!.message).toContain('#nowhere');
    expect(() => readFileSync(epubPath(out, 'dead-link'))).toThrow();
  });
});

describe('toXhtml (the XHTML serializer of ../src/targets/serialize.ts)', () => {
  it('writes boolean attributes with values, closes empty elements, declares namespaces and drops characters XML forbids', () => {
    const xhtml = toXhtml({
      type: 'root',
      children: [
        {
          type: 'element',
          tagName: 'p',
          properties: {},
          children: [
            { type: 'element', tagName: 'input', properties: { type: 'checkbox', checked: true, disabled: true }, children: [] },
            { type: 'text', value: 'a\u0007 < b & "c"' },
            { type: 'element', tagName: 'br', properties: {}, children: [] },
          ],
        },
      ],
    });
    expect(xhtml).toBe('<p xmlns="http://www.w3.org/1999/xhtml"><input type="checkbox" checked="" disabled=""/>a &#x3C; b &#x26; "c"<br/></p>');
  });
});
