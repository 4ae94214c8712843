/**
 * The series as an OPDS 1.2 acquisition feed (an Atom feed; https://specs.opds.io/opds-1.2):
 * one entry per brief with its EPUB and PDF as acquisition links, its cover, authors, dates, summary
 * and identifier. Every href is relative to the feed, so the folder can be served from anywhere.
 */
import type { Series } from '../../model/brief.js';
import type { CatalogEntry } from '../types.js';
import { uuidV5 } from '../../util/hash.js';

/** Editions of one brief found in the output folder, as hrefs relative to the output folder. */
export interface EntryFiles {
  html?: string;
  epub?: string;
  pdf?: string;
  cover?: { href: string; type: string };
}

/** A catalog entry with the edition files found on disk. */
export type FeedBrief = CatalogEntry & { files: EntryFiles };

export const opdsAcquisitionType = 'application/atom+xml;profile=opds-catalog;kind=acquisition';

export function seriesIdentifier(series: Series): string {
  return series.identifier.scheme === 'issn' ? `urn:issn:${series.identifier.issn}` : `urn:uuid:${uuidV5(series.identifier.namespace)}`;
}

/** Seconds since 1970 as an RFC 3339 date-time (Atom dates). */
export function atomDate(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function renderOpds(series: Series, briefs: FeedBrief[], opts: { epoch: number; version: string; self: string; html: string }): string {
  const feedLinks = [
    link('self', opts.self, opdsAcquisitionType),
    link('start', opts.self, opdsAcquisitionType),
    link('alternate', opts.html, 'text/html'),
  ];
  const entries = briefs.map((b) => {
    const f = b.files;
    return el('entry', {}, [
      el('title', {}, b.subtitle ? `${b.title}: ${b.subtitle}` : b.title),
      el('id', {}, b.identifier),
      el('updated', {}, atomDate(b.updated)),
      el('published', {}, `${b.date}T00:00:00Z`),
      // Atom's person construct takes extension elements: the author's title and affiliation as schema.org's.
      ...b.authors.map((a) => el('author', {}, [el('name', {}, a.name), ...(a.title ? [el('schema:jobTitle', {}, a.title)] : []), ...(a.affiliation ? [el('schema:affiliation', {}, a.affiliation)] : [])])),
      el('dc:identifier', {}, b.identifier),
      el('dc:language', {}, b.language),
      el('dc:issued', {}, b.date),
      el('dc:publisher', {}, series.publisher),
      ...b.keywords.map((k) => el('category', { term: k, label: k })),
      el('summary', { type: 'text' }, b.summary),
      ...(f.cover ? [link('http://opds-spec.org/image', f.cover.href, f.cover.type), link('http://opds-spec.org/image/thumbnail', f.cover.href, f.cover.type)] : []),
      ...(f.epub ? [link('http://opds-spec.org/acquisition', f.epub, 'application/epub+zip')] : []),
      ...(f.pdf ? [link('http://opds-spec.org/acquisition', f.pdf, 'application/pdf')] : []),
      ...(f.html ? [link('alternate', f.html, 'text/html')] : []),
    ]);
  });
  const feed = el(
    'feed',
    { xmlns: 'http://www.w3.org/2005/Atom', 'xmlns:dc': 'http://purl.org/dc/terms/', 'xmlns:opds': 'http://opds-spec.org/2010/catalog', 'xmlns:schema': 'http://schema.org/', 'xml:lang': series.language },
    [
      el('id', {}, seriesIdentifier(series)),
      el('title', {}, series.name),
      ...(series.description ? [el('subtitle', {}, series.description)] : []),
      el('updated', {}, atomDate(opts.epoch)),
      el('author', {}, [el('name', {}, series.publisher), ...(series.publisherUrl ? [el('uri', {}, series.publisherUrl)] : [])]),
      el('generator', { version: opts.version }, 'briefpress'),
      ...feedLinks,
      ...entries,
    ],
  );
  return `<?xml version="1.0" encoding="utf-8"?>\n${feed.render('')}\n`;
}

interface XmlNode {
  render(indent: string): string;
}

function link(rel: string, href: string, type: string): XmlNode {
  return el('link', { rel, href: encodeURI(href), type });
}

function el(name: string, attrs: Record<string, string>, content: string | XmlNode[] = []): XmlNode {
  return {
    render(indent) {
      const a = Object.entries(attrs)
        .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
        .join('');
      if (typeof content === 'string') return `${indent}<${name}${a}>${escapeXml(content)}</${name}>`;
      if (content.length === 0) return `${indent}<${name}${a}/>`;
      return `${indent}<${name}${a}>\n${content.map((c) => c.render(indent + '  ')).join('\n')}\n${indent}</${name}>`;
    },
  };
}

export function escapeXml(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
