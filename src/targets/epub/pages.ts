/**
 * Issue #15 in the EPUB: the page list nav, page 1's marker, `pageNavigation` and the page break
 * source (the print PDF), added to what book.ts describes; and "Cite this brief" in the colophon. The
 * markers of the other pages are in the documents' trees already (src/targets/pagelist.ts). All as
 * trees: the nav and package document are written by src/targets/epub/opf.ts.
 */
import type { Element, ElementContent } from 'hast';
import type { Brief } from '../../model/brief.js';
import type { Theme } from '../../theme/theme.js';
import { citeBlock } from '../cite/block.js';
import { citation } from '../cite/record.js';
import { citeWords } from '../cite/words.js';
import { marker, pageListEntries, pageListNav, type MarkedBrief, type PlacedPage } from '../pagelist.js';
import { files, type EpubDocument } from './documents.js';
import type { BookView } from './metadata.js';

/** The first element under `root` with this class. */
function byClass(root: Element, cls: string): Element | undefined {
  for (const c of root.children) {
    if (c.type !== 'element') continue;
    const names = Array.isArray(c.properties.className) ? c.properties.className.map(String) : [];
    if (names.includes(cls)) return c;
    const inner = byClass(c, cls);
    if (inner) return inner;
  }
  return undefined;
}

/** "Cite this brief" in the colophon, in the theme's CSL style. */
export function addCiteBlock(documents: EpubDocument[], brief: Brief, theme: Theme, marked?: MarkedBrief): void {
  const colophon = documents.find((d) => d.part === 'colophon');
  const section = colophon && byClass(colophon.html, 'colophon');
  if (!section) return;
  const br = marked?.pages.find((p) => p.part === 'cite');
  const block = citeBlock({ html: citation(brief, theme).html, language: brief.language, pageBreak: br ? marker(br.label, 'epub') : undefined }, true);
  section.children.push(...(block.children as ElementContent[]), { type: 'text', value: '\n' });
}

export function fileOfPage(p: PlacedPage): string {
  switch (p.part) {
    case 'notes':
      return files.notes;
    case 'bio':
      return files.about;
    case 'disclaimer':
    case 'copyright':
    case 'cite':
      return files.colophon;
    default:
      return files.brief;
  }
}

export function addPageList(book: BookView, documents: EpubDocument[], marked: MarkedBrief, source = marked.source): void {
  const briefDoc = documents.find((d) => d.part === 'brief');
  const article = briefDoc && byClass(briefDoc.html, 'brief-article');
  if (article) article.children.unshift({ type: 'text', value: '\n' }, marker(marked.pages[0]!.label, 'epub'));
  const entries = pageListEntries(marked, fileOfPage);
  book.pageList = entries;
  book.pageListNav = pageListNav(entries, citeWords.pageList, book.labelLang ?? (book.lang.toLowerCase().startsWith('en') ? undefined : 'en'));
  book.pageBreakSource = source;
  for (const f of ['pageNavigation', 'pageBreakMarkers']) if (!book.a11y.features.includes(f)) book.a11y.features.push(f);
}
