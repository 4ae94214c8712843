/**
 * The XMP metadata packet of the print PDF (ISO 16684-1): what archives, catalogues and PDF/UA
 * validators read instead of the Info dictionary. It says the same as the Info dictionary (title,
 * authors, summary, keywords, dates, producer) and more: each author and each keyword on its own,
 * the language, the identifier, the series, and `pdfuaid:part 1` (PDF/UA-1, ISO 14289-1 §5).
 * Everything comes from the brief and the build epoch, so the same input gives the same bytes.
 */

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

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An ISO 8601 date in UTC without milliseconds, e.g. `2015-05-12T00:00:00Z`. */
export function xmpDate(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The packet, as UTF-8 text (with its `<?xpacket?>` wrapper). */
export function xmpPacket(info: XmpInfo): string {
  const alt = (v: string) => `<rdf:Alt><rdf:li xml:lang="x-default">${escape(v)}</rdf:li></rdf:Alt>`;
  const list = (kind: 'Seq' | 'Bag', vs: string[]) => `<rdf:${kind}>${vs.map((v) => `<rdf:li>${escape(v)}</rdf:li>`).join('')}</rdf:${kind}>`;
  const date = xmpDate(info.epoch);
  const lines: string[] = [];
  const add = (s: string | undefined | false) => {
    if (s) lines.push(`   ${s}`);
  };
  add(`<dc:format>application/pdf</dc:format>`);
  add(`<dc:title>${alt(info.title)}</dc:title>`);
  add(info.authors.length > 0 && `<dc:creator>${list('Seq', info.authors)}</dc:creator>`);
  add(info.description && `<dc:description>${alt(info.description)}</dc:description>`);
  add(info.keywords.length > 0 && `<dc:subject>${list('Bag', info.keywords)}</dc:subject>`);
  add(`<dc:language>${list('Bag', [info.language])}</dc:language>`);
  add(info.identifier && `<dc:identifier>${escape(info.identifier)}</dc:identifier>`);
  add(info.publisher && `<dc:publisher>${list('Bag', [info.publisher])}</dc:publisher>`);
  add(info.rights && `<dc:rights>${alt(info.rights)}</dc:rights>`);
  add(`<xmp:CreateDate>${date}</xmp:CreateDate>`);
  add(`<xmp:ModifyDate>${date}</xmp:ModifyDate>`);
  add(`<xmp:MetadataDate>${date}</xmp:MetadataDate>`);
  add(`<xmp:CreatorTool>${escape(info.creatorTool)}</xmp:CreatorTool>`);
  add(`<pdf:Producer>${escape(info.producer)}</pdf:Producer>`);
  add(info.keywords.length > 0 && `<pdf:Keywords>${escape(joinKeywords(info.keywords))}</pdf:Keywords>`);
  if (info.series) {
    add(`<prism:publicationName>${escape(info.series.name)}</prism:publicationName>`);
    add(info.series.number !== undefined && `<prism:number>${info.series.number}</prism:number>`);
    add(info.series.issn && `<prism:issn>${escape(info.series.issn)}</prism:issn>`);
    // calibre's own form (as the EPUB's calibre:series): name and position.
    add(
      `<calibre:series rdf:parseType="Resource"><rdf:value>${escape(info.series.name)}</rdf:value>` +
        (info.series.number !== undefined ? `<calibreSI:series_index>${info.series.number.toFixed(2)}</calibreSI:series_index>` : '') +
        `</calibre:series>`,
    );
  }
  add(`<pdfuaid:part>1</pdfuaid:part>`);
  const ns = Object.entries(xmpNamespaces)
    .filter(([p]) => p !== 'x' && p !== 'rdf')
    .map(([p, uri]) => `xmlns:${p}="${uri}"`)
    .join('\n    ');
  return [
    `<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>`,
    `<x:xmpmeta xmlns:x="${xmpNamespaces.x}">`,
    ` <rdf:RDF xmlns:rdf="${xmpNamespaces.rdf}">`,
    `  <rdf:Description rdf:about=""`,
    `    ${ns}>`,
    ...lines,
    `  </rdf:Description>`,
    ` </rdf:RDF>`,
    `</x:xmpmeta>`,
    `<?xpacket end="w"?>`,
  ].join('\n');
}
