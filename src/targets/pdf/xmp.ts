/**
 * The XMP metadata packet of the print PDF (ISO 16684-1): what archives, catalogues and PDF/UA
 * validators read instead of the Info dictionary. It says the same as the Info dictionary (title,
 * authors, summary, keywords, dates, producer) and more: each author and each keyword on its own,
 * the language, the identifier, the series, and `pdfuaid:part 1` (PDF/UA-1, ISO 14289-1 §5).
 * Everything comes from the brief and the build epoch, so the same input gives the same bytes.
 */
import { x } from 'xastscript';
import { indented, xmlDocument } from '../serialize.js';


export interface XmpInfo {
  title: string;
  /** Each author, in byline order. */
  authors: string[];
  description: string;
  keywords: string[];
  /** BCP 47. */
  language: string;
  identifier?: string;
  publisher?: string;
  rights?: string;
  series?: { name: string; number?: number; issn?: string };
  creatorTool: string;
  producer: string;
  /** Seconds since 1970: CreateDate, ModifyDate and MetadataDate. */
  epoch: number;
}

export const xmpNamespaces = {
  x: 'adobe:ns:meta/',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  dc: 'http://purl.org/dc/elements/1.1/',
  xmp: 'http://ns.adobe.com/xap/1.0/',
  pdf: 'http://ns.adobe.com/pdf/1.3/',
  pdfuaid: 'http://www.aiim.org/pdfua/ns/id/',
  prism: 'http://prismstandard.org/namespaces/basic/2.0/',
  calibre: 'http://calibre-ebook.com/xmp-namespace',
  calibreSI: 'http://calibre-ebook.com/xmp-namespace-series-index',
} as const;

/** Keywords as one string for the Info dictionary and pdf:Keywords: `;`-separated (a `;` inside one becomes `,`). */
export function joinKeywords(keywords: string[]): string {
  return keywords.map((k) => k.replaceAll(';', ',').trim()).filter(Boolean).join('; ');
}

/** An ISO 8601 date in UTC without milliseconds, e.g. `2015-05-12T00:00:00Z`. */
export function xmpDate(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The packet, as UTF-8 text (with its `<?xpacket?>` wrapper): an xast tree written by ../serialize.ts. */
export function xmpPacket(info: XmpInfo): string {
  const alt = (v: string) => x('rdf:Alt', [x('rdf:li', { 'xml:lang': 'x-default' }, v)]);
  const list = (kind: 'Seq' | 'Bag', vs: string[]) => x(`rdf:${kind}`, vs.map((v) => x('rdf:li', v)));
  const date = xmpDate(info.epoch);
  const { series } = info;
  const ns = Object.fromEntries(
    Object.entries(xmpNamespaces)
      .filter(([p]) => p !== 'x' && p !== 'rdf')
      .map(([p, uri]) => [`xmlns:${p}`, uri]),
  );
  const description = x(
    'rdf:Description',
    { 'rdf:about': '', ...ns },
    indented('   ', [
      x('dc:format', 'application/pdf'),
      x('dc:title', [alt(info.title)]),
      info.authors.length > 0 && x('dc:creator', [list('Seq', info.authors)]),
      info.description && x('dc:description', [alt(info.description)]),
      info.keywords.length > 0 && x('dc:subject', [list('Bag', info.keywords)]),
      x('dc:language', [list('Bag', [info.language])]),
      info.identifier && x('dc:identifier', info.identifier),
      info.publisher && x('dc:publisher', [list('Bag', [info.publisher])]),
      info.rights && x('dc:rights', [alt(info.rights)]),
      x('xmp:CreateDate', date),
      x('xmp:ModifyDate', date),
      x('xmp:MetadataDate', date),
      x('xmp:CreatorTool', info.creatorTool),
      x('pdf:Producer', info.producer),
      info.keywords.length > 0 && x('pdf:Keywords', joinKeywords(info.keywords)),
      series && x('prism:publicationName', series.name),
      series?.number !== undefined && x('prism:number', String(series.number)),
      series?.issn && x('prism:issn', series.issn),
      // calibre's own form (as the EPUB's calibre:series): name and position.
      series &&
        x('calibre:series', { 'rdf:parseType': 'Resource' }, [
          x('rdf:value', series.name),
          series.number !== undefined ? x('calibreSI:series_index', series.number.toFixed(2)) : undefined,
        ]),
      x('pdfuaid:part', '1'),
    ], '  '),
  );
  const meta = x('x:xmpmeta', { 'xmlns:x': xmpNamespaces.x }, ['\n ', x('rdf:RDF', { 'xmlns:rdf': xmpNamespaces.rdf }, ['\n  ', description, '\n ']), '\n']);
  return xmlDocument(
    meta,
    [{ type: 'instruction', name: 'xpacket', value: 'begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"' }],
    [{ type: 'instruction', name: 'xpacket', value: 'end="w"' }],
  );
}
