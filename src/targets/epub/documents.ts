/**
 * The Brief's parts laid out as EPUB content documents (cover, brief, notes, about, colophon), as
 * XHTML fragments for the theme's `epub/chapter.xhtml.ejs`. Markdown footnotes become EPUB endnotes:
 * references and backlinks get their epub:type and DPUB-ARIA role, and every in-book link is
 * pointed at the document that holds its target.
 */
import type { Element, Root } from 'hast';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import type { Brief } from '../../model/brief.js';
import { BriefpressError, type Diagnostic } from '../../util/diagnostics.js';
import { displayPath } from '../../util/paths.js';
import { formatDate } from '../html.js';
import { fill, type Labels } from './labels.js';
import { toXhtml } from './xhtml.js';

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
  /** Everything the theme's chapter template shows for this part (fragments already XHTML). */
  view: Record<string, unknown>;
}

export const files: Record<PartName, string> = {
  cover: 'cover.xhtml',
  brief: 'brief.xhtml',
  notes: 'notes.xhtml',
  about: 'about.xhtml',
  colophon: 'colophon.xhtml',
};

/** Ids the chapter template itself writes (headings the nav and aria-labelledby point at). */
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
 * `authorCard` gives an author's name, title and affiliation as the theme lays them out (XHTML, the
 * theme's `partials/author.html`): it opens the author's entry on the about page.
 */
export function layoutDocuments(brief: Brief, labels: Labels, coverHref: string, authorCard: (a: Brief['authors'][number]) => string = () => ''): { documents: EpubDocument[]; counts: Counts } {
  // Work on copies: the model is shared with the other targets.
  const body = structuredClone(brief.body);
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
  const byline = n <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} ${labels.and} ${names[n - 1]}`;
  const fullTitle = brief.subtitle ? `${brief.title}: ${brief.subtitle}` : brief.title;
  const labelLang = labels.lang === brief.language ? undefined : labels.lang;

  const documents: EpubDocument[] = [
    {
      part: 'cover',
      file: files.cover,
      id: 'cover',
      title: labels.cover,
      epubType: 'cover',
      view: { src: coverHref, alt: fill(labels.coverAlt, { title: fullTitle, authors: byline }), labelLang },
    },
    {
      part: 'brief',
      file: files.brief,
      id: 'brief',
      title: brief.title,
      epubType: 'bodymatter',
      view: {
        series: brief.series.name,
        number: brief.number === undefined ? undefined : `${labels.number} ${brief.number}`,
        heading: brief.title,
        subtitle: brief.subtitle,
        byline,
        date: brief.date,
        dateLong: formatDate(brief.date, brief.language),
        summary: brief.summary,
        body: toXhtml(body),
      },
    },
  ];
  if (hasNotes) {
    documents.push({ part: 'notes', file: files.notes, id: 'notes', title: labels.notes, epubType: 'backmatter', view: { heading: labels.notes, labelLang, notes: toXhtml(notes) } });
  }
  const about = n > 1 ? labels.aboutMany : labels.aboutOne;
  documents.push({
    part: 'about',
    file: files.about,
    id: 'about',
    title: about,
    epubType: 'backmatter',
    view: { heading: about, labelLang, authors: brief.authors.map((a, i) => ({ name: a.name, title: a.title, affiliation: a.affiliation, bio: authorCard(a) + toXhtml(bios[i]!) })) },
  });
  documents.push({
    part: 'colophon',
    file: files.colophon,
    id: 'colophon',
    title: labels.colophon,
    epubType: 'backmatter',
    view: { heading: labels.colophon, labelLang, disclaimer: toXhtml(disclaimer), copyright: toXhtml(copyright), identifier: brief.identifier },
  });
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
