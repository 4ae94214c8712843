/**
 * The words issue #15 adds to the editions, in one place (English; to move to the message catalogue).
 */
export const citeWords = {
  /** Heading of the citation block on the web page, in the EPUB's colophon and on the PDF's last page. */
  citeHeading: 'Cite this brief',
  /** Before the list of citation files. */
  citeFiles: 'Download the citation',
  /** The file kinds, as offered for download. */
  bibtex: 'BibTeX',
  ris: 'RIS',
  cslJson: 'CSL JSON',
  /** The margin label of a page break marker in the web edition: `p. 2`. */
  pageMark: 'p. {page}',
  /** Heading of the EPUB's page list. */
  pageList: 'Pages',
  /** The cover's description for social previews (og:image:alt, twitter:image:alt). */
  coverAlt: 'Cover of {title}',
} as const;

export function pageMarkLabel(label: string): string {
  return citeWords.pageMark.replace('{page}', label);
}
