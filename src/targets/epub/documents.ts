/**
 * The Brief's parts laid out as EPUB content documents (cover, brief, notes, about, colophon): each a
 * whole XHTML document built here as a hast tree (the theme styles them with epub.css; no theme file
 * makes markup) and written by `toXhtml` (../serialize.ts). Markdown footnotes become EPUB endnotes:
 * references and backlinks get their epub:type and DPUB-ARIA role, and every in-book link is
 * pointed at the document that holds its target.
 */
import type { Element, ElementContent, Properties, Root } from 'hast';
import { h } from 'hastscript';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import type { Brief } from '../../model/brief.js';
import { BriefpressError, type Diagnostic } from '../../util/diagnostics.js';
import { displayPath } from '../../util/paths.js';
import { formatDate } from '../html.js';
import { direction, otherLanguage } from '../../i18n/messages.js';
import { localizeTree } from '../../i18n/localize.js';
import { fill, type Labels } from './labels.js';

export type PartName = 'cover' | 'brief' | 'notes' | 'about' | 'colophon';

export interface EpubDocument {
  part: PartName;
  /** File name inside OEBPS/. */
  file: string;
  /** Manifest id. */
  id: string;
  /** Title of the document (its <title>, and its entry in the table of contents). */
  title: string;
  /** Structural semantics of the whole document (`epub:type` of its <body>). */
  epubType: string;
  /** The whole document: its `<html>` element. */
  html: Element;
  /** It holds inline SVG (manifest property `svg`). */
  hasSvg: boolean;
}

export const files: Record<PartName, string> = {
  cover: 'cover.xhtml',
  brief: 'brief.xhtml',
  notes: 'notes.xhtml',
  about: 'about.xhtml',
  colophon: 'colophon.xhtml',
};

/** Ids the document shells write (headings the nav and aria-labelledby point at). */
export const templateIds: Record<PartName, string[]> = {
  cover: [],
  brief: ['brief-title'],
  notes: ['notes-title'],
  about: ['about-title'],
  colophon: ['colophon-title'],
};

export interface Counts {
  images: number;
  tables: number;
  notes: number;
}

/**
 * `authorCard` gives an author's name, title and affiliation as the theme lays them out (a tree, the
 * theme's `partials/author.html`): it opens the author's entry on the about page.
 */
export function layoutDocuments(brief: Brief, labels: Labels, coverHref: string, authorCard: (a: Brief['authors'][number]) => Root = () => ({ type: 'root', children: [] })): { documents: EpubDocument[]; counts: Counts } {
  // Work on copies: the model is shared with the other targets.
  const body = localizeTree(brief.body, { lang: labels.lang, asked: brief.language, text: (k, vars) => fill(labels[k], vars ?? {}) });
  const notes = structuredClone(brief.notes);
  const bios = brief.authors.map((a) => structuredClone(a.bio));
  const disclaimer = structuredClone(brief.disclaimer);
  const copyright = structuredClone(brief.copyright);
  const hasNotes = notes.children.length > 0;

  const trees: { part: PartName; tree: Root; positioned: boolean }[] = [
    { part: 'brief', tree: body, positioned: true },
    ...(hasNotes ? [{ part: 'notes' as const, tree: notes, positioned: false }] : []),
    ...bios.map((tree) => ({ part: 'about' as const, tree, positioned: false })),
    { part: 'colophon', tree: disclaimer, positioned: false },
    { part: 'colophon', tree: copyright, positioned: false },
  ];

  markEndnotes(notes, labels);
  const where = new Map<string, PartName>();
  for (const [part, ids] of Object.entries(templateIds) as [PartName, string[]][]) for (const id of ids) where.set(id, part);
  for (const { part, tree } of trees) {
    visit(tree, 'element', (node) => {
      const id = node.properties.id;
      if (typeof id === 'string' && !where.has(id)) where.set(id, part);
    });
  }
  const diagnostics: Diagnostic[] = [];
  const counts: Counts = { images: 0, tables: 0, notes: 0 };
  for (const { part, tree, positioned } of trees) {
    fixTree(tree, part, where, (node, message, hint) => {
      const pos = positioned ? node.position?.start : undefined;
      diagnostics.push({ file: displayPath(brief.file), line: pos?.line ?? 0, column: pos?.column ?? 0, severity: 'error', message, ruleId: 'link-fragment', hint });
    }, counts);
  }
  if (diagnostics.length > 0) throw new BriefpressError(diagnostics);
  counts.notes = notes.children.reduce((n, c) => n + (c.type === 'element' ? c.children.filter((li) => li.type === 'element' && li.tagName === 'li').length : 0), 0);

  const n = brief.authors.length;
  const names = brief.authors.map((a) => a.name);
  const byline = n <= 1 ? names.join('') : `${names.slice(0, -1).join(labels.listSep)}${labels.andSep}${names[n - 1]}`;
  // Text in another language than the brief's (the series' boilerplate, an author file's bio): its own lang and direction.
  const foreign = (lang: string): Properties => {
    const o = otherLanguage(lang, brief.language);
    return o ? { 'xml:lang': o.lang, ...o } : {};
  };
  const fullTitle = brief.subtitle ? `${brief.title}: ${brief.subtitle}` : brief.title;
  const labelLang = labels.lang === brief.language ? undefined : labels.lang;

  const lang = brief.language;
  const ll: Properties = labelLang ? { 'xml:lang': labelLang, lang: labelLang } : {};
  const doc = (part: PartName, title: string, epubType: string, body: Element): EpubDocument => {
    let hasSvg = false;
    visit(body, 'element', (node) => {
      if (node.tagName === 'svg') hasSvg = true;
    });
    return { part, file: files[part], id: part, title, epubType, hasSvg, html: xhtmlShell(lang, title, body) };
  };
  const section = (props: Properties, heading: Element, content: ElementContent[]) => h('section', props, ['\n', heading, '\n', ...content, '\n']);
  // The theme's author card, then the author's bio.
  const withCard = (card: Root, bio: Root): Root => ({ type: 'root', children: card.children.length ? [...card.children, { type: 'text', value: '\n' }, ...bio.children] : bio.children });
  const block = (props: Properties, tree: Root) => h('div', props, ['\n', ...(tree.children as ElementContent[]), '\n']);

  const documents: EpubDocument[] = [
    doc(
      'cover',
      labels.cover,
      'cover',
      h('body.cover-page', { 'epub:type': 'cover' }, [
        '\n',
        h('div.cover', [h('img', { src: coverHref, alt: fill(labels.coverAlt, { title: fullTitle, authors: byline }), 'epub:type': 'cover', role: 'doc-cover', ...ll })]),
        '\n',
      ]),
    ),
    doc(
      'brief',
      brief.title,
      'bodymatter',
      h('body.brief', { 'epub:type': 'bodymatter' }, [
        '\n',
        h('section.brief-article', { ariaLabelledBy: 'brief-title' }, [
          '\n',
          h('header.title-block', [
            '\n',
            h('p.series-band', [h('span.series-name', foreign(brief.series.language), brief.series.name), ...(brief.number === undefined ? [] : [' ', h('span.series-number', fill(labels.number, { n: brief.number }))])]),
            '\n',
            h('h1.title#brief-title', brief.title),
            '\n',
            ...(brief.subtitle ? [h('p.subtitle', { 'epub:type': 'subtitle', role: 'doc-subtitle' }, brief.subtitle), '\n'] : []),
            h('p.byline', byline),
            '\n',
            h('p.dateline', [h('time', { dateTime: brief.date }, formatDate(brief.date, brief.language))]),
            '\n',
          ]),
          '\n',
          h('p.summary', brief.summary),
          '\n',
          block({ className: ['brief-body'] }, body),
          '\n',
        ]),
        '\n',
      ]),
    ),
  ];
  if (hasNotes) {
    documents.push(
      doc(
        'notes',
        labels.notes,
        'backmatter',
        h('body.back.notes-page', { 'epub:type': 'backmatter' }, [
          '\n',
          section({ className: ['notes'], 'epub:type': 'endnotes', role: 'doc-endnotes', ariaLabelledBy: ['notes-title'] }, h('h1#notes-title', ll, labels.notes), notes.children as ElementContent[]),
          '\n',
        ]),
      ),
    );
  }
  const about = n > 1 ? labels.aboutMany : labels.aboutOne;
  documents.push(
    doc(
      'about',
      about,
      'backmatter',
      h('body.back.about-page', { 'epub:type': 'backmatter' }, [
        '\n',
        section(
          { className: ['about-authors'], ariaLabelledBy: ['about-title'] },
          h('h1#about-title', ll, about),
          bios.flatMap((bio, i) => [block({ className: ['author-bio'], ...foreign(brief.authors[i]!.bioLanguage ?? brief.language) }, withCard(authorCard(brief.authors[i]!), bio)), '\n']).map((c) => (typeof c === 'string' ? { type: 'text' as const, value: c } : c)),
        ),
        '\n',
      ]),
    ),
  );
  documents.push(
    doc(
      'colophon',
      labels.colophon,
      'backmatter',
      h('body.back.colophon-page', { 'epub:type': 'backmatter' }, [
        '\n',
        section({ className: ['colophon'], 'epub:type': 'colophon', role: 'doc-colophon', ariaLabelledBy: ['colophon-title'] }, h('h1#colophon-title', ll, labels.colophon), [
          block({ className: ['disclaimer'], ...foreign(brief.series.language) }, disclaimer),
          { type: 'text', value: '\n' },
          block({ className: ['copyright'], 'epub:type': 'copyright-page', ...foreign(brief.series.language) }, copyright),
          { type: 'text', value: '\n' },
          h('p.identifier', brief.identifier),
        ]),
        '\n',
      ]),
    ),
  );
  return { documents, counts };
}

/** The notes list: each item is an endnote; its backlinks get a role and a label in the book's language. */
function markEndnotes(notes: Root, labels: Labels): void {
  for (const list of notes.children) {
    if (list.type !== 'element') continue;
    let n = 0;
    for (const li of list.children) {
      if (li.type !== 'element' || li.tagName !== 'li') continue;
      n++;
      // No role="doc-endnote": DPUB-ARIA 1.1 deprecates it (Ace reports it); the list sits in a
      // doc-endnotes section, which is what assistive technology uses.
      li.properties['epub:type'] = 'endnote';
      visit(li, 'element', (a) => {
        if (a.tagName === 'a' && 'dataFootnoteBackref' in a.properties) {
          a.properties.role = 'doc-backlink';
          a.properties.ariaLabel = fill(labels.backlink, { n });
        }
      });
    }
  }
}

type Report = (node: Element, message: string, hint: string) => void;

/** Links, footnote references, table alignment and form remnants, made valid for EPUB. */
function fixTree(tree: Root, part: PartName, where: Map<string, PartName>, report: Report, counts: Counts): void {
  const localIds = new Set<string>();
  visit(tree, 'element', (node) => {
    if (typeof node.properties.id === 'string') localIds.add(node.properties.id);
  });
  visit(tree, 'element', (node, _i, parent) => {
    const p = node.properties;
    if (node.tagName === 'img') counts.images++;
    if (node.tagName === 'table') counts.tables++;
    if (node.tagName === 'a' && typeof p.href === 'string') {
      const href = p.href;
      if (href.startsWith('#')) {
        let id = href.slice(1);
        try {
          id = decodeURIComponent(id);
        } catch {
          /* keep as written */
        }
        const target = where.get(id);
        if (!target) {
          report(node, `Link to \`${href.slice(0, 60)}\` points to nothing in the brief`, 'Link to a heading or note that exists, or remove the link.');
        } else if (target !== part) {
          p.href = `${files[target]}#${encodeURIComponent(id)}`;
        }
        if ('dataFootnoteRef' in p) {
          p['epub:type'] = 'noteref';
          p.role = 'doc-noteref';
        }
      } else if (!/^(https?:|mailto:)/i.test(href)) {
        // A relative link (the pipeline warned about it) has nothing to point at inside the book.
        delete p.href;
      }
    }
    // ARIA references must resolve inside the same document (the footnote label stays behind in the web page).
    for (const key of ['ariaDescribedBy', 'ariaLabelledBy'] as const) {
      const v = p[key];
      if (v === undefined) continue;
      const kept = (Array.isArray(v) ? v.map(String) : String(v).split(/\s+/)).filter((id) => localIds.has(id) || templateIds[part].includes(id));
      if (kept.length > 0) p[key] = kept;
      else delete p[key];
    }
    // GFM table alignment: `align` is not HTML5.
    if ((node.tagName === 'td' || node.tagName === 'th') && typeof p.align === 'string') {
      p.style = `text-align: ${p.align};${p.style ? ` ${String(p.style)}` : ''}`;
      delete p.align;
    }
    // GFM task list boxes: name them after their item so they are not unlabeled form controls.
    if (node.tagName === 'input' && p.type === 'checkbox' && parent?.type === 'element') {
      p.ariaLabel = toString(parent).trim() || undefined;
    }
  });
}

/** An XHTML content document around `body`: namespaces, language and direction, title, the book's style sheet. */
export function xhtmlShell(lang: string, title: string, body: Element): Element {
  return h('html', { xmlns: 'http://www.w3.org/1999/xhtml', 'xmlns:epub': 'http://www.idpf.org/2007/ops', 'xml:lang': lang, lang, dir: direction(lang) }, [
    '\n',
    h('head', ['\n', h('meta', { charset: 'UTF-8' }), '\n', h('title', title), '\n', h('link', { rel: 'stylesheet', type: 'text/css', href: 'style.css' }), '\n']),
    '\n',
    body,
    '\n',
  ]);
}
