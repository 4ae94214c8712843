/**
 * The "Cite this brief" block (issue #15): the reference in the theme's CSL style, and on the web page
 * the citation files to download. Shown on the web page, in the EPUB's colophon and on the PDF's last page.
 */
import { citeWords } from './words.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface CiteBlockInput {
  /** The reference as citation-js formats it (HTML, `csl-bib-body`). */
  html: string;
  /** The citation files beside the page (web only). */
  files?: { bib: string; ris: string; cslJson: string };
  /** Id prefix (one document may hold it once). */
  id?: string;
  /** The brief's language: the block's own words are English (citeWords), marked so when the brief is not. */
  language?: string;
  /** A page break marker before the block, when a print page starts with it (issue #15). */
  pageBreak?: string;
}

/** HTML for the web page and the print; `xhtml` closes nothing differently but keeps to what XHTML allows (no `download` without a value). */
export function citeBlock(input: CiteBlockInput, xhtml = false): string {
  const id = input.id ?? 'cite-title';
  const dl = xhtml ? '' : ' download';
  const en = input.language && !input.language.toLowerCase().startsWith('en') ? (xhtml ? ' xml:lang="en" lang="en"' : ' lang="en"') : '';
  const files = input.files
    ? `\n  <p class="cite-files"${en}>${esc(citeWords.citeFiles)}: <a href="${esc(input.files.bib)}" type="application/x-bibtex"${dl}>${esc(citeWords.bibtex)}</a> · <a href="${esc(input.files.ris)}" type="application/x-research-info-systems"${dl}>${esc(citeWords.ris)}</a> · <a href="${esc(input.files.cslJson)}" type="application/vnd.citationstyles.csl+json"${dl}>${esc(citeWords.cslJson)}</a></p>`
    : '';
  return `${input.pageBreak ?? ''}<section class="cite-brief" aria-labelledby="${id}">\n  <h2 id="${id}"${en}>${esc(citeWords.citeHeading)}</h2>\n  ${normalize(input.html, xhtml)}${files}\n</section>`;
}

/** citation-js' bibliography markup, as one line; `data-csl-entry-id` kept (harmless), `<br>` closed for XHTML. */
function normalize(html: string, xhtml: boolean): string {
  const one = html.replace(/\n\s*/g, '');
  return xhtml ? one.replace(/<br>/g, '<br/>').replace(/&nbsp;/g, '&#160;') : one;
}

/** The block's text as printed (heading and reference), for finding a page that starts in it (src/targets/pagelist.ts). */
export function citeBlockText(referenceText: string): string {
  return `${citeWords.citeHeading} ${referenceText}`;
}
