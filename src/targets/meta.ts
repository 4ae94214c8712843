/**
 * Issue #15: where a brief lives on the web when its series names a `baseUrl`, and nothing when it
 * does not (no URL is ever invented: the editions then link relatively and write no canonical URL).
 */
import type { Element, Root } from 'hast';
import { h } from 'hastscript';
import type { Brief } from '../model/brief.js';

export interface BriefUrls {
  /** The web edition: `<baseUrl><slug>/`. */
  canonical: string;
  pdf: string;
  epub: string;
  cover: string;
  bib: string;
  ris: string;
  cslJson: string;
}

export function briefUrls(brief: Pick<Brief, 'slug' | 'series'>): BriefUrls | undefined {
  const base = brief.series.baseUrl;
  if (!base) return undefined;
  const canonical = new URL(`${encodeURIComponent(brief.slug)}/`, base).href;
  const at = (f: string) => new URL(encodeURIComponent(f), canonical).href;
  return {
    canonical,
    pdf: at(`${brief.slug}.pdf`),
    epub: at(`${brief.slug}.epub`),
    cover: at('cover.png'),
    bib: at(`${brief.slug}.bib`),
    ris: at(`${brief.slug}.ris`),
    cslJson: at(`${brief.slug}.csl.json`),
  };
}

/** What the web page's head says about the brief, for Google Scholar and Zotero (Highwire Press `citation_*`), schema.org, Open Graph and Twitter. */
export interface HeadInput {
  brief: Brief;
  /** Pages of the print PDF, when it was printed in this build. */
  pages?: number;
  /** Edition files built beside the page (relative hrefs). */
  pdf?: string;
  epub?: string;
  cover?: { href: string; mediaType: string; alt: string };
}

/** `<meta>`, `<link rel=canonical>` and the JSON-LD script for the page's head, one per line, as a tree. */
export function headMetadata(input: HeadInput): Root {
  const { brief } = input;
  const urls = briefUrls(brief);
  const title = brief.subtitle ? `${brief.title}: ${brief.subtitle}` : brief.title;
  const abs = (href: string | undefined, absolute: string | undefined) => (href === undefined ? undefined : (absolute ?? href));
  const pdf = abs(input.pdf, urls?.pdf);
  const epub = abs(input.epub, urls?.epub);
  const image = input.cover && urls ? new URL(input.cover.href, urls.canonical).href : undefined;
  const affiliation = (a: Brief['authors'][number]) => a.affiliation ?? brief.series.publisher;
  const lines: Element[] = [];
  const meta = (attr: 'name' | 'property', key: string, value: string | number | undefined) => {
    if (value !== undefined && String(value) !== '') lines.push(h('meta', { [attr]: key, content: String(value) }));
  };
  if (urls) lines.push(h('link', { rel: 'canonical', href: urls.canonical }));
  // Highwire Press tags, as Google Scholar's inclusion guidelines and Zotero's Embedded Metadata translator read them.
  meta('name', 'citation_title', title);
  for (const a of brief.authors) {
    meta('name', 'citation_author', a.name);
    meta('name', 'citation_author_institution', affiliation(a));
  }
  meta('name', 'citation_publication_date', brief.date.replace(/-/g, '/'));
  meta('name', 'citation_date', brief.date.replace(/-/g, '/'));
  meta('name', 'citation_publisher', brief.series.publisher);
  meta('name', 'citation_technical_report_institution', brief.series.publisher);
  meta('name', 'citation_technical_report_number', brief.number);
  meta('name', 'citation_series_title', brief.series.name);
  if (brief.series.identifier.scheme === 'issn') meta('name', 'citation_issn', brief.series.identifier.issn);
  meta('name', 'citation_pdf_url', pdf);
  if (input.pages) {
    meta('name', 'citation_firstpage', 1);
    meta('name', 'citation_lastpage', input.pages);
  }
  meta('name', 'citation_language', brief.language);
  for (const k of brief.keywords) meta('name', 'citation_keywords', k);
  const doi = /^(?:doi:|https?:\/\/doi\.org\/)(10\.\S+)$/i.exec(brief.identifier)?.[1];
  meta('name', 'citation_doi', doi);
  meta('name', 'citation_abstract_html_url', urls?.canonical);
  // Open Graph and Twitter card.
  meta('property', 'og:type', 'article');
  meta('property', 'og:title', title);
  meta('property', 'og:description', brief.summary);
  meta('property', 'og:site_name', brief.series.name);
  meta('property', 'og:locale', brief.language.replace('-', '_'));
  meta('property', 'og:url', urls?.canonical);
  meta('property', 'og:image', image);
  if (image) meta('property', 'og:image:alt', input.cover!.alt);
  meta('property', 'article:published_time', brief.date);
  for (const k of brief.keywords) meta('property', 'article:tag', k);
  meta('name', 'twitter:card', image ? 'summary_large_image' : 'summary');
  meta('name', 'twitter:title', title);
  meta('name', 'twitter:description', brief.summary);
  meta('name', 'twitter:image', image);
  if (image) meta('name', 'twitter:image:alt', input.cover!.alt);
  const ld = jsonLd(input, { pdf, epub, image });
  // A data block, not a script: the page's CSP (no script) does not apply to it, and `<` is escaped so it cannot close the element.
  lines.push(h('script', { type: 'application/ld+json' }, JSON.stringify(ld).replace(/</g, '\\u003c')));
  return { type: 'root', children: lines.flatMap((l, i) => (i ? [{ type: 'text' as const, value: '\n' }, l] : [l])) };
}

/** schema.org: a Report that is part of its series (a CreativeWorkSeries), with its authors, publisher and editions. */
export function jsonLd(input: HeadInput, files: { pdf?: string; epub?: string; image?: string }): Record<string, unknown> {
  const { brief } = input;
  const urls = briefUrls(brief);
  const publisher = { '@type': 'Organization', name: brief.series.publisher, ...(brief.series.publisherUrl ? { url: brief.series.publisherUrl } : {}) };
  const series: Record<string, unknown> = { '@type': 'CreativeWorkSeries', name: brief.series.name, publisher };
  if (brief.series.identifier.scheme === 'issn') series.issn = brief.series.identifier.issn;
  if (brief.series.baseUrl) series.url = brief.series.baseUrl;
  const ld: Record<string, unknown> = {
    '@context': 'https://schema.org',
    '@type': 'Report',
    ...(urls ? { '@id': urls.canonical, url: urls.canonical } : {}),
    name: brief.subtitle ? `${brief.title}: ${brief.subtitle}` : brief.title,
    headline: brief.title,
    ...(brief.subtitle ? { alternativeHeadline: brief.subtitle } : {}),
    author: brief.authors.map((a) => ({
      '@type': 'Person',
      name: a.name,
      ...(a.title ? { jobTitle: a.title } : {}),
      affiliation: { '@type': 'Organization', name: a.affiliation ?? brief.series.publisher },
    })),
    datePublished: brief.date,
    inLanguage: brief.language,
    description: brief.summary,
    keywords: brief.keywords.join(', '),
    identifier: brief.identifier,
    publisher,
    isPartOf: series,
    ...(brief.number !== undefined ? { position: brief.number, reportNumber: String(brief.number) } : {}),
    ...(files.image ? { image: files.image } : {}),
  };
  const encodings = [
    ...(files.pdf ? [{ '@type': 'MediaObject', encodingFormat: 'application/pdf', contentUrl: files.pdf }] : []),
    ...(files.epub ? [{ '@type': 'MediaObject', encodingFormat: 'application/epub+zip', contentUrl: files.epub }] : []),
  ];
  if (encodings.length) ld.encoding = encodings;
  return ld;
}
