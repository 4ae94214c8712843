/**
 * The print PDF of the sample, checked with the real tools (poppler, qpdf, pdf-lib): built twice
 * in one browser, into two folders, to check byte-identical output too.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPool, type BrowserPool } from '../src/browser/pool.js';
import type { Brief } from '../src/model/brief.js';
import { buildPdfs, catalogLang, fixtures, outline, pdffonts, parseXmp, pdfinfo, pdfiumText, pdftext, qpdfCheck, run, sample, searchable } from './helpers/pdf.js';
import { toString } from 'hast-util-to-string';
import { observePrints } from '../src/targets/pdf.js';
import { blockMeans, decodePng } from './helpers/png.js';

/** Page n of a PDF drawn by poppler at 340 x 440, as PNG bytes. */
function poppler(pdf: string, n: number): Buffer {
  const root = path.join(tmp, `poppler-${n}`);
  execFileSync('pdftoppm', ['-png', '-singlefile', '-f', String(n), '-l', String(n), '-scale-to-x', '340', '-scale-to-y', '440', pdf, root]);
  return readFileSync(`${root}.png`);
}


let tmp: string;
let pool: BrowserPool;
let brief: Brief;
let pdfPath: string;
let secondPath: string;
let bytes: Uint8Array;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'briefpress-pdf-'));
  pool = await launchPool(2);
  const first = await buildPdfs(sample, path.join(tmp, 'a'), pool);
  await buildPdfs(sample, path.join(tmp, 'b'), pool);
  brief = first.manuscript.briefs.find((b) => b.slug === 'kerry-in-russia')!;
  pdfPath = path.join(tmp, 'a', brief.slug, `${brief.slug}.pdf`);
  secondPath = path.join(tmp, 'b', brief.slug, `${brief.slug}.pdf`);
  bytes = readFileSync(pdfPath);
});

afterAll(async () => {
  await pool?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('print PDF of the sample', () => {
  it('is a tagged US Letter PDF with the manuscript metadata', () => {
    const info = pdfinfo(pdfPath);
    expect(info.Tagged).toBe('yes');
    expect(info['Page size']).toMatch(/^612 x 792 pts \(letter\)/);
    expect(info.Title).toBe(brief.title);
    expect(info.Author).toBe('Jeffrey Mankoff');
    expect(info.Subject).toBe(brief.summary);
    for (const k of brief.keywords) expect(info.Keywords).toContain(k);
    expect(info.Creator).toMatch(/^briefpress \d+\.\d+\.\d+/);
    expect(info.Producer).toMatch(/^briefpress \d+\.\d+\.\d+/);
    expect(info.CreationDate).toMatch(/2015/);
    expect(info.JavaScript).toBe('no');
    expect(Number(info.Pages)).toBeGreaterThanOrEqual(2);
  });

  it('carries an XMP packet that says what the Info dictionary says, and more (PDF/UA-1, each author and keyword, the series)', () => {
    const info = pdfinfo(pdfPath);
    expect(info['Metadata Stream']).toBe('yes');
    // Keywords are ;-separated, so multi-word ones stay whole.
    expect(info.Keywords).toBe(brief.keywords.join('; '));
    const d = parseXmp(run('pdfinfo', ['-meta', pdfPath]));
    expect(d['pdfuaid:part']).toBe('1');
    expect(d['dc:title']['rdf:Alt']['rdf:li'][0]['#text']).toBe(info.Title);
    expect(d['dc:creator']['rdf:Seq']['rdf:li']).toEqual(brief.authors.map((a) => a.name));
    expect(d['dc:description']['rdf:Alt']['rdf:li'][0]['#text']).toBe(info.Subject);
    expect(d['dc:subject']['rdf:Bag']['rdf:li']).toEqual(brief.keywords);
    expect(d['dc:subject']['rdf:Bag']['rdf:li']).toContain('United States');
    expect(d['dc:language']['rdf:Bag']['rdf:li']).toEqual(['en']);
    expect(d['dc:identifier']).toBe(brief.identifier);
    expect(d['xmp:CreateDate']).toBe('2015-05-12T00:00:00Z');
    expect(d['xmp:ModifyDate']).toBe('2015-05-12T00:00:00Z');
    expect(d['pdf:Producer']).toBe(info.Producer);
    expect(d['pdf:Keywords']).toBe(info.Keywords);
    expect(d['xmp:CreatorTool']).toBe(info.Creator);
    expect(d['calibre:series']['rdf:value']).toBe('Critical Questions');
    expect(d['prism:publicationName']).toBe('Critical Questions');
    expect(d['prism:number']).toBe(brief.number === undefined ? undefined : String(brief.number));
  });

  it('keeps soft hyphens out of every metadata field', () => {
    const info = pdfinfo(pdfPath);
    for (const [key, value] of Object.entries(info)) expect(value, key).not.toContain('\u00ad');
    const raw = Buffer.from(bytes).toString('latin1');
    // Info strings are written as UTF-16BE hex or literal strings (src/pdf); neither may carry U+00AD.
    expect(raw).not.toMatch(/<FEFF(?:[0-9A-F]{4})*00AD/i);
  });

  it('keeps /Lang from the page and survives qpdf --check', async () => {
    expect(await catalogLang(bytes)).toBe('en');
    const check = qpdfCheck(pdfPath);
    expect(check.output).toContain('No syntax or stream encoding errors found');
    expect(check.code).toBe(0);
  });

  it('embeds every font as a subset, from the theme (Source Serif 4, Source Sans 3)', () => {
    const fonts = pdffonts(pdfPath);
    expect(fonts.length).toBeGreaterThan(0);
    for (const f of fonts) {
      expect(f.emb, f.name).toBe(true);
      expect(f.sub, f.name).toBe(true);
      expect(f.name).toMatch(/^[A-Z]{6}\+Source(Serif4|Sans3)/);
    }
    expect(fonts.some((f) => f.name.includes('SourceSerif4'))).toBe(true);
    expect(fonts.some((f) => f.name.includes('SourceSans3'))).toBe(true);
  });

  it('holds every question, the bio, the disclaimer and the copyright line', () => {
    const text = searchable(pdftext(pdfPath));
    expect(text).toContain('CRITICAL QUESTIONS');
    expect(text).toContain(brief.title);
    for (const q of brief.questions) {
      expect(text).toContain(`Q${q.number}`);
      expect(text).toContain(q.text);
    }
    expect(text).toContain(`A${brief.questions.length}`);
    expect(text).toContain(searchable(brief.authors[0]!.bioText));
    expect(text).toContain(searchable(toString(brief.disclaimer)).trim());
    expect(text).toContain(brief.copyrightText.trim());
  });

  it('hyphenates the body text (drawn hyphens at line ends) but keeps soft hyphens out of the text layer', async () => {
    const raw = pdftext(pdfPath);
    expect(raw).not.toContain('\u00ad');
    expect(raw).toContain('Secretary Kerry is in Sochi');
    // Lines end in a hyphen drawn inside a word (Chromium broke it at a soft hyphen) ...
    const layout = run('pdftotext', ['-layout', '-enc', 'UTF-8', pdfPath, '-']);
    expect(layout.split('\n').filter((l) => /\p{Ll}-$/u.test(l.trimEnd())).length).toBeGreaterThanOrEqual(5);
    // ... whose words poppler and PDFium read whole (poppler joins a line ending in '-' to the next).
    expect(searchable(raw)).toContain('the very tense U.S.-Russian relationship, the two countries');
    // ... every one of them, an answer's first line too (its A1 label is set at the body's size: a
    // smaller one made poppler put that line in a block of its own, "Minis-" / "ter").
    expect(raw.split('\n').filter((l) => /\p{Ll}-$/u.test(l.trimEnd()))).toEqual([]);
    expect(searchable(raw)).toContain('Foreign Minister Sergey Lavrov');
    const pdfium = await pdfiumText(bytes);
    expect(pdfium).not.toContain('\u00ad');
    const flat = pdfium.replace(/\s+/g, ' ');
    expect(flat).toContain('Foreign Minister Sergey Lavrov');
    expect(flat).toContain('the very tense U.S.-Russian relationship, the two countries');
    for (const text of [searchable(raw), flat]) {
      expect(text).toContain('deputy director and fellow');
      expect(text).toContain('All rights reserved');
      for (const q of brief.questions) expect(text).toContain(q.text);
      expect(text).toContain(brief.title);
    }
  });

  it('has a "Page x of N" running footer from page 2 on, not on page 1', () => {
    const pages = Number(pdfinfo(pdfPath).Pages);
    expect(pdftext(pdfPath, 1)).not.toMatch(/Page \d+ of \d+/);
    expect(pdftext(pdfPath, 1)).not.toContain(`Critical Questions | ${brief.title}`);
    for (let n = 2; n <= pages; n++) {
      const t = pdftext(pdfPath, n);
      expect(t).toContain(`Page ${n} of ${pages}`);
      expect(t).toContain(`Critical Questions | ${brief.title}`);
    }
  });

  it('has bookmarks for the title, each question and each part', async () => {
    const marks = await outline(bytes);
    const titles = marks.map((m) => m.title);
    expect(titles[0]).toBe(brief.title);
    const expected = [brief.title, ...brief.questions.map((q) => `Q${q.number} ${q.text}`), ...(brief.notes.children.length ? ['Notes'] : []), 'About the author', 'Cite this brief'];
    expect(titles).toEqual(expected);
    for (const t of titles) expect(t).not.toContain('\u00ad');
  });

  it('writes small page previews, one per page', () => {
    const pages = Number(pdfinfo(pdfPath).Pages);
    for (let n = 1; n <= pages; n++) {
      const png = readFileSync(path.join(tmp, 'a', brief.slug, 'pages', `page-${n}.png`));
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(340); // width
      expect(png.readUInt32BE(20)).toBe(440); // height: Letter proportions
      expect(png.length).toBeLessThan(200_000);
      // Page n itself, drawn in full: poppler's drawing of it, compared block by block (20 x 20
      // pixels, mean brightness), differs by anti-aliasing only; a missing line or another page
      // shows at once.
      const ours = blockMeans(decodePng(png));
      const theirs = blockMeans(decodePng(poppler(pdfPath, n)));
      expect(Math.max(...ours.map((v, i) => Math.abs(v - theirs[i]!))), `page ${n}`).toBeLessThan(24);
      expect(ours.filter((v) => v < 240).length, `page ${n} has text`).toBeGreaterThan(ours.length / 4);
    }
    expect(() => statSync(path.join(tmp, 'a', brief.slug, 'pages', `page-${pages + 1}.png`))).toThrow();
  });

  it('is byte-identical across two builds', () => {
    expect(Buffer.compare(readFileSync(secondPath), Buffer.from(bytes))).toBe(0);
  });
});

describe('a printer kept for many briefs', () => {
  it('prints each brief to the same bytes as a browser that printed nothing before (swapped or loaded, tables too)', async () => {
    // The sample, then two fixture briefs (a table with header cells, images, footnotes; a Russian
    // brief with other fonts) on one printer, in both orders, against each built alone.
    const dirs = [sample, path.join(fixtures, 'epub')];
    const alone = new Map<string, Buffer>();
    for (const dir of dirs) {
      const { files } = await buildPdfs(dir, path.join(tmp, 'alone'), undefined);
      for (const f of files.filter((f) => f.path.endsWith('.pdf'))) alone.set(path.basename(f.path), readFileSync(f.path));
    }
    expect(alone.size).toBe(3);
    const one = await launchPool(1);
    const hows: string[] = [];
    const stop = observePrints((r) => hows.push(`${r.slug} ${r.how}`));
    try {
      for (const order of [dirs, [...dirs].reverse()]) {
        const out = path.join(tmp, `kept-${order === dirs ? 'a' : 'b'}`);
        for (const dir of order) await buildPdfs(dir, out, one);
        for (const [name, want] of alone) {
          const slug = name.replace(/\.pdf$/, '');
          expect(Buffer.compare(readFileSync(path.join(out, slug, name)), want), `${name} after other briefs`).toBe(0);
        }
      }
      // Both ways were taken: the sample's style sheets and fonts are the fixture's English brief's.
      expect(hows).toContain('rich-features swapped');
      expect(hows).toContain('russian-brief loaded');
    } finally {
      stop();
      await one.close();
    }
  });
});

describe('page previews (PDFium in a worker thread of Node)', () => {
  it('are the same bytes with PDFium left in V8\'s baseline compiler (a short build) as with TurboFan', async () => {
    const { renderPreviews } = await import('../src/targets/pdf/previews.js');
    // One after the other: the compiler flag is the process's, set as each worker compiles PDFium.
    const a = await renderPreviews(bytes, { baselineOnly: true });
    const b = await renderPreviews(bytes, { baselineOnly: false });
    expect(a.length).toBe(2);
    expect(a.map((png) => Buffer.from(png).toString('base64'))).toEqual(b.map((png) => Buffer.from(png).toString('base64')));
    // Chromium does none of it: no page of the pool draws previews, and no flag reaches it.
    expect(readFileSync(`/proc/${pool.pid}/cmdline`, 'latin1')).not.toContain('liftoff');
  });

  it('fail with a message naming the brief for a PDF PDFium cannot read, and the worker draws the next', async () => {
    const { renderPreviews } = await import('../src/targets/pdf/previews.js');
    const { BrowserFault } = await import('../src/util/faults.js');
    const junk = Buffer.from('%PDF-1.7\nthis is not a PDF\n%%EOF\n');
    const e = await renderPreviews(junk, { slug: 'junk-brief' }).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(BrowserFault);
    expect((e as Error).message).toMatch(/^PDFium failed while drawing the page previews of junk-brief: /);
    expect((await renderPreviews(bytes)).length).toBe(2);
  });

  it('past their budget end the worker with a message; the next drawing gets a fresh one', async () => {
    const { renderPreviews } = await import('../src/targets/pdf/previews.js');
    const e = await renderPreviews(bytes, { slug: 'slow-brief', timeoutMs: 1 }).then(() => undefined, (x: unknown) => x);
    expect((e as Error).message).toBe('PDFium took more than 0 s drawing the page previews of slow-brief');
    const again = await renderPreviews(bytes, { slug: 'next-brief' });
    expect(again.length).toBe(2);
    expect(decodePng(again[0]!).width).toBe(340);
  });
});
