/**
 * The series catalog: dist/index.html lists every brief with its editions, dist/opds.xml is a
 * well-formed OPDS 1.2 acquisition feed whose every href resolves inside dist/, dist/catalog.json.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSeries } from '../scripts/synthetic-series.js';
import { build } from '../src/api.js';
import { repoRoot } from './helpers/cli.js';

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Link {
  '@_rel': string;
  '@_href': string;
  '@_type': string;
}
// htmlEntities: fast-xml-parser decodes numeric character references (`&#x26;`, as xast-util-to-xml writes them) only with it.
const parser = new XMLParser({ ignoreAttributes: false, htmlEntities: true, isArray: (name) => ['entry', 'link', 'author', 'category'].includes(name) });

function hrefsOf(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src)="([^"]+)"/g)].map((m) => m[1]!).filter((h) => !/^(https?:|mailto:|#)/.test(h));
}

describe('catalog of a series (html, epub)', () => {
  let root: string;
  let out: string;
  beforeAll(async () => {
    root = makeSeries([
      { slug: 'first', title: 'The First & Only <Question>', date: '2015-01-01' },
      { slug: 'second', title: 'A Second Question', date: '2015-02-01' },
      { slug: 'third', title: 'A Third Question', date: '2015-03-01' },
    ]);
    made.push(path.dirname(root));
    out = path.join(path.dirname(root), 'dist');
    const r = await build({ input: root, outDir: out, formats: ['html', 'epub'], sourceDateEpoch: 1431388800 });
    expect(r.ok).toBe(true);
  });

  it('lists every brief on the catalog page, newest first, with its editions and cover', () => {
    const html = readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(html).toMatch(/<html lang="en">/);
    expect(html).toContain('<h1 class="catalog-title">Critical Questions</h1>');
    expect(html).toContain('The First &amp; Only &lt;Question>');
    const order = ['third', 'second', 'first'].map((s) => html.indexOf(`href="${s}/index.html"`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    for (const s of ['first', 'second', 'third']) {
      expect(html).toContain(`href="${s}/${s}.epub"`);
      expect(html).not.toContain(`${s}.pdf`); // not built: not linked
      if (existsSync(path.join(out, s, 'cover.png'))) expect(html).toContain(`src="${s}/cover.png"`);
    }
    expect(html).toContain('No. 3');
    expect(html).toContain('Jeffrey Mankoff');
    expect(html).toContain('meta name="viewport" content="width=device-width, initial-scale=1"');
    for (const h of hrefsOf(html)) expect(existsSync(path.join(out, decodeURI(h))), h).toBe(true);
  });

  it('writes a well-formed OPDS acquisition feed whose links resolve inside dist/', () => {
    const xml = readFileSync(path.join(out, 'opds.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = parser.parse(xml).feed;
    expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.title).toBe('Critical Questions');
    expect(feed.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(feed.updated).toBe('2015-05-12T00:00:00Z');
    const self = (feed.link as Link[]).find((l) => l['@_rel'] === 'self')!;
    expect(self['@_type']).toBe('application/atom+xml;profile=opds-catalog;kind=acquisition');
    expect(feed.entry).toHaveLength(3);
    expect(feed.entry.map((e: { title: string }) => e.title)).toEqual(['A Third Question', 'A Second Question', 'The First & Only <Question>']);
    for (const e of feed.entry) {
      expect(e.id).toMatch(/^urn:uuid:/);
      expect(e['dc:identifier']).toBe(e.id);
      expect(e.updated).toBe('2015-05-12T00:00:00Z');
      expect(e.published).toMatch(/^2015-0[123]-01T00:00:00Z$/);
      expect(e.author[0].name).toBe('Jeffrey Mankoff');
      expect(e['dc:language']).toBe('en');
      expect(e.summary['#text']).toMatch(/Kerry/);
      const links = e.link as Link[];
      const epub = links.find((l) => l['@_rel'] === 'http://opds-spec.org/acquisition' && l['@_type'] === 'application/epub+zip');
      expect(epub).toBeDefined();
      if (existsSync(path.join(out, e.link.find((l: Link) => l['@_type'] === 'text/html')['@_href'].replace('index.html', 'cover.png')))) {
        expect(links.some((l) => l['@_rel'] === 'http://opds-spec.org/image' && l['@_type'] === 'image/png')).toBe(true);
        expect(links.some((l) => l['@_rel'] === 'http://opds-spec.org/image/thumbnail')).toBe(true);
      }
    }
    const hrefs = [...(feed.link as Link[]), ...feed.entry.flatMap((e: { link: Link[] }) => e.link)].map((l) => l['@_href']);
    for (const h of hrefs) expect(existsSync(path.join(out, decodeURI(h))), h).toBe(true);
  });

  it('writes catalog.json in series order', () => {
    const j = JSON.parse(readFileSync(path.join(out, 'catalog.json'), 'utf8'));
    expect(j.series.name).toBe('Critical Questions');
    expect(j.briefs.map((b: { slug: string; number: number }) => [b.slug, b.number])).toEqual([
      ['first', 1],
      ['second', 2],
      ['third', 3],
    ]);
    expect(j.briefs[0].editions).toEqual({ html: 'first/index.html', epub: 'first/first.epub' });
    for (const b of j.briefs) for (const h of Object.values(b.editions) as string[]) expect(existsSync(path.join(out, h))).toBe(true);
  });

  it('is byte-identical when rebuilt into another folder', async () => {
    const out2 = path.join(path.dirname(root), 'dist2');
    await build({ input: root, outDir: out2, formats: ['html', 'epub'], sourceDateEpoch: 1431388800 });
    for (const f of ['index.html', 'opds.xml', 'catalog.json']) {
      expect(readFileSync(path.join(out2, f), 'utf8'), f).toBe(readFileSync(path.join(out, f), 'utf8'));
    }
  });
});

describe('catalog with all three editions (the sample manuscript)', () => {
  it('offers the EPUB and the PDF as acquisitions', async () => {
    const out = path.join(path.dirname(makeSeries(0)), 'dist');
    made.push(path.dirname(out));
    const r = await build({ input: path.join(repoRoot, 'manuscript'), outDir: out });
    expect(r.ok).toBe(true);
    const xml = readFileSync(path.join(out, 'opds.xml'), 'utf8');
    const entry = parser.parse(xml).feed.entry[0];
    const types = (entry.link as Link[]).filter((l) => l['@_rel'] === 'http://opds-spec.org/acquisition').map((l) => [l['@_type'], l['@_href']]);
    expect(types).toEqual([
      ['application/epub+zip', 'kerry-in-russia/kerry-in-russia.epub'],
      ['application/pdf', 'kerry-in-russia/kerry-in-russia.pdf'],
    ]);
    const html = readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(html).toContain('href="kerry-in-russia/kerry-in-russia.pdf"');
    for (const h of hrefsOf(html)) expect(existsSync(path.join(out, decodeURI(h))), h).toBe(true);
  });
});
