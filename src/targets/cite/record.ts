/**
 * A brief as a bibliographic record (CSL JSON), and that record as BibTeX, RIS and a formatted
 * reference in the theme's CSL style: all written by citation-js (@citation-js/core with its bibtex,
 * ris and csl plugins), never by hand. Nothing is fetched: the input is a CSL object, the style
 * and locale are local (the theme's `csl/<name>.csl`, or one citation-js bundles).
 */
import { createRequire } from 'node:module';
import type { Brief } from '../../model/brief.js';
import type { Theme } from '../../theme/theme.js';
import { briefUrls } from '../meta.js';

// citation-js' plugins register themselves on the CommonJS build of the core: load all of it that way.
const require = createRequire(import.meta.url);
let loaded: typeof import('@citation-js/core') | undefined;
function citeJs(): typeof import('@citation-js/core') {
  if (!loaded) {
    loaded = require('@citation-js/core') as typeof import('@citation-js/core');
    require('@citation-js/plugin-bibtex');
    require('@citation-js/plugin-ris');
    require('@citation-js/plugin-csl');
  }
  return loaded;
}

export interface CslName {
  family: string;
  given?: string;
}

/** `Jeffrey Mankoff` as CSL: the last word the family name, with a lower-case particle before it (`Ludwig van Beethoven`). */
export function cslName(name: string): CslName {
  const words = name.trim().split(/\s+/);
  if (words.length === 1) return { family: words[0]! };
  let i = words.length - 1;
  while (i > 1 && /^(van|von|der|den|de|du|da|di|del|della|la|le|ter|ten)$/.test(words[i - 1]!)) i--;
  return { family: words.slice(i).join(' '), given: words.slice(0, i).join(' ') };
}

/** The brief as one CSL JSON item (type `report`, in its series). */
export function cslItem(brief: Brief): Record<string, unknown> {
  const [y, m, d] = brief.date.split('-').map(Number);
  const urls = briefUrls(brief);
  const item: Record<string, unknown> = {
    id: brief.slug,
    // The BibTeX key: the slug (unique in the series), `_` for `-` (citation-js takes no `-` in a key).
    'citation-key': brief.slug.replace(/-/g, '_'),
    type: 'report',
    title: brief.subtitle ? `${brief.title}: ${brief.subtitle}` : brief.title,
    author: brief.authors.map((a) => cslName(a.name)),
    issued: { 'date-parts': [[y, m, d]] },
    publisher: brief.series.publisher,
    'collection-title': brief.series.name,
    language: brief.language,
    abstract: brief.summary,
  };
  if (brief.number !== undefined) item['collection-number'] = String(brief.number);
  if (brief.series.identifier.scheme === 'issn') item.ISSN = brief.series.identifier.issn;
  if (brief.keywords.length > 0) item.keyword = brief.keywords.map((k) => k.replace(/,/g, ' ')).join(',');
  if (urls) item.URL = urls.canonical;
  const doi = /^(?:doi:|https?:\/\/doi\.org\/)(10\.\S+)$/i.exec(brief.identifier)?.[1];
  if (doi) item.DOI = doi;
  return item;
}

export interface Citation {
  item: Record<string, unknown>;
  bibtex: string;
  ris: string;
  cslJson: string;
  /** The reference in the style, as HTML (citation-js' `csl-bib-body`) and as plain text. */
  html: string;
  text: string;
}

const registered = new Map<string, string>();

/** The style's name citation-js knows it by: the theme's own .csl is registered under `<theme dir>:<name>` (two themes may ship different files of one name). */
function styleFor(theme: Theme): string {
  const name = theme.citationStyle;
  const xml = theme.maybeRead(`csl/${name}.csl`);
  if (xml === undefined) return name; // bundled (theme.ts checked it is one)
  const key = `briefpress-${theme.path(`csl/${name}.csl`)}`;
  if (registered.get(key) !== xml) {
    citeJs().plugins.config.get('@csl').styles.add(key, xml);
    registered.set(key, xml);
  }
  return key;
}

/** citation-js bundles en-US, es-ES, de-DE, fr-FR and nl-NL; other languages get en-US. */
function localeFor(language: string): string {
  const bundled = ['en-US', 'es-ES', 'de-DE', 'fr-FR', 'nl-NL'];
  const base = language.toLowerCase().split('-')[0];
  return bundled.find((l) => l.toLowerCase() === language.toLowerCase()) ?? bundled.find((l) => l.slice(0, 2) === base) ?? 'en-US';
}

const made = new Map<string, Citation>();

/** The brief's citation (the same record gives the same result: kept, as the web page, the print, the EPUB and the files all ask). */
export function citation(brief: Brief, theme: Theme): Citation {
  const item = cslItem(brief);
  const key = JSON.stringify([item, theme.dirs, theme.citationStyle, brief.language]);
  let c = made.get(key);
  if (!c) {
    c = makeCitation(item, brief, theme);
    if (made.size > 200) made.clear();
    made.set(key, c);
  }
  return c;
}

function makeCitation(item: Record<string, unknown>, brief: Brief, theme: Theme): Citation {
  const { Cite } = citeJs();
  const cite = new Cite(item);
  // BibTeX's techreport has a `number` (the number in its series); CSL's report `number` would print twice in the styles.
  const bibtex = new Cite({ ...item, number: item['collection-number'] }).format('bibtex', { format: 'text' });
  const template = styleFor(theme);
  const lang = localeFor(brief.language);
  return {
    item,
    bibtex: bibtex.trim() + '\n',
    ris: unwrapRis(cite.format('ris', { format: 'text' })),
    cslJson: JSON.stringify([item], null, 2) + '\n',
    html: cite.format('bibliography', { format: 'html', template, lang }).trim(),
    text: cite.format('bibliography', { format: 'text', template, lang }).trim(),
  };
}

/**
 * citation-js cuts RIS values every 70 characters, mid-word, on lines of their own: readers join such
 * lines with a space or not at all. Each value on one line instead (RIS has no line limit to speak of),
 * lines ended with CR LF as the RIS specification writes them.
 */
export function unwrapRis(ris: string): string {
  const lines: string[] = [];
  for (const line of ris.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^[A-Z][A-Z0-9]  - /.test(line) || /^[A-Z][A-Z0-9]  -$/.test(line) || lines.length === 0) lines.push(line);
    else if (line !== '') lines[lines.length - 1] += line;
  }
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l === 'ER  -' ? 'ER  - ' : l)).join('\r\n') + '\r\n';
}
