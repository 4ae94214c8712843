/**
 * The series as an OPDS 1.2 acquisition feed (an Atom feed; https://specs.opds.io/opds-1.2):
 * one entry per brief with its EPUB and PDF as acquisition links, its cover, authors, dates, summary
 * and identifier. Every href is relative to the feed, so the folder can be served from anywhere.
 * Built as an xast tree and written by ../serialize.ts.
 */
import type { Series } from '../../model/brief.js';
import type { CatalogEntry } from '../types.js';
import { uuidV5 } from '../../util/hash.js';
import type { Element } from 'xast';
import { x } from 'xastscript';
import { indented, xmlDocument } from '../serialize.js';

/** Editions of one brief found in the output folder, as hrefs relative to the output folder. */
export interface EntryFiles {
  html?: string;
  epub?: string;
  pdf?: string;
  cover?: { href: string; type: string };
  /** Issue #15: the brief's citation files. */
  bib?: string;
  ris?: string;
  cslJson?: string;
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
    return x(
      'entry',
      indented('    ', [
        x('title', b.subtitle ? `${b.title}: ${b.subtitle}` : b.title),
        x('id', b.identifier),
        x('updated', atomDate(b.updated)),
        x('published', `${b.date}T00:00:00Z`),
        // Atom's person construct takes extension elements: the author's title and affiliation as schema.org's.
        ...b.authors.map((a) => x('author', indented('      ', [x('name', a.name), a.title && x('schema:jobTitle', a.title), a.affiliation && x('schema:affiliation', a.affiliation)]))),
        x('dc:identifier', b.identifier),
        x('dc:language', b.language),
        x('dc:issued', b.date),
        x('dc:publisher', series.publisher),
        ...b.keywords.map((k) => x('category', { term: k, label: k })),
        x('summary', { type: 'text' }, b.summary),
        ...(f.cover ? [link('http://opds-spec.org/image', f.cover.href, f.cover.type), link('http://opds-spec.org/image/thumbnail', f.cover.href, f.cover.type)] : []),
        ...(f.epub ? [link('http://opds-spec.org/acquisition', f.epub, 'application/epub+zip')] : []),
        ...(f.pdf ? [link('http://opds-spec.org/acquisition', f.pdf, 'application/pdf')] : []),
        ...(f.html ? [link('alternate', f.html, 'text/html')] : []),
        // Issue #15: the citation files, as alternate descriptions of the brief.
        ...(f.bib ? [link('alternate', f.bib, 'application/x-bibtex')] : []),
        ...(f.ris ? [link('alternate', f.ris, 'application/x-research-info-systems')] : []),
        ...(f.cslJson ? [link('alternate', f.cslJson, 'application/vnd.citationstyles.csl+json')] : []),
      ]),
    );
  });
  const feed = x(
    'feed',
    { xmlns: 'http://www.w3.org/2005/Atom', 'xmlns:dc': 'http://purl.org/dc/terms/', 'xmlns:opds': 'http://opds-spec.org/2010/catalog', 'xmlns:schema': 'http://schema.org/', 'xml:lang': series.language },
    indented('  ', [
      x('id', seriesIdentifier(series)),
      x('title', series.name),
      series.description && x('subtitle', series.description),
      x('updated', atomDate(opts.epoch)),
      x('author', indented('    ', [x('name', series.publisher), series.publisherUrl && x('uri', series.publisherUrl)])),
      x('generator', { version: opts.version }, 'briefpress'),
      ...feedLinks,
      ...entries,
    ]),
  );
  return xmlDocument(feed);
}

function link(rel: string, href: string, type: string): Element {
  return x('link', { rel, href: encodeURI(href), type });
}
