/**
 * Issue #15, page correspondence: for every page of the print PDF (poppler's `pdftotext -f N -l N`),
 * the EPUB and the web page have a page break marker whose following words are the page's first
 * words; markers sit between words, never in a link or heading; the EPUB's page list and metadata
 * name them, and the real validators (epubcheck, Ace) accept the book.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Element, Root, RootContent } from 'hast';
import { fromParse5 } from 'hast-util-from-parse5';
import { parse } from 'parse5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/api.js';
import { letters } from '../src/targets/pagelist.js';
import { repoRoot } from './helpers/cli.js';
import { epubFixtures, openEpub, sampleManuscript } from './helpers/epub.js';
import { pdfinfo, pdftext } from './helpers/pdf.js';
import { runAce, runEpubcheck, type AceResult, type EpubcheckResult } from './helpers/validators.js';

const pagesFixtures = path.join(repoRoot, 'tests/fixtures/pages');
const briefs = [
  { input: sampleManuscript, slug: 'kerry-in-russia' },
  { input: pagesFixtures, slug: 'long-winter' },
  { input: epubFixtures, slug: 'rich-features' },
  { input: epubFixtures, slug: 'russian-brief' },
];

let tmp: string;
const outs = new Map<string, string>();
const dirOf = (b: (typeof briefs)[number]) => path.join(outs.get(b.input)!, b.slug);

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'briefpress-pagelist-'));
  for (const input of new Set(briefs.map((b) => b.input))) {
    const out = path.join(tmp, String(outs.size));
    const r = await build({ input, outDir: out, previews: false });
    expect(r.briefs.filter((b) => !b.ok).map((b) => b.diagnostics)).toEqual([]);
    outs.set(input, out);
  }
}, 300_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface Found {
  label: string;
  /** Letters of the text that follows the marker (the next 300 or so). */
  after: string;
  /** Tag names of its ancestors. */
  ancestors: string[];
  /** Text of its nearest block before it. */
  blockBefore: string;
  attrs: Element['properties'];
}

const inline = new Set(['a', 'abbr', 'b', 'cite', 'code', 'em', 'i', 'q', 's', 'small', 'span', 'strong', 'sub', 'sup', 'time', 'u']);

/** Every page break marker of the documents, in order, with what follows it. */
function markers(docs: string[]): Found[] {
  const found: Found[] = [];
  const open: { f: Found; text: string }[] = [];
  for (const html of docs) {
    const tree = fromParse5(parse(html)) as Root;
    const blockText = new Map<Element | Root, string>();
    const walk = (node: Root | Element, stack: (Root | Element)[]) => {
      for (const child of node.children as RootContent[]) {
        if (child.type === 'text') {
          for (const o of open) if (o.text.length < 400) o.text += child.value;
          const block = [...stack, node].reverse().find((n) => n.type === 'root' || !inline.has((n as Element).tagName))!;
          blockText.set(block, (blockText.get(block) ?? '') + child.value);
        } else if (child.type === 'element') {
          if (child.properties.role === 'doc-pagebreak') {
            const chain = [...stack, node];
            const block = [...chain].reverse().find((n) => n.type === 'root' || !inline.has((n as Element).tagName))!;
            const f: Found = {
              label: String(child.properties.ariaLabel),
              after: '',
              ancestors: chain.filter((n): n is Element => n.type === 'element').map((n) => n.tagName),
              blockBefore: blockText.get(block) ?? '',
              attrs: child.properties,
            };
            found.push(f);
            open.push({ f, text: '' });
          }
          if (child.tagName !== 'head') walk(child, [...stack, node]);
        }
      }
    };
    walk(tree, []);
  }
  for (const o of open) o.f.after = letters(o.text);
  return found;
}

function pdfPages(pdf: string): { count: number; words: string[][] } {
  const count = Number(pdfinfo(pdf).Pages);
  return { count, words: Array.from({ length: count }, (_, i) => pdftext(pdf, i + 1).split(/\s+/).filter(Boolean)) };
}

async function epubDocs(file: string): Promise<{ docs: string[]; nav: string; opf: string }> {
  const book = await openEpub(file);
  const opf = await book.text('OEBPS/content.opf');
  const hrefs = new Map([...opf.matchAll(/<item id="([^"]+)" href="([^"]+)"/g)].map((m) => [m[1]!, m[2]!]));
  const spine = [...opf.matchAll(/<itemref idref="([^"]+)"/g)].map((m) => hrefs.get(m[1]!)!).filter((h) => h !== 'toc.xhtml');
  return { docs: await Promise.all(spine.map((h) => book.text(`OEBPS/${h}`))), nav: await book.text('OEBPS/toc.xhtml'), opf };
}

function expectAtPageStarts(found: Found[], pages: { count: number; words: string[][] }, where: string): void {
  expect(found.map((f) => f.label), `${where}: one marker per PDF page`).toEqual(Array.from({ length: pages.count }, (_, i) => String(i + 1)));
  for (const f of found) {
    const n = Number(f.label);
    const first = pages.words[n - 1]!;
    expect(f.attrs.id, where).toBe(`page-${n}`);
    // Never inside a link or heading, never inside a word.
    expect(f.ancestors.filter((t) => t === 'a' || /^h[1-6]$/.test(t)), `${where} p. ${n}`).toEqual([]);
    expect(f.blockBefore === '' || /\s$/.test(f.blockBefore), `${where} p. ${n}: between words (before it: "${f.blockBefore.slice(-30)}")`).toBe(true);
    if (n === 1) {
      // Page 1's marker opens the title block: its words are on the first page, after the series band.
      expect(letters(first.slice(0, 60).join(' ')), `${where} p. 1`).toContain(f.after.slice(0, 20));
    } else {
      // A list item's number is drawn by the list (CSS), not text of the brief: not compared.
      const start = /^\d+[.)]$/.test(first[0] ?? '') ? 1 : 0;
      const words = letters(first.slice(start, start + 4).join(' '));
      expect(f.after.slice(0, words.length), `${where} p. ${n}: pdftotext starts "${first.slice(0, 6).join(' ')}"`).toBe(words);
    }
  }
}

describe('page break markers where the print PDF\'s pages start', () => {
  for (const b of briefs) {
    it(`${b.slug}: web page`, () => {
      const pages = pdfPages(path.join(dirOf(b), `${b.slug}.pdf`));
      expect(pages.count).toBeGreaterThanOrEqual(b.slug === 'russian-brief' ? 1 : 2);
      const found = markers([readFileSync(path.join(dirOf(b), 'index.html'), 'utf8')]);
      expectAtPageStarts(found, pages, `${b.slug} web`);
      // Quiet in the margin: "p. N", the marker's own label.
      for (const f of found) expect(f.attrs.dataLabel).toBe(`p. ${f.label}`);
    });

    it(`${b.slug}: EPUB markers, page list and metadata`, async () => {
      const pages = pdfPages(path.join(dirOf(b), `${b.slug}.pdf`));
      const { docs, nav, opf } = await epubDocs(path.join(dirOf(b), `${b.slug}.epub`));
      const found = markers(docs);
      expectAtPageStarts(found, pages, `${b.slug} EPUB`);
      for (const d of docs) for (const m of d.matchAll(/<span [^>]*role="doc-pagebreak"[^>]*>/g)) expect(m[0]).toContain('epub:type="pagebreak"');
      const list = /<nav epub:type="page-list"[^]*?<\/nav>/.exec(nav)?.[0] ?? '';
      const entries = [...list.matchAll(/<a href="([^"#]+)#([^"]+)">([^<]+)<\/a>/g)];
      expect(entries.map((e) => e[3])).toEqual(found.map((f) => f.label));
      for (const e of entries) expect(docs.some((d) => d.includes(`id="${e[2]}"`)), `${e[1]}#${e[2]}`).toBe(true);
      expect(opf).toContain('<meta property="schema:accessibilityFeature">pageNavigation</meta>');
      expect(opf).toContain(`<dc:source id="pagination-source">${b.slug}.pdf</dc:source>`);
      expect(opf).toContain('<meta refines="#pagination-source" property="source-of">pagination</meta>');
    });
  }

  it('the sample: 2 pages, the marker of page 2 where the PDF\'s page 2 starts, in both editions', async () => {
    const b = briefs[0]!;
    const pdf = path.join(dirOf(b), `${b.slug}.pdf`);
    expect(pdfPages(pdf).count).toBe(2);
    const page2 = pdftext(pdf, 2).split(/\s+/).filter(Boolean).slice(0, 6).join(' ');
    const web = markers([readFileSync(path.join(dirOf(b), 'index.html'), 'utf8')]).find((f) => f.label === '2')!;
    const epub = markers((await epubDocs(path.join(dirOf(b), `${b.slug}.epub`))).docs).find((f) => f.label === '2')!;
    expect(web.after.startsWith(letters(page2))).toBe(true);
    expect(epub.after.startsWith(letters(page2))).toBe(true);
    // The margin label is drawn by the theme's CSS from data-label.
    expect(readFileSync(path.join(dirOf(b), 'style.css'), 'utf8')).toMatch(/\.pagebreak::before\s*\{[^}]*content:\s*attr\(data-label\)/);
  });
});

describe('the EPUB with its page list passes the validators', () => {
  const checked = new Map<string, { check: EpubcheckResult; ace: AceResult }>();
  beforeAll(async () => {
    for (const b of briefs.slice(0, 2)) {
      const file = path.join(dirOf(b), `${b.slug}.epub`);
      const [check, ace] = await Promise.all([runEpubcheck(file), runAce(file)]);
      checked.set(b.slug, { check, ace });
    }
  }, 300_000);

  for (const b of briefs.slice(0, 2)) {
    it(`${b.slug}: epubcheck 0 errors 0 warnings, Ace 0 violations and lists pageNavigation`, () => {
      const { check, ace } = checked.get(b.slug)!;
      expect({ fatals: check.fatals, errors: check.errors, warnings: check.warnings }, check.output).toEqual({ fatals: 0, errors: 0, warnings: 0 });
      expect(ace.violations).toEqual([]);
      expect(ace.subject?.features).toContain('pageNavigation');
      expect(ace.subject?.hasPageBreaks).toBe(true);
    });
  }
});
