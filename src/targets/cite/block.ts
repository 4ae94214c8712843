/**
 * The "Cite this brief" block (issue #15): the reference in the theme's CSL style, and on the web page
 * the citation files to download. Shown on the web page, in the EPUB's colophon and on the PDF's last page.
 */
import type { Element, ElementContent, Properties, Root } from 'hast';
import { h } from 'hastscript';
import { parseFragment } from '../serialize.js';
import { citeWords } from './words.js';

export interface CiteBlockInput {
  /** The reference as citeproc-js formats it (HTML, `csl-bib-body`). */
  html: string;
  /** The citation files beside the page (web only). */
  files?: { bib: string; ris: string; cslJson: string };
  /** Id prefix (one document may hold it once). */
  id?: string;
  /** The brief's language: the block's own words are English (citeWords), marked so when the brief is not. */
  language?: string;
  /** A page break marker before the block, when a print page starts with it (issue #15). */
  pageBreak?: Element;
}

/**
 * The block as a tree (written by the one serializer, src/targets/serialize.ts). citeproc-js' bibliography
 * markup is parsed (rehype-parse) and put in as elements; `download` only on the web (`xhtml` false).
 */
export function citeBlock(input: CiteBlockInput, xhtml = false): Root {
  const id = input.id ?? 'cite-title';
  const en: Properties = input.language && !input.language.toLowerCase().startsWith('en') ? { lang: 'en', ...(xhtml ? { 'xml:lang': 'en' } : {}) } : {};
  const dl: Properties = xhtml ? {} : { download: true };
  // The reference is in the citation style's locale (English for the styles shipped): marked so in a brief in another language.
  const reference = fragment(input.html.replace(/\n\s*/g, '')).map((c) => (c.type === 'element' ? { ...c, properties: { ...c.properties, ...en } } : c));
  const files = input.files
    ? [
        '\n  ',
        h('p.cite-files', en, [
          `${citeWords.citeFiles}: `,
          h('a', { href: input.files.bib, type: 'application/x-bibtex', ...dl }, citeWords.bibtex),
          ' · ',
          h('a', { href: input.files.ris, type: 'application/x-research-info-systems', ...dl }, citeWords.ris),
          ' · ',
          h('a', { href: input.files.cslJson, type: 'application/vnd.citationstyles.csl+json', ...dl }, citeWords.cslJson),
        ]),
      ]
    : [];
  const section = h('section.cite-brief', { ariaLabelledBy: [id] }, ['\n  ', h('h2', { id, ...en }, citeWords.citeHeading), '\n  ', ...reference, ...files, '\n']);
  return { type: 'root', children: [...(input.pageBreak ? [input.pageBreak] : []), section] };
}

/** The elements of an HTML fragment (a copy: the web page, the print and the EPUB each ask for the brief's reference, parsed once). */
function fragment(html: string): ElementContent[] {
  let parsed = parsedReferences.get(html);
  if (!parsed) {
    if (parsedReferences.size >= 100) parsedReferences.clear();
    parsedReferences.set(html, (parsed = parseFragment(html).children.filter((c): c is ElementContent => c.type === 'element' || c.type === 'text')));
  }
  return structuredClone(parsed);
}
const parsedReferences = new Map<string, ElementContent[]>();

/** The block's text as printed (heading and reference), for finding a page that starts in it (src/targets/pagelist.ts). */
export function citeBlockText(referenceText: string): string {
  return `${citeWords.citeHeading} ${referenceText}`;
}
