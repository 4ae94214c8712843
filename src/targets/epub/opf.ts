/**
 * The EPUB's package document (content.opf), NCX (toc.ncx) and navigation document (toc.xhtml),
 * built by code from the book's description (metadata.ts) as syntax trees: xast for the two XML
 * files, hast for the nav, written by ../serialize.ts. No theme file takes part: a theme styles the
 * nav with epub.css and words it with epub/labels.yaml, both data.
 */
import type { Element, ElementContent, Properties } from 'hast';
import { h } from 'hastscript';
import type { Element as XElement } from 'xast';
import { x } from 'xastscript';
import { indented, xhtmlDocument, xmlDocument } from '../serialize.js';
import { xhtmlShell } from './documents.js';
import type { BookView, TocEntry } from './metadata.js';

export function packageDocument(book: BookView): string {
  const meta = (attrs: Record<string, string | undefined>, text: string | number) => x('meta', attrs, String(text));
  const { a11y, series } = book;
  const c = series.position !== undefined;
  const metadata = x(
    'metadata',
    { 'xmlns:dc': 'http://purl.org/dc/elements/1.1/' },
    indented<XElement>('    ', [
      x('dc:identifier', { id: 'pub-id' }, book.identifier),
      x('dc:title', { id: 'title' }, book.title),
      meta({ refines: '#title', property: 'title-type' }, 'main'),
      book.subtitle !== undefined && x('dc:title', { id: 'subtitle' }, book.subtitle),
      book.subtitle !== undefined && meta({ refines: '#subtitle', property: 'title-type' }, 'subtitle'),
      x('dc:language', book.lang),
      ...book.creators.flatMap((cr) => [
        x('dc:creator', { id: cr.id }, cr.name),
        meta({ refines: `#${cr.id}`, property: 'role', scheme: 'marc:relators' }, cr.role),
        meta({ refines: `#${cr.id}`, property: 'display-seq' }, cr.seq),
      ]),
      x('dc:publisher', book.publisher),
      x('dc:date', book.date),
      meta({ property: 'dcterms:modified' }, book.modified),
      ...book.subjects.map((s) => x('dc:subject', s)),
      x('dc:description', book.description),
      x('dc:rights', book.rights),
      meta({ property: 'belongs-to-collection', id: 'c01' }, series.name),
      meta({ refines: '#c01', property: 'collection-type' }, 'series'),
      c && meta({ refines: '#c01', property: 'group-position' }, series.position!),
      series.issn !== undefined && meta({ refines: '#c01', property: 'dcterms:identifier' }, `urn:issn:${series.issn}`),
      x('meta', { name: 'calibre:series', content: series.name }),
      c && x('meta', { name: 'calibre:series_index', content: String(series.position) }),
      ...a11y.accessModes.map((m) => meta({ property: 'schema:accessMode' }, m)),
      ...a11y.accessModeSufficient.map((m) => meta({ property: 'schema:accessModeSufficient' }, m)),
      ...a11y.features.map((f) => meta({ property: 'schema:accessibilityFeature' }, f)),
      ...a11y.hazards.map((hz) => meta({ property: 'schema:accessibilityHazard' }, hz)),
      meta({ property: 'schema:accessibilitySummary', 'xml:lang': a11y.summaryLang }, a11y.summary),
      meta({ property: 'dcterms:conformsTo', id: 'conformance' }, a11y.conformsTo),
      meta({ property: 'a11y:certifiedBy', refines: '#conformance' }, a11y.certifiedBy),
      x('meta', { name: 'cover', content: 'cover-image' }),
      x('meta', { name: 'generator', content: book.generator }),
    ]),
  );
  const manifest = x(
    'manifest',
    indented(
      '    ',
      book.manifest.map((item) => x('item', { id: item.id, href: item.href, 'media-type': item.mediaType, properties: item.properties })),
    ),
  );
  const spine = x(
    'spine',
    { toc: 'ncx' },
    indented(
      '    ',
      book.spine.map((ref) => x('itemref', { idref: ref.idref, linear: ref.linear ? undefined : 'no' })),
    ),
  );
  return xmlDocument(
    x(
      'package',
      { xmlns: 'http://www.idpf.org/2007/opf', version: '3.0', 'unique-identifier': 'pub-id', 'xml:lang': book.lang, dir: book.dir === 'rtl' ? 'rtl' : undefined },
      indented('  ', [metadata, manifest, spine]),
    ),
  );
}

export function ncxDocument(book: BookView): string {
  const points = (list: TocEntry[], indent: string): XElement[] =>
    list.map((e) =>
      x(
        'navPoint',
        { id: e.navId, playOrder: String(e.playOrder) },
        indented(`${indent}  `, [x('navLabel', [x('text', e.label)]), x('content', { src: e.href }), ...points(e.children, `${indent}  `)]),
      ),
    );
  return xmlDocument(
    x(
      'ncx',
      { xmlns: 'http://www.daisy.org/z3986/2005/ncx/', version: '2005-1', 'xml:lang': book.lang },
      indented('  ', [
        x(
          'head',
          indented('    ', [
            x('meta', { name: 'dtb:uid', content: book.identifier }),
            x('meta', { name: 'dtb:depth', content: String(book.tocDepth) }),
            x('meta', { name: 'dtb:totalPageCount', content: '0' }),
            x('meta', { name: 'dtb:maxPageNumber', content: '0' }),
          ]),
        ),
        x('docTitle', [x('text', book.title)]),
        ...book.creators.map((cr) => x('docAuthor', [x('text', cr.name)])),
        x('navMap', indented('    ', points(book.toc, '    '))),
      ]),
    ),
  );
}

export function navDocument(book: BookView): string {
  const ll: Properties = book.labelLang ? { 'xml:lang': book.labelLang, lang: book.labelLang } : {};
  const list = (entries: TocEntry[], indent: string): Element =>
    h(
      'ol',
      indented<ElementContent>(
        `${indent}  `,
        entries.map((e) => h('li', [h('a', { href: e.href }, e.label), ...(e.children.length > 0 ? [list(e.children, `${indent}  `)] : [])])),
      ),
    );
  const body = h('body.nav-doc', { 'epub:type': 'frontmatter' }, [
    '\n',
    h('nav#toc', { 'epub:type': 'toc', role: 'doc-toc', ariaLabelledBy: ['toc-title'] }, indented<ElementContent>('  ', [h('h1#toc-title', ll, book.labels.contents), list(book.toc, '  ')])),
    '\n',
    h(
      'nav#landmarks',
      { 'epub:type': 'landmarks', ariaLabelledBy: ['landmarks-title'], hidden: true },
      indented<ElementContent>('  ', [
        h('h2#landmarks-title', ll, book.labels.landmarks),
        h('ol', indented<ElementContent>('    ', book.landmarks.map((l) => h('li', [h('a', { 'epub:type': l.type, href: l.href }, l.label)])))),
      ]),
    ),
    '\n',
  ]);
  return xhtmlDocument(xhtmlShell(book.lang, book.labels.contents, body));
}
