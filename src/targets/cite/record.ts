/**
 * A brief as a bibliographic record (CSL JSON), and that record as BibTeX, RIS (src/targets/cite/formats.ts)
 * and a formatted reference in the theme's CSL style (citeproc-js, the CSL processor). Nothing is
 * fetched: the input is a CSL object, the style and locale are local (the theme's `csl/<name>.csl`,
 * or one briefpress ships in src/targets/cite/csl/, with the CSL locales).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Brief } from '../../model/brief.js';
import type { Theme } from '../../theme/theme.js';
import { briefUrls } from '../meta.js';
import { toBibtex, toRis } from './formats.js';

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
    // The BibTeX key: the slug (unique in the series), `_` for `-`.
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
  /** The reference in the style, as HTML (citeproc's `csl-bib-body`) and as plain text: formatted when first asked for. */
  readonly html: string;
  readonly text: string;
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
  let formatted: { html: string; text: string } | undefined;
  // The CSL processor (~1 MB of code) is loaded only by the editions that show the reference: the
  // citation files need none of it.
  const format = () => (formatted ??= formatReference(item, styleOf(theme), localeFor(brief.language)));
  return {
    item,
    bibtex: toBibtex(item),
    ris: toRis(item),
    cslJson: JSON.stringify([item], null, 2) + '\n',
    get html() {
      return format().html;
    },
    get text() {
      return format().text;
    },
  };
}

/** The styles and locales briefpress ships (CSL project, CC BY-SA 3.0: src/targets/cite/csl/README.md). */
const cslDir = (): string => path.join(path.dirname(fileURLToPath(import.meta.url)), 'csl');

/** The CSL locales briefpress ships; other languages get en-US. */
const bundledLocales = ['en-US', 'es-ES', 'de-DE', 'fr-FR', 'nl-NL'];

const bundled = new Map<string, string>();
function readBundled(file: string): string {
  let xml = bundled.get(file);
  if (xml === undefined) bundled.set(file, (xml = readFileSync(path.join(cslDir(), file), 'utf8')));
  return xml;
}

/** The theme's style: its own `csl/<name>.csl` (read like every theme file), else one briefpress ships (theme.ts checked it is one). */
function styleOf(theme: Theme): { key: string; xml: string } {
  const name = theme.citationStyle;
  const xml = theme.maybeRead(`csl/${name}.csl`);
  if (xml === undefined) return { key: `bundled:${name}`, xml: readBundled(`${name}.csl`) };
  // Two themes may ship different files of one name.
  return { key: theme.path(`csl/${name}.csl`), xml };
}

function localeFor(language: string): string {
  const base = language.toLowerCase().split('-')[0];
  return bundledLocales.find((l) => l.toLowerCase() === language.toLowerCase()) ?? bundledLocales.find((l) => l.slice(0, 2) === base) ?? 'en-US';
}

/** A CSL locale for citeproc: one shipped, by `en-US` or `en_US`; none else (citeproc falls back to its en-US). */
function retrieveLocale(locale: string): string | Record<string, never> {
  const tag = bundledLocales.find((l) => l === locale || l === locale.replace('_', '-'));
  return tag ? readBundled(`locales-${tag}.xml`) : {};
}

/** The subset of citeproc-js' engine briefpress uses (it ships no types). */
interface CiteprocEngine {
  sys: { retrieveItem(id: string): unknown };
  opt: { development_extensions: { wrap_url_and_doi: boolean } };
  setOutputFormat(format: 'html' | 'text'): void;
  updateItems(ids: string[]): string[];
  makeBibliography(): [{ bibstart: string; bibend: string }, string[]];
}
interface Citeproc {
  Engine: new (sys: { retrieveLocale(locale: string): unknown; retrieveItem(id: string): unknown }, style: string, lang?: string, forceLang?: boolean) => CiteprocEngine;
}

const require = createRequire(import.meta.url);
let citeprocModule: Citeproc | undefined;
/** citeproc-js, loaded on first use (its CommonJS build). */
function citeproc(): Citeproc {
  return (citeprocModule ??= require('citeproc') as Citeproc);
}

/** One engine per style and locale (making one parses the style: the slow part); the style's XML is checked, a theme file may change (preview). */
const engines = new Map<string, { xml: string; engine: CiteprocEngine; items: Map<string, unknown> }>();

/**
 * The reference as a one-entry bibliography: HTML (`<div class="csl-bib-body">` with the entry
 * marked `data-csl-entry-id`) and plain text.
 */
function formatReference(item: Record<string, unknown>, style: { key: string; xml: string }, lang: string): { html: string; text: string } {
  const key = `${style.key}|${lang}`;
  let e = engines.get(key);
  if (!e || e.xml !== style.xml) {
    const items = new Map<string, unknown>();
    const retrieveItem = (id: string) => {
      if (!items.has(id)) throw new Error(`citeproc asked for an unknown item ${id}`);
      return items.get(id);
    };
    const engine = new (citeproc().Engine)({ retrieveLocale, retrieveItem }, style.xml, lang, true);
    engine.opt.development_extensions.wrap_url_and_doi = false;
    e = { xml: style.xml, engine, items };
    engines.set(key, e);
  }
  const id = String(item.id);
  const { engine, items } = e;
  // The registry is emptied first: a brief rebuilt with new values is never formatted from the old ones.
  engine.updateItems([]);
  items.clear();
  items.set(id, structuredClone(item));
  engine.setOutputFormat('html');
  engine.updateItems([id]);
  // The item is registered once for both formats (registering it again, with its disambiguation, cost as much as formatting).
  const bibliography = (format: 'html' | 'text'): string => {
    engine.setOutputFormat(format);
    const [meta, entries] = engine.makeBibliography();
    const body = format === 'html' ? entries.map((entry) => entry.replace(/^\s*<[a-z]+/i, `$& data-csl-entry-id="${id}"`)) : entries;
    return (meta.bibstart + body.join('') + meta.bibend).trim();
  };
  return { html: bibliography('html'), text: bibliography('text') };
}
