/**
 * The text layer of the print PDF: soft hyphens (U+00AD) are how Chromium breaks words, but must not
 * reach extracted text. A narrow justified paragraph full of them is printed by the real Chromium,
 * then the post-process runs; poppler and PDFium must read the author's text, and the pages must
 * draw the same pixels as before (still hyphenated and justified).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument, PDFName, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPool, type BrowserPool } from '../src/browser/pool.js';
import { checkPdf } from '../src/check/pdf.js';
import { hyphenateText, hyphenatorFor } from '../src/targets/pdf/hyphenate.js';
import { printWith } from '../src/targets/pdf/print.js';
import { cleanTextLayer } from '../src/targets/pdf/textlayer.js';
import { decodeStream, parseContent } from '../src/targets/pdf/content.js';
import { pageContents } from '../src/targets/pdf/pagetext.js';
import { HAIR } from '../src/targets/pdf/runs.js';
import { PDFDocument as OurPdf, PDFRawStream } from '../src/pdf/index.js';
import { pdfiumOrigins, pdfiumText, popplerPages, run } from './helpers/pdf.js';

const words =
  'Secretary of State John Kerry traveled to Sochi for meetings with Russian President Vladimir Putin and Foreign Minister ' +
  'Sergey Lavrov about international cooperation, bilateral relations, the aftermath of chemical attacks on civilians and a ' +
  'diplomatic solution to the conflict. Their cooperation on this issue dates to the framework agreement negotiated in Geneva.';

let tmp: string;
let pool: BrowserPool;
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'briefpress-textlayer-'));
  pool = await launchPool(1);
});
afterAll(async () => {
  await pool?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const count = (s: string, ch: string) => s.split(ch).length - 1;
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

async function clean(bytes: Uint8Array, artifacts = true, runs = true) {
  const doc = OurPdf.read(bytes);
  const report = cleanTextLayer(doc, { artifacts, runs });
  return { report, bytes: doc.save() };
}

/** The operators of every content stream of a PDF, counted by name. */
function operatorCounts(bytes: Uint8Array): Map<string, number> {
  const counts = new Map<string, number>();
  const doc = OurPdf.read(bytes);
  for (const page of doc.getPages()) {
    for (const ref of pageContents(page)) {
      const stream = doc.context.lookup(ref);
      if (!(stream instanceof PDFRawStream)) continue;
      for (const op of parseContent(decodeStream(stream)) ?? []) counts.set(op.operator, (counts.get(op.operator) ?? 0) + 1);
    }
  }
  return counts;
}

/** The largest distance (points) between the same drawn characters of two PDFs, as PDFium places them; throws unless they draw the same characters. */
async function largestMove(a: Uint8Array, b: Uint8Array): Promise<number> {
  // PDFium counts a space glyph as a character or not by what follows it: spaces are left out.
  const inked = async (bytes: Uint8Array) => (await pdfiumOrigins(bytes)).map((page) => page.filter((c) => c.char.trim() !== ''));
  const [pa, pb] = [await inked(a), await inked(b)];
  expect(pb.map((p) => p.map((c) => c.char).join(''))).toEqual(pa.map((p) => p.map((c) => c.char).join('')));
  let max = 0;
  pa.forEach((page, i) => page.forEach((c, k) => (max = Math.max(max, Math.abs(c.x - pb[i]![k]!.x), Math.abs(c.y - pb[i]![k]!.y)))));
  return max;
}

describe('the text layer after the post-process', () => {
  it('holds whole words and no soft hyphen, for poppler and PDFium, and draws the same pixels', async () => {
    const hyphenated = hyphenateText(words, hyphenatorFor('en')!);
    const shy = count(hyphenated, '\u00ad');
    expect(shy).toBeGreaterThan(30);
    // The theme's text face: its hyphen glyph reads as U+002D, which extractors join across lines.
    const fontDir = path.dirname(createRequire(import.meta.url).resolve('@fontsource/source-serif-4/package.json'));
    const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title>
<style>@font-face { font-family: S; src: url(s.woff2) format("woff2") }
body { margin: 0 } p { width: 13em; font: 15px/1.4 S; text-align: justify }</style></head>
<body><p>${hyphenated}</p></body></html>`;
    const font = { href: 's.woff2', path: path.join(fontDir, 'files/source-serif-4-latin-400-normal.woff2'), mediaType: 'font/woff2' };
    const printed = await printWith(pool, { html, assets: [font] }, { slug: 'shy', allowedRoots: [fontDir] });
    expect(printed.fontsLoaded.join()).toBe('S normal normal');
    const before = path.join(tmp, 'before.pdf');
    writeFileSync(before, printed.pdf);
    // Chromium's own PDF: every soft hyphen in the text layer.
    expect(count(run('pdftotext', ['-enc', 'UTF-8', before, '-']), '\u00ad')).toBe(shy);

    const { report, bytes } = await clean(printed.pdf, true, false);
    const after = path.join(tmp, 'after.pdf');
    writeFileSync(after, bytes);
    // One span per soft hyphen: removed, or (the `ft` ligature of "af\u00adter\u00admath") rewritten.
    expect(report.removed + report.rewritten).toBe(shy);
    expect(report.rewritten).toBeGreaterThanOrEqual(1);
    expect(report.unreadable).toBe(0);

    const poppler = run('pdftotext', ['-enc', 'UTF-8', after, '-']);
    expect(count(poppler, '\u00ad')).toBe(0);
    expect(squash(poppler)).toBe(words);
    const pdfium = await pdfiumText(bytes);
    expect(count(pdfium, '\u00ad')).toBe(0);
    expect(squash(pdfium)).toBe(words);

    // Still hyphenated: lines end in a drawn hyphen inside words that have none.
    const layout = run('pdftotext', ['-layout', '-enc', 'UTF-8', after, '-']);
    const broken = layout.split('\n').filter((l) => /\p{L}-$/u.test(l.trimEnd()));
    expect(broken.length).toBeGreaterThanOrEqual(3);
    // check finds them in Chromium's PDF, and none after.
    const shyErrors = async (f: string) => (await checkPdf(f)).filter((d) => d.ruleId === 'pdf-soft-hyphen').map((d) => d.message);
    expect(await shyErrors(before)).toEqual([expect.stringMatching(new RegExp(`^page 1, object \\d+ 0 R: ${shy} soft hyphen\\(s\\)`))]);
    expect(await shyErrors(after)).toEqual([]);
    // ... and drawn exactly as Chromium drew them.
    const a = popplerPages(before, 100);
    const b = popplerPages(after, 100);
    expect(b.length).toBe(a.length);
    a.forEach((png, i) => expect(Buffer.compare(png, b[i]!), `page ${i + 1}`).toBe(0));

    // The same with each line's glyphs merged into TJ arrays (runs.ts): the same text, every
    // glyph within a hair of its place, a fraction of the operators.
    const merged = await clean(printed.pdf);
    expect(merged.report).toEqual({ ...report, runs: expect.any(Number) });
    expect(merged.report.runs).toBeGreaterThanOrEqual(8);
    const mergedFile = path.join(tmp, 'merged.pdf');
    writeFileSync(mergedFile, merged.bytes);
    expect(run('pdftotext', ['-enc', 'UTF-8', mergedFile, '-'])).toBe(poppler);
    expect(run('pdftotext', ['-layout', '-enc', 'UTF-8', mergedFile, '-'])).toBe(layout);
    expect(squash(await pdfiumText(merged.bytes))).toBe(words);
    // HAIR is in text space (a CSS pixel: 0.75 pt here); PDFium keeps origins as 32-bit floats.
    const moved = await largestMove(bytes, merged.bytes);
    expect(moved).toBeLessThanOrEqual(HAIR * 0.75 + 1e-4);
    const ops = { before: operatorCounts(bytes), after: operatorCounts(merged.bytes) };
    expect(ops.before.get('Tj')!).toBeGreaterThan(200);
    expect(ops.before.get('TJ') ?? 0).toBe(0);
    expect(ops.after.get('TJ')).toBe(merged.report.runs);
    expect(ops.after.get('Tj')! + ops.after.get('Td')!).toBeLessThan((ops.before.get('Tj')! + ops.before.get('Td')!) / 4);
    expect(merged.bytes.length).toBeLessThan(bytes.length);
  });

  it('rewrites a soft hyphen inside any other ActualText, and keeps a span whose glyphs draw something', async () => {
    // Hand-made content: a ligature-like span holding a soft hyphen, and a soft-hyphen span around a
    // visible glyph of a font with no ToUnicode map (nothing proves it blank, so it must stay drawn).
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const page = doc.addPage([200, 100]);
    page.node.setFontDictionary(PDFName.of('F1'), font.ref);
    const content = [
      'BT /F1 12 Tf 10 50 Td',
      '/Span <</ActualText <feff006600ad0074>>> BDC (ft) Tj EMC',
      '/Span <</ActualText (\\255)>> BDC (x) Tj EMC',
      '(er) Tj ET',
    ].join('\n');
    page.node.set(PDFName.of('Contents'), doc.context.register(doc.context.flateStream(content)));
    const src = await doc.save({ useObjectStreams: false });
    const { report, bytes } = await clean(src, false);
    expect(report).toEqual({ removed: 0, rewritten: 2, artifacts: 0, unreadable: 0, runs: 0 });
    const file = path.join(tmp, 'hand.pdf');
    writeFileSync(file, bytes);
    const text = run('pdftotext', ['-enc', 'UTF-8', file, '-']);
    expect(count(text, '\u00ad')).toBe(0);
    expect(text.replace(/\s/g, '')).toBe('fter');
    const original = path.join(tmp, 'hand-before.pdf');
    writeFileSync(original, src);
    expect(Buffer.compare(popplerPages(file)[0]!, popplerPages(original)[0]!)).toBe(0);
  });
});
