/**
 * Issue #15 in the EPUB: the page list nav, page 1's marker, `pageNavigation` and the page break
 * source (the print PDF), added to what book.ts describes. The markers of the other pages are in the
 * documents' trees already (src/targets/pagelist.ts).
 */
import type { Brief } from '../../model/brief.js';
import type { Theme } from '../../theme/theme.js';
import { citeBlock } from '../cite/block.js';
import { citation } from '../cite/record.js';
import { citeWords } from '../cite/words.js';
import { marker, pageListEntries, renderPageListNav, type MarkedBrief, type PlacedPage } from '../pagelist.js';
import { files, type EpubDocument } from './documents.js';
import type { BookView } from './metadata.js';
import { toXhtml } from './xhtml.js';

/** What the theme's templates get besides the BookView: `book.pageListNav` (nav document), `book.pageBreakSource` (OPF). */
export interface PageListView {
  pageListNav?: string;
  pageList?: { label: string; href: string }[];
  pageBreakSource?: string;
}

/** "Cite this brief" in the colophon, in the theme's CSL style. */
export function addCiteBlock(documents: EpubDocument[], brief: Brief, theme: Theme, marked?: MarkedBrief): void {
  const colophon = documents.find((d) => d.part === 'colophon');
  const br = marked?.pages.find((p) => p.part === 'cite');
  const pageBreak = br ? toXhtml(marker(br.label, 'epub')) : undefined;
  if (colophon) colophon.view.cite = citeBlock({ html: citation(brief, theme).html, language: brief.language, pageBreak }, true);
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

export function addPageList(book: BookView & PageListView, documents: EpubDocument[], marked: MarkedBrief, source = marked.source): void {
  const briefDoc = documents.find((d) => d.part === 'brief');
  if (briefDoc) briefDoc.view.pageOne = toXhtml(marker(marked.pages[0]!.label, 'epub'));
  const entries = pageListEntries(marked, fileOfPage);
  book.pageList = entries;
  book.pageListNav = renderPageListNav(entries, citeWords.pageList, book.labelLang ?? (book.lang.toLowerCase().startsWith('en') ? undefined : 'en'));
  book.pageBreakSource = source;
  for (const f of ['pageNavigation', 'pageBreakMarkers']) if (!book.a11y.features.includes(f)) book.a11y.features.push(f);
}
