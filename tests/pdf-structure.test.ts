/**
 * The print PDF's structure and text layer on the sample and the fixture briefs (a table, images,
 * notes, lists; a Russian brief): labels as Lbl, links described, figures with /Alt, header cells,
 * running footer as a pagination artifact, tab order by structure, no soft hyphen in any text layer.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFString, type PDFObject } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPool, type BrowserPool } from '../src/browser/pool.js';
import { checkPdf } from '../src/check/pdf.js';
import { messagesFor } from '../src/i18n/messages.js';
import { readFigures, readPages } from '../src/check/pdf-read.js';
import { PDFDocument as OurPdf } from '../src/pdf/index.js';
import type { Brief } from '../src/model/brief.js';
import { buildPdfs, fixtures, pdfiumText, pdftext, sample } from './helpers/pdf.js';

let tmp: string;
let pool: BrowserPool;
// Each PDF read twice: with pdf-lib (an independent reader of what src/pdf wrote) and with src/pdf (what check reads with).
const built: { brief: Brief; file: string; doc: PDFDocument; ours: OurPdf }[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'briefpress-structure-'));
  pool = await launchPool(2);
  for (const dir of [sample, path.join(fixtures, 'epub')]) {
    const { manuscript } = await buildPdfs(dir, path.join(tmp, path.basename(dir)), pool);
    for (const brief of manuscript.briefs) {
      const file = path.join(tmp, path.basename(dir), brief.slug, `${brief.slug}.pdf`);
      built.push({ brief, file, doc: await PDFDocument.load(readFileSync(file)), ours: OurPdf.read(readFileSync(file)) });
    }
  }
  expect(built.map((b) => b.brief.slug).sort()).toEqual(['kerry-in-russia', 'rich-features', 'russian-brief']);
});
afterAll(async () => {
  await pool?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const str = (o: PDFObject | undefined) => (o instanceof PDFString || o instanceof PDFHexString ? o.decodeText() : undefined);

/** Every structure element, depth first. */
function elements(doc: PDFDocument): PDFDict[] {
  const out: PDFDict[] = [];
  const walk = (k: PDFObject | undefined) => {
    const n = k && 'objectNumber' in k ? doc.context.lookup(k as never) : k;
    if (n instanceof PDFArray) return n.asArray().forEach(walk);
    if (!(n instanceof PDFDict) || n.get(PDFName.of('Type')) === PDFName.of('MCR') || n.get(PDFName.of('Type')) === PDFName.of('OBJR')) return;
    out.push(n);
    walk(n.get(PDFName.of('K')));
  };
  walk(doc.catalog.lookup(PDFName.of('StructTreeRoot'), PDFDict).get(PDFName.of('K')));
  return out;
}
const role = (el: PDFDict) => el.lookupMaybe(PDFName.of('S'), PDFName)?.decodeText();

describe('the structure of every brief’s PDF', () => {
  it('has no soft hyphen in its text layer, and every question whole, for poppler and PDFium', async () => {
    for (const { brief, file } of built) {
      const poppler = pdftext(file);
      const pdfium = await pdfiumText(readFileSync(file));
      for (const text of [poppler, pdfium]) {
        expect(text, brief.slug).not.toContain('\u00ad');
        const flat = text.replace(/\s+/g, ' ');
        for (const q of brief.questions) expect(flat, `${brief.slug}: ${q.text}`).toContain(q.text);
        expect(flat).toContain(brief.copyrightText.replace(/\s+/g, ' ').trim());
      }
    }
  });

  it('tags the Q/A labels as Lbl', () => {
    for (const { brief, doc, file, ours } of built) {
      const pages = readPages(ours);
      const labels = elements(doc).filter((el) => role(el) === 'Lbl');
      // In the brief's language (the Russian fixture's are В1/О1), from the message catalogue.
      const m = messagesFor(brief.language);
      const want = brief.questions.flatMap((q) => [m.text('question', { n: q.number }), m.text('answer', { n: q.number })]);
      // List markers are Lbl too (Chromium's); the Q/A ones are the labels of headings and paragraphs.
      const texts = labels.map((el) => {
        const k = el.lookup(PDFName.of('K'));
        const ids = k instanceof PDFArray ? k.asArray() : [k];
        const pg = doc.getPages().findIndex((p) => p.ref === el.get(PDFName.of('Pg')));
        return ids.map((id) => pages[pg]?.mcids.get(Number(String(id))) ?? '').join('').replace(/\s+/g, '');
      });
      for (const label of want) expect(texts, `${brief.slug} (${file})`).toContain(label);
    }
  });

  it('gives list items a label and a body (Lbl, LBody; a nested list stays beside them, as Chromium puts it)', () => {
    const rich = built.find((b) => b.brief.slug === 'rich-features')!;
    const items = elements(rich.doc).filter((el) => role(el) === 'LI');
    expect(items.length).toBeGreaterThan(0);
    for (const li of items) {
      const kids = li.lookup(PDFName.of('K'));
      const roles = (kids instanceof PDFArray ? kids.asArray() : [kids]).map((k) => role(rich.doc.context.lookup(k as never) as PDFDict));
      expect(roles).toContain('LBody');
      for (const r of roles) expect(['Lbl', 'LBody', 'L']).toContain(r);
    }
  });

  it('describes every link (/Contents) and orders tabs by structure on every page with links', () => {
    for (const { brief, doc } of built) {
      for (const page of doc.getPages()) {
        const annots = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray)?.asArray() ?? [];
        if (annots.length) expect(page.node.get(PDFName.of('Tabs')), brief.slug).toBe(PDFName.of('S'));
        for (const a of annots) {
          const annot = doc.context.lookup(a as never) as PDFDict;
          if (annot.get(PDFName.of('Subtype')) === PDFName.of('Link')) expect(str(annot.lookup(PDFName.of('Contents')))?.trim(), brief.slug).toBeTruthy();
        }
      }
    }
    const rich = built.find((b) => b.brief.slug === 'rich-features')!;
    const contents = rich.doc.getPages().flatMap((p) => (p.node.lookupMaybe(PDFName.of('Annots'), PDFArray)?.asArray() ?? []).map((a) => str((rich.doc.context.lookup(a as never) as PDFDict).lookup(PDFName.of('Contents')))));
    expect(contents).toContain('Note 1');
    expect(contents).toContain('Back to reference'); // the message catalogue's words (its number is the note's, unknown here)
  });

  it('gives figures /Alt and tables header cells that data cells name', () => {
    const rich = built.find((b) => b.brief.slug === 'rich-features')!;
    const { figures, withoutAlt } = readFigures(rich.ours);
    expect(figures.length).toBe(rich.brief.images.length);
    expect(withoutAlt).toEqual([]);
    const els = elements(rich.doc);
    const ths = els.filter((el) => role(el) === 'TH');
    expect(ths.length).toBeGreaterThan(0);
    const ids = new Set(ths.map((th) => str(th.lookup(PDFName.of('ID')))));
    const tds = els.filter((el) => role(el) === 'TD');
    expect(tds.length).toBeGreaterThan(0);
    for (const td of tds) {
      const attrs = td.lookup(PDFName.of('A'), PDFArray).asArray().map((a) => rich.doc.context.lookup(a as never) ?? a) as PDFDict[];
      const headers = attrs.map((a) => a.lookupMaybe(PDFName.of('Headers'), PDFArray)).find(Boolean);
      expect(headers && ids.has(str(headers.get(0)))).toBe(true);
    }
  });

  it('marks the running footer as a pagination artifact and leaves no content untagged', () => {
    for (const { brief, ours } of built) {
      const pages = readPages(ours);
      for (const p of pages) {
        expect(p.untagged, `${brief.slug} page ${p.page}`).toBe(0);
        if (p.page > 1) {
          // The footer's "Page x of y" is in the brief's language (src/i18n/messages: ru "Страница x из y").
          const pageOf = messagesFor(brief.language).text('pageOf', { page: p.page, pages: pages.length });
          expect(p.text.replace(/\s+/g, ' ')).toContain(pageOf);
          for (const t of p.mcids.values()) expect(t.replace(/\s+/g, ' ')).not.toContain(pageOf);
        }
      }
    }
  });

  it('passes check, but for the system font of code (the theme names no monospace font)', async () => {
    for (const { brief, file } of built) {
      const ds = await checkPdf(file, { fontFamilies: ['Source Serif 4', 'Source Sans 3'] });
      const errors = ds.filter((d) => d.severity === 'error');
      // (The footnote back-link arrow is the theme font's ↑ now, no longer DejaVu's ↩.)
      if (brief.slug !== 'rich-features') expect(errors, brief.slug).toEqual([]);
      else {
        expect(errors.length, brief.slug).toBeGreaterThan(0);
        expect(errors.map((d) => d.ruleId).every((r) => r === 'pdf-font-theme'), JSON.stringify(errors)).toBe(true);
      }
    }
  });
});
