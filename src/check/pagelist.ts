/**
 * The EPUB's page list against the PDF it was made from (issue #15): a page whose first words the
 * build could not find in the brief (a page starting inside a table cell, a figure, a word split by
 * the print's hyphenation) gets no marker, silently, in the EPUB and in the web page. `check` says
 * which pages: a reader citing "p. 3" from the EPUB lands on the page before.
 */
import { readFileSync } from 'node:fs';
import JSZip from 'jszip';
import { PDFDocument } from '../pdf/index.js';
import type { Diagnostic } from '../util/diagnostics.js';
import { displayPath } from '../util/paths.js';

/** The page numbers the EPUB marks (`epub:type="pagebreak"` in its content documents). */
export async function markedPages(epubBytes: Uint8Array): Promise<Set<string>> {
  const zip = await JSZip.loadAsync(epubBytes);
  const labels = new Set<string>();
  for (const [name, entry] of Object.entries(zip.files)) {
    if (entry.dir || !/\.x?html$/i.test(name)) continue;
    const text = await entry.async('string');
    for (const m of text.matchAll(/<[a-z]+\b[^>]*\bepub:type="[^"]*\bpagebreak\b[^"]*"[^>]*>/gi)) {
      const label = /\baria-label="([^"]*)"/.exec(m[0])?.[1] ?? /\btitle="([^"]*)"/.exec(m[0])?.[1];
      if (label !== undefined) labels.add(label);
    }
  }
  return labels;
}

/** A warning naming the PDF's pages the EPUB has no marker for; none when the EPUB has no page list (built without the PDF). */
export async function checkPageList(epub: string, pdf: string): Promise<Diagnostic[]> {
  let marked: Set<string>;
  let pages: number;
  try {
    marked = await markedPages(readFileSync(epub));
    pages = PDFDocument.read(readFileSync(pdf)).getPages().length;
  } catch {
    return []; // an unreadable EPUB or PDF is reported by epubcheck and the PDF checks
  }
  if (marked.size === 0) return [];
  const missing: number[] = [];
  for (let n = 1; n <= pages; n++) if (!marked.has(String(n))) missing.push(n);
  if (missing.length === 0) return [];
  const list = missing.length > 12 ? `${missing.slice(0, 12).join(', ')} and ${missing.length - 12} more` : missing.join(', ');
  return [
    {
      file: displayPath(epub),
      line: 0,
      column: 0,
      severity: 'warning',
      message: `The page list marks ${pages - missing.length} of the PDF's ${pages} pages: no marker for page${missing.length > 1 ? 's' : ''} ${list} (the first words of ${missing.length > 1 ? 'those pages were' : 'that page was'} not found in the brief), in the EPUB and the web page`,
      ruleId: 'page-list-incomplete',
      hint: 'Often a page that starts inside a table, a figure caption or a hyphenated word: rewording the paragraph near that page break, or building again after an edit that moves it, gives the page its marker.',
    },
  ];
}
