/**
 * Issue #15, citable and discoverable: the sample built with and without a series `baseUrl`.
 * Google Scholar's and Zotero's tag names with their values, schema.org JSON-LD, Open Graph and
 * Twitter tags, the canonical URL and sitemap (only with baseUrl), the citation files (written by
 * briefpress' own BibTeX and RIS writers, parsed back by citation-js, an independent parser, also
 * with hard characters), "Cite this brief" in the three editions, and baseUrl's validation.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/api.js';
import { runCli } from './helpers/cli.js';
import { openEpub, sampleManuscript } from './helpers/epub.js';
import { pdfinfo, pdftext } from './helpers/pdf.js';

const require = createRequire(import.meta.url);
const { Cite } = require('@citation-js/core') as typeof import('@citation-js/core');
require('@citation-js/plugin-bibtex');
require('@citation-js/plugin-ris');

const base = 'https://briefs.example.org/critical-questions/';
const slug = 'kerry-in-russia';
let tmp: string;
let withBase: string;
let without: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'briefpress-cite-'));
  const ms = path.join(tmp, 'manuscript');
  cpSync(sampleManuscript, ms, { recursive: true });
  const yaml = path.join(ms, 'series.yaml');
  writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^publisherUrl: .*$/m, (l) => `${l}\nbaseUrl: ${base.replace(/\/$/, '')}`));
  withBase = path.join(tmp, 'with');
  without = path.join(tmp, 'without');
  for (const [input, out] of [[ms, withBase], [sampleManuscript, without]] as const) {
    const r = await build({ input, outDir: out, previews: false });
    expect(r.briefs.map((b) => b.diagnostics)).toEqual([[]]);
  }
}, 300_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The head's `<meta name|property=... content=...>` tags, each name with its values in order. */
function metaTags(html: string): Map<string, string[]> {
  const head = html.slice(0, html.indexOf('</head>'));
  const tags = new Map<string, string[]>();
  for (const m of head.matchAll(/<meta (?:name|property)="([^"]+)" content="([^"]*)">/g)) tags.set(m[1]!, [...(tags.get(m[1]!) ?? []), unescape(m[2]!)]);
  return tags;
}

function jsonLd(html: string): Record<string, any> {
  const m = /<script type="application\/ld\+json">([^]*?)<\/script>/.exec(html);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]!) as Record<string, any>;
}

const page = (out: string) => readFileSync(path.join(out, slug, 'index.html'), 'utf8');
const frontMatter = readFileSync(path.join(sampleManuscript, 'briefs', slug, 'brief.md'), 'utf8');
const keywords = [.../^keywords:\n((?:\s+- .*\n)+)/m.exec(frontMatter)![1]!.matchAll(/- (.*)/g)].map((m) => m[1]!.trim());

describe('with baseUrl: what Google Scholar, Zotero, schema.org and social previews read', () => {
  it('Highwire Press citation_* tags with the brief\'s values', () => {
    const t = metaTags(page(withBase));
    const pages = Number(pdfinfo(path.join(withBase, slug, `${slug}.pdf`)).Pages);
    expect(t.get('citation_title')).toEqual(['John Kerry in Russia']);
    expect(t.get('citation_author')).toEqual(['Jeffrey Mankoff']);
    expect(t.get('citation_author_institution')).toEqual(['Center for Strategic and International Studies']);
    expect(t.get('citation_publication_date')).toEqual(['2015/05/12']);
    expect(t.get('citation_publisher')).toEqual(['Center for Strategic and International Studies']);
    expect(t.get('citation_technical_report_institution')).toEqual(['Center for Strategic and International Studies']);
    expect(t.get('citation_technical_report_number')).toEqual(['1']);
    expect(t.get('citation_series_title')).toEqual(['Critical Questions']);
    expect(t.get('citation_pdf_url')).toEqual([`${base}${slug}/${slug}.pdf`]);
    expect(t.get('citation_firstpage')).toEqual(['1']);
    expect(t.get('citation_lastpage')).toEqual([String(pages)]);
    expect(t.get('citation_language')).toEqual(['en']);
    expect(t.get('citation_keywords')).toEqual(keywords);
  });

  it('Open Graph and Twitter card tags with the cover image, and the canonical link', () => {
    const html = page(withBase);
    const t = metaTags(html);
    expect(html).toContain(`<link rel="canonical" href="${base}${slug}/">`);
    expect(t.get('og:url')).toEqual([`${base}${slug}/`]);
    expect(t.get('og:type')).toEqual(['article']);
    expect(t.get('og:title')).toEqual(['John Kerry in Russia']);
    expect(t.get('og:image')).toEqual([`${base}${slug}/cover.png`]);
    expect(t.get('og:description')![0]).toMatch(/^Secretary of State John Kerry/);
    expect(t.get('twitter:card')).toEqual(['summary_large_image']);
    expect(t.get('twitter:image')).toEqual([`${base}${slug}/cover.png`]);
  });

  it('JSON-LD: a Report, part of its CreativeWorkSeries, authors with affiliation, its PDF and EPUB', () => {
    const ld = jsonLd(page(withBase));
    expect(ld['@context']).toBe('https://schema.org');
    expect(ld['@type']).toBe('Report');
    expect(ld.url).toBe(`${base}${slug}/`);
    expect(ld.name).toBe('John Kerry in Russia');
    expect(ld.datePublished).toBe('2015-05-12');
    expect(ld.identifier).toMatch(/^urn:uuid:/);
    expect(ld.isPartOf).toMatchObject({ '@type': 'CreativeWorkSeries', name: 'Critical Questions' });
    expect(ld.author).toEqual([expect.objectContaining({ '@type': 'Person', name: 'Jeffrey Mankoff', affiliation: { '@type': 'Organization', name: 'Center for Strategic and International Studies' } })]);
    expect(ld.publisher).toMatchObject({ '@type': 'Organization' });
    expect(ld.encoding).toEqual([
      { '@type': 'MediaObject', encodingFormat: 'application/pdf', contentUrl: `${base}${slug}/${slug}.pdf` },
      { '@type': 'MediaObject', encodingFormat: 'application/epub+zip', contentUrl: `${base}${slug}/${slug}.epub` },
    ]);
    // Every property is one schema.org defines for the type it is used on (Report < Article < CreativeWork < Thing).
    const thing = ['@context', '@type', '@id', 'name', 'url', 'description', 'identifier', 'image'];
    const creativeWork = [...thing, 'headline', 'alternativeHeadline', 'author', 'datePublished', 'inLanguage', 'keywords', 'publisher', 'isPartOf', 'position', 'encoding'];
    const allowed: Record<string, string[]> = {
      Report: [...creativeWork, 'reportNumber'],
      CreativeWorkSeries: [...creativeWork, 'issn'],
      Person: [...thing, 'jobTitle', 'affiliation'],
      Organization: [...thing],
      MediaObject: [...creativeWork, 'encodingFormat', 'contentUrl'],
    };
    const walk = (o: unknown): void => {
      if (Array.isArray(o)) return o.forEach(walk);
      if (!o || typeof o !== 'object') return;
      const rec = o as Record<string, unknown>;
      const type = String(rec['@type']);
      expect(Object.keys(allowed), `@type ${type}`).toContain(type);
      for (const k of Object.keys(rec)) expect(allowed[type], `${type}.${k}`).toContain(k);
      Object.values(rec).forEach(walk);
    };
    walk(ld);
  });

  it('the catalog writes sitemap.xml with the canonical URLs, and links the citation files', () => {
    const map = readFileSync(path.join(withBase, 'sitemap.xml'), 'utf8');
    expect(map).toContain('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
    expect(map).toContain(`<loc>${base}</loc>`);
    expect(map).toContain(`<loc>${base}${slug}/</loc>`);
    const opds = readFileSync(path.join(withBase, 'opds.xml'), 'utf8');
    expect(opds).toContain(`<link rel="alternate" href="${slug}/${slug}.bib" type="application/x-bibtex"/>`);
    expect(opds).toContain(`<link rel="alternate" href="${slug}/${slug}.ris" type="application/x-research-info-systems"/>`);
    const catalog = readFileSync(path.join(withBase, 'index.html'), 'utf8');
    expect(catalog).toContain(`href="${slug}/${slug}.bib"`);
    expect(catalog).toContain(`href="${slug}/${slug}.ris"`);
  });
});

describe('without baseUrl nothing invents a URL', () => {
  it('no canonical link, og:url, og:image or sitemap; the editions linked relatively', () => {
    const html = page(without);
    const t = metaTags(html);
    expect(html).not.toContain('rel="canonical"');
    expect(t.has('og:url')).toBe(false);
    expect(t.has('og:image')).toBe(false);
    expect(t.get('citation_pdf_url')).toEqual([`${slug}.pdf`]);
    expect(jsonLd(html).url).toBeUndefined();
    expect(jsonLd(html).encoding.map((e: { contentUrl: string }) => e.contentUrl)).toEqual([`${slug}.pdf`, `${slug}.epub`]);
    expect(() => readFileSync(path.join(without, 'sitemap.xml'))).toThrow();
    // The only absolute URLs in the head are the publisher's own (series.yaml publisherUrl) and schema.org's context.
    const head = html.slice(0, html.indexOf('</head>'));
    expect([...new Set(head.match(/https?:\/\/[^"\s,}]+/g))].sort()).toEqual(['https://schema.org', 'https://www.csis.org']);
    const csl = JSON.parse(readFileSync(path.join(without, slug, `${slug}.csl.json`), 'utf8')) as Record<string, unknown>[];
    expect(csl[0]!.URL).toBeUndefined();
  });
});

describe('the citation files', () => {
  const read = (f: string) => readFileSync(path.join(withBase, slug, f), 'utf8');
  const same = (item: Record<string, any>) => ({
    type: item.type,
    title: item.title,
    author: item.author.map((a: { family: string; given: string }) => ({ family: a.family, given: a.given })),
    year: item.issued['date-parts'][0][0],
    publisher: item.publisher,
    series: item['collection-title'],
    URL: item.URL,
  });

  it('CSL JSON, BibTeX and RIS exist and give the same fields when citation-js reads them back', () => {
    const csl = JSON.parse(read(`${slug}.csl.json`)) as Record<string, any>[];
    expect(csl).toHaveLength(1);
    const want = same(csl[0]!);
    expect(want).toEqual({
      type: 'report',
      title: 'John Kerry in Russia',
      author: [{ family: 'Mankoff', given: 'Jeffrey' }],
      year: 2015,
      publisher: 'Center for Strategic and International Studies',
      series: 'Critical Questions',
      URL: `${base}${slug}/`,
    });
    const bib = new Cite(read(`${slug}.bib`)).data;
    expect(bib).toHaveLength(1);
    expect(same(bib[0]!)).toEqual(want);
    expect(read(`${slug}.bib`)).toMatch(/^@techreport\{kerry_in_russia,/);
    const ris = new Cite(read(`${slug}.ris`)).data;
    expect(ris).toHaveLength(1);
    expect(same(ris[0]!)).toEqual(want);
    expect(ris[0]!.keyword).toBe(keywords.join(','));
    // One value per line: nothing cut mid-word.
    expect(read(`${slug}.ris`).split('\r\n').filter(Boolean).every((l) => /^[A-Z][A-Z0-9]  - /.test(l))).toBe(true);
  });

  it('the series has citations.bib and citations.ris with every brief', () => {
    expect(new Cite(readFileSync(path.join(withBase, 'citations.bib'), 'utf8')).data.map((d: Record<string, unknown>) => d.title)).toEqual(['John Kerry in Russia']);
    expect(new Cite(readFileSync(path.join(withBase, 'citations.ris'), 'utf8')).data.map((d: Record<string, unknown>) => d.title)).toEqual(['John Kerry in Russia']);
  });
});

describe('the BibTeX and RIS writers with hard characters (read back by citation-js)', () => {
  const title = 'Braces {like these}, 100% & $5 #1 _under_ ^caret~ \\slash: “Sanctions” — Ünïcode NATO';
  const authors = ['Jeffrey Mankoff', 'Ludwig van Beethoven', 'Σωκράτης Παπαδόπουλος', 'Анна Волкова', 'Marie-Thérèse O’Brien'];
  let out: string;
  const file = (f: string) => readFileSync(path.join(out, 'hard-case', f), 'utf8');

  beforeAll(async () => {
    const ms = path.join(tmp, 'hard');
    cpSync(sampleManuscript, ms, { recursive: true });
    const ids = authors.map((a, i) => `author-${i + 1}`);
    authors.forEach((name, i) => writeFileSync(path.join(ms, 'authors', `${ids[i]}.md`), `---\nname: ${name}\n---\nA bio.\n`));
    const brief = readFileSync(path.join(ms, 'briefs', slug, 'brief.md'), 'utf8')
      .replace(/^title: .*$/m, `title: ${JSON.stringify(title)}`)
      .replace(/^authors:\n(?:  .*\n)+/m, `authors: [${ids.join(', ')}]\n`)
      .replace(/^keywords:\n(?:\s+- .*\n)+/m, 'keywords: ["R&D", "50% off", "Ελλάδα"]\n');
    writeFileSync(path.join(ms, 'briefs', slug, 'brief.md'), brief);
    const { renameSync } = await import('node:fs');
    renameSync(path.join(ms, 'briefs', slug), path.join(ms, 'briefs', 'hard-case'));
    out = path.join(tmp, 'hard-out');
    const r = await build({ input: ms, outDir: out, formats: ['cite'], previews: false });
    expect(r.briefs.map((b) => b.diagnostics)).toEqual([[]]);
  }, 120_000);

  const names = authors.map((a) => {
    const words = a.split(' ');
    const i = words.length === 3 && words[1] === 'van' ? 1 : words.length - 1;
    return { family: words.slice(i).join(' '), given: words.slice(0, i).join(' ') };
  });

  it('BibTeX: specials escaped, capitals protected, every author; citation-js reads back the same values', () => {
    const bib = file('hard-case.bib');
    expect(bib).toContain('title = {Braces \\{like these\\}, 100\\% \\& \\$5 \\#1 \\_under\\_ \\textasciicircum{}caret\\textasciitilde{} \\textbackslash{}slash: {“Sanctions”} — {Ünïcode} {NATO}},');
    expect(bib).toContain('\tauthor = {Mankoff, Jeffrey and van Beethoven, Ludwig and Παπαδόπουλος, Σωκράτης and Волкова, Анна and O’Brien, Marie-Thérèse},\n');
    expect(bib).toContain('\tkeywords = {R\\&D, 50\\% off, Ελλάδα},\n');
    // Braces balance: nothing a parser would read past.
    let depth = 0;
    for (const [i, c] of [...bib].entries()) {
      if (bib[i - 1] === '\\') continue;
      if (c === '{') depth++;
      if (c === '}') depth--;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
    const [entry] = new Cite(bib).data;
    // BibTeX's von part: `van Beethoven, Ludwig` reads back as CSL's particle `van` and family `Beethoven`.
    expect((entry!.author as Record<string, string>[])[1]).toEqual({ 'non-dropping-particle': 'van', family: 'Beethoven', given: 'Ludwig' });
    (entry!.author as Record<string, string>[])[1] = names[1]!;
    expect(entry).toMatchObject({ type: 'report', title, author: names, publisher: 'Center for Strategic and International Studies', 'collection-title': 'Critical Questions' });
    expect(entry!.issued).toEqual({ 'date-parts': [[2015, 5, 12]] });
  });

  it('RIS: one line per value, one AU per author and KW per keyword, CR LF; citation-js reads back the same values', () => {
    const ris = file('hard-case.ris');
    const lines = ris.split('\r\n');
    expect(lines[0]).toBe('TY  - RPRT');
    expect(lines.at(-2)).toBe('ER  - ');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).every((l) => /^[A-Z][A-Z0-9]  - /.test(l))).toBe(true);
    expect(lines.filter((l) => l.startsWith('AU  - '))).toEqual(names.map((n) => `AU  - ${n.family}, ${n.given}`));
    expect(lines.filter((l) => l.startsWith('KW  - '))).toEqual(['KW  - R&D', 'KW  - 50% off', 'KW  - Ελλάδα']);
    expect(lines).toContain('DA  - 2015/05/12/');
    const [entry] = new Cite(ris).data;
    expect(entry).toMatchObject({ type: 'report', title, author: names, publisher: 'Center for Strategic and International Studies', 'collection-title': 'Critical Questions', 'collection-number': '1' });
    expect(entry!.keyword).toBe('R&D,50% off,Ελλάδα');
  });
});

describe('"Cite this brief" in every edition, Chicago author-date', () => {
  const reference = 'Mankoff, Jeffrey. 2015. “John Kerry in Russia.” Critical Questions 1. Center for Strategic and International Studies.';

  it('on the web page, with the citation files to download', () => {
    const html = page(withBase);
    expect(html).toContain('<h2 id="cite-title">Cite this brief</h2>');
    expect(html).toContain(`${reference} ${base}${slug}/.`);
    expect(html).toContain(`<a href="${slug}.bib" type="application/x-bibtex" download>BibTeX</a>`);
  });

  it('in the EPUB\'s colophon', async () => {
    const colophon = await (await openEpub(path.join(withBase, slug, `${slug}.epub`))).text('OEBPS/colophon.xhtml');
    expect(colophon).toContain('Cite this brief');
    expect(colophon).toContain(reference);
  });

  it('on the PDF\'s last page', () => {
    const pdf = path.join(withBase, slug, `${slug}.pdf`);
    const last = pdftext(pdf, Number(pdfinfo(pdf).Pages)).replace(/\s+/g, ' ');
    expect(last.toLowerCase()).toContain('cite this brief');
    expect(last).toContain('Mankoff, Jeffrey. 2015. “John Kerry in Russia.” Critical Questions 1.');
  });
});

describe('series.yaml baseUrl is validated', () => {
  it('a baseUrl that is not an http(s) URL: positioned error, exit 1, nothing written', () => {
    const ms = path.join(tmp, 'bad');
    cpSync(sampleManuscript, ms, { recursive: true });
    const yaml = path.join(ms, 'series.yaml');
    writeFileSync(yaml, `${readFileSync(yaml, 'utf8')}baseUrl: ftp://example.org/briefs\n`);
    const line = readFileSync(yaml, 'utf8').split('\n').findIndex((l) => l.startsWith('baseUrl:')) + 1;
    const out = path.join(tmp, 'bad-out');
    const r = runCli(['build', ms, '--out', out, '--no-previews']);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(new RegExp(`series\\.yaml:${line}:\\d+.*baseUrl.*http\\(s\\) URL`));
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
    expect(() => readFileSync(path.join(out, slug, 'index.html'))).toThrow();
  });
});

describe('a theme names its citation style', () => {
  const withStyle = (name: string, style: string) => {
    const ms = path.join(tmp, name);
    cpSync(sampleManuscript, ms, { recursive: true });
    const themeDir = path.join(ms, 'theme', 'csis');
    cpSync(path.join(sampleManuscript, '..', 'templates', 'csis', 'theme.yaml'), path.join(themeDir, 'theme.yaml'));
    const file = path.join(themeDir, 'theme.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}citationStyle: ${style}\n`);
    return { ms, file };
  };

  it('one briefpress ships (apa) formats the block', async () => {
    const { ms } = withStyle('apa', 'apa');
    const out = path.join(tmp, 'apa-out');
    const r = await build({ input: ms, outDir: out, formats: ['html'] });
    expect(r.briefs.map((b) => b.diagnostics)).toEqual([[]]);
    expect(readFileSync(path.join(out, slug, 'index.html'), 'utf8')).toContain('Mankoff, J. (2015).');
  });

  it('a style neither the theme nor briefpress ships: positioned theme-schema error, exit 1', () => {
    const { ms, file } = withStyle('nostyle', 'no-such-style');
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.startsWith('citationStyle:')) + 1;
    const r = runCli(['build', ms, '--out', path.join(tmp, 'nostyle-out'), '--format', 'html']);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(new RegExp(`theme\\.yaml:${line}:\\d+.*no-such-style.*theme-schema|theme\\.yaml:${line}:\\d+[^]*theme-schema`));
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  });
});
