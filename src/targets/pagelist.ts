/**
 * Page correspondence (issue #15): where each page of the print PDF starts in the brief's text, and
 * page break markers at those places in the EPUB and the web edition.
 *
 * The PDF target reads each printed page's tagged text (artifacts such as the running footer left
 * out) and publishes it for the brief's other targets (`PageRendezvous`, made per brief by the build
 * when the PDF is among the formats). The EPUB and web targets wait for it, find the first letters of
 * each page in the brief's parts (body, notes, bios, disclaimer, copyright: letters and digits only,
 * so hyphenation, dashes, quotes and spacing do not matter) and put a marker there: between words,
 * never inside a word, a heading or a link (it moves before the heading or link). Page 1's marker is
 * the templates' (`pageOne`): before the title block, where the print's first page starts.
 */
import type { Element, ElementContent, Root, Text } from 'hast';
import type { Brief } from '../model/brief.js';
import type { PageText } from './pdf/pagetext.js';
import { pageMarkLabel } from './cite/words.js';

/** One printed page: its number, its label (as the PDF prints it) and its first words (tagged text, in reading order). */
export interface PrintedPage {
  page: number;
  label: string;
  words: string[];
}

export interface PrintedPages {
  /** The PDF's file name (the page break source). */
  source: string;
  pages: PrintedPage[];
}

/** Where the brief's other targets wait for the print's pages. Settled once: with the pages, or `undefined` when the print failed. */
export interface PageRendezvous {
  promise: Promise<PrintedPages | undefined>;
  settle: (pages: PrintedPages | undefined) => void;
}

export function pageRendezvous(): PageRendezvous {
  let settle!: (p: PrintedPages | undefined) => void;
  const promise = new Promise<PrintedPages | undefined>((resolve) => (settle = resolve));
  let done = false;
  return {
    promise,
    settle: (p) => {
      if (!done) settle(p);
      done = true;
    },
  };
}

/** How many words of each page are kept to find it (more than enough: 40 letters are looked for). */
const wordsKept = 80;

/** Each page's first words from the PDF's text layer (marked content in MCID order: the footer and other artifacts are not in it). */
export function printedPages(source: string, pages: PageText[]): PrintedPages {
  return {
    source,
    pages: pages.map((p) => {
      const text = [...p.mcids.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t).join(' ');
      return { page: p.page, label: String(p.page), words: text.split(/\s+/).filter(Boolean).slice(0, wordsKept) };
    }),
  };
}

/** Letters and digits, lower case, compatibility forms folded (ligatures): what both texts are compared by. */
export function letters(s: string): string {
  let out = '';
  for (const ch of s) out += letterOf(ch);
  return out;
}

const letterOrNumber = /[\p{L}\p{N}]/u;

/** `letters` of one code point: ASCII decided by its code (the same answer, without normalizing). */
function letterOf(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) ? ch : c >= 0x41 && c <= 0x5a ? String.fromCharCode(c + 32) : '';
  let out = '';
  for (const l of ch.normalize('NFKC').toLowerCase()) if (letterOrNumber.test(l)) out += l;
  return out;
}

/** The parts of a brief in the order they are printed, each a hast tree the markers may go into. */
export type PartName = 'body' | 'notes' | 'bio' | 'disclaimer' | 'copyright' | 'cite';

export interface PlacedPage {
  page: number;
  label: string;
  id: string;
  /** The part the marker is in (`undefined` for page 1: the templates' marker before the title block; `cite`: the templates' marker before "Cite this brief"). */
  part?: PartName;
  /** Index of the author whose bio holds it. */
  author?: number;
}

export interface MarkedBrief {
  /** A copy of the brief with markers in its trees. */
  brief: Brief;
  /** Every page that got a marker, in order (page 1 first). */
  pages: PlacedPage[];
  /** Pages whose start was not found in the text (they get no marker: none is invented). */
  missing: number[];
  source: string;
}

export type MarkerStyle = 'epub' | 'web';

/** The marker element: `<span epub:type="pagebreak" role="doc-pagebreak" id="page-2" aria-label="2">` (web: the margin label in `data-label`). */
export function marker(label: string, style: MarkerStyle): Element {
  const properties: Element['properties'] = { id: `page-${label}`, role: 'doc-pagebreak', ariaLabel: label };
  if (style === 'epub') properties['epub:type'] = 'pagebreak';
  else {
    properties.className = ['pagebreak'];
    properties.dataLabel = pageMarkLabel(label);
  }
  return { type: 'element', tagName: 'span', properties, children: [] };
}

interface Hop {
  parent: Root | Element;
  index: number;
}

interface TextAt {
  node: Text;
  /** From the part's root down to the text node: each step's parent and the child's index in it. */
  path: Hop[];
  part: number;
}

const inline = new Set(['a', 'abbr', 'b', 'bdi', 'bdo', 'cite', 'code', 'data', 'del', 'dfn', 'em', 'i', 'ins', 'kbd', 'mark', 'q', 's', 'samp', 'small', 'span', 'strong', 'sub', 'sup', 'time', 'u', 'var']);
const headings = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** Elements whose text a marker never goes into (an SVG's or formula's text is not HTML flow). */
const opaque = new Set(['template', 'svg', 'math', 'script', 'style']);

/**
 * Put the print's page breaks into a copy of the brief. `pages` undefined (no PDF built, or it failed):
 * the brief unchanged, no pages.
 */
export function markPages(brief: Brief, printed: PrintedPages | undefined, style: MarkerStyle, tail?: string): MarkedBrief | undefined {
  if (!printed || printed.pages.length === 0) return undefined;
  const copy: Brief = {
    ...brief,
    body: structuredClone(brief.body),
    notes: structuredClone(brief.notes),
    authors: brief.authors.map((a) => ({ ...a, bio: structuredClone(a.bio) })),
    disclaimer: structuredClone(brief.disclaimer),
    copyright: structuredClone(brief.copyright),
  };
  const parts: { name: PartName; tree: Root; author?: number }[] = [
    { name: 'body', tree: copy.body },
    { name: 'notes', tree: copy.notes },
    ...copy.authors.map((a, i) => ({ name: 'bio' as const, tree: a.bio, author: i })),
    { name: 'disclaimer', tree: copy.disclaimer },
    { name: 'copyright', tree: copy.copyright },
  ];
  // The letters of every part, in print order, each with the text node and offset it comes from.
  const texts: TextAt[] = [];
  const partStarts = new Set<number>();
  let stream = '';
  // For each letter of the stream: the text it comes from and its offset there (two arrays of numbers, not an object a letter).
  const fromText: number[] = [];
  const fromOffset: number[] = [];
  parts.forEach((p, partIndex) => {
    // The hops from the part's root down to the node being walked: copied only for a text (an
    // element's children share it), and ASCII read by its code. A 41k-word report walked its
    // ~250 k characters for the web page and the EPUB in ~80 ms of the ~1.4 s after its print.
    const hops: Hop[] = [];
    const walk = (parent: Root | Element) => {
      const children = parent.children;
      for (let index = 0; index < children.length; index++) {
        const child = children[index]!;
        if (child.type === 'text') {
          const t = texts.push({ node: child, path: [...hops, { parent, index }], part: partIndex }) - 1;
          const value = child.value;
          let l = '';
          for (let offset = 0; offset < value.length; ) {
            const c = value.charCodeAt(offset);
            if (c < 0x80) {
              // letterOf's ASCII answer: digits and lowercase as they are, capitals lowered, the rest nothing.
              if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a)) {
                fromText.push(t);
                fromOffset.push(offset);
                l += c >= 0x41 && c <= 0x5a ? String.fromCharCode(c + 32) : value[offset];
              }
              offset++;
              continue;
            }
            const ch = String.fromCodePoint(value.codePointAt(offset)!);
            const one = letterOf(ch);
            for (let k = 0; k < one.length; k++) {
              fromText.push(t);
              fromOffset.push(offset);
            }
            l += one;
            offset += ch.length;
          }
          stream += l;
        } else if (child.type === 'element' && !opaque.has(child.tagName)) {
          hops.push({ parent, index });
          walk(child);
          hops.pop();
        }
      }
    };
    partStarts.add(stream.length);
    walk(p.tree);
  });
  // What the templates print after the parts ("Cite this brief"): a page that starts there gets the templates' marker before it.
  const tailStart = stream.length;
  partStarts.add(tailStart);
  if (tail) stream += letters(tail);

  const placed: PlacedPage[] = [{ page: printed.pages[0]!.page, label: printed.pages[0]!.label, id: `page-${printed.pages[0]!.label}` }];
  const missing: number[] = [];
  const inserts: { at: number; label: string }[] = [];
  let cursor = 0;
  for (const page of printed.pages.slice(1)) {
    const at = findPage(stream, page.words, cursor, partStarts);
    if (at === undefined) {
      missing.push(page.page);
      continue;
    }
    cursor = at + 1;
    if (at >= tailStart) {
      placed.push({ page: page.page, label: page.label, id: `page-${page.label}`, part: 'cite' });
      continue;
    }
    inserts.push({ at, label: page.label });
    const where = texts[fromText[at]!]!;
    const part = parts[where.part]!;
    placed.push({ page: page.page, label: page.label, id: `page-${page.label}`, part: part.name, author: part.author });
  }
  // Last first: an insertion never moves a place found earlier in the document.
  for (const ins of inserts.reverse()) {
    insertMarker(texts, fromText[ins.at]!, fromOffset[ins.at]!, marker(ins.label, style));
  }
  return { brief: copy, pages: placed, missing, source: printed.source };
}

/**
 * Where the page's first letters are in the stream, at or after `cursor`: the longest probe found (160
 * letters, else 80, else 40: a long one does not mistake a repeated phrase for the page's start);
 * up to 24 leading words the brief's parts lack (what a template prints before a part: "About the
 * author" and the author block, name, title and affiliation) are skipped, and then only the start of
 * a part is taken.
 */
function findPage(stream: string, words: string[], cursor: number, partStarts: Set<number>): number | undefined {
  for (let skip = 0; skip <= Math.min(words.length - 1, 24); skip++) {
    const all = letters(words.slice(skip).join(' '));
    if (all.length === 0 || (all.length < 8 && skip > 0)) break;
    for (const n of [160, 80, 40]) {
      const probe = all.slice(0, n);
      // Without skipping, or skipping only a list item's number ("7."; drawn by the list, not in the text).
      if (skip === 0 || (skip === 1 && /^\d+[.)]$/.test(words[0]!))) {
        const at = stream.indexOf(probe, cursor);
        if (at >= 0) return at;
      } else {
        const at = [...partStarts].filter((s) => s >= cursor).sort((a, b) => a - b).find((s) => stream.startsWith(probe, s));
        if (at !== undefined) return at;
      }
    }
  }
  return undefined;
}

/** The marker before the word that holds `offset` of text `t`; out of links and headings, and out of inline elements it would open. */
function insertMarker(texts: TextAt[], t: number, offset: number, mark: Element): void {
  let ti = t;
  let node = texts[ti]!.node;
  let o = offset;
  // Back to the word's start, across text nodes of the same block (`<em>U.S.</em>-Russian`).
  for (;;) {
    while (o > 0 && !/\s/.test(node.value[o - 1]!)) o--;
    if (o > 0 || ti === 0) break;
    const prev = texts[ti - 1]!;
    if (prev.part !== texts[ti]!.part || /\s$/.test(prev.node.value) || prev.node.value === '' || block(prev.path) !== block(texts[ti]!.path)) break;
    ti--;
    node = prev.node;
    o = node.value.length;
  }
  const at = texts[ti]!;
  const path = at.path;
  // Never inside a link or a heading: before the outermost one.
  const outer = path.findIndex((h, i) => i > 0 && isElement(h.parent) && (h.parent.tagName === 'a' || headings.has(h.parent.tagName)));
  let hop: Hop;
  let depth: number;
  if (outer > 0) {
    depth = outer - 1;
    hop = path[depth]!;
  } else {
    depth = path.length - 1;
    hop = path[depth]!;
    if (o > 0 && o < node.value.length) {
      const before: Text = { type: 'text', value: node.value.slice(0, o) };
      node.value = node.value.slice(o);
      hop.parent.children.splice(hop.index, 0, before as ElementContent);
      hop = { parent: hop.parent, index: hop.index + 1 };
    } else if (o > 0) hop = { parent: hop.parent, index: hop.index + 1 };
  }
  // At the very start of an inline element: before it instead.
  while (hop.index === 0 && depth > 0 && isElement(hop.parent) && inline.has(hop.parent.tagName)) {
    depth--;
    hop = path[depth]!;
  }
  hop.parent.children.splice(hop.index, 0, mark);
}

function isElement(n: Root | Element): n is Element {
  return n.type === 'element';
}

/** The nearest ancestor that is not an inline element. */
function block(path: Hop[]): Root | Element {
  for (let i = path.length - 1; i >= 0; i--) {
    const p = path[i]!.parent;
    if (!isElement(p) || !inline.has(p.tagName)) return p;
  }
  return path[0]!.parent;
}

/** The EPUB's page list as data: one entry per marker, its label and the document and id it is at. */
export function pageListEntries(marked: MarkedBrief, fileOf: (p: PlacedPage) => string): { label: string; href: string }[] {
  return marked.pages.map((p) => ({ label: p.label, href: `${fileOf(p)}#${p.id}` }));
}

/**
 * The EPUB's page list nav (`epub:type="page-list"`): a tree for the nav document (src/targets/epub/opf.ts),
 * undefined when there is no page.
 */
export function pageListNav(entries: { label: string; href: string }[], heading: string, headingLang?: string): Element | undefined {
  if (entries.length === 0) return undefined;
  const ll: Element['properties'] = headingLang ? { 'xml:lang': headingLang, lang: headingLang } : {};
  const li = (e: { label: string; href: string }): Element => ({ type: 'element', tagName: 'li', properties: {}, children: [{ type: 'element', tagName: 'a', properties: { href: e.href }, children: [{ type: 'text', value: e.label }] }] });
  const nl = (indent: string) => ({ type: 'text' as const, value: `\n${indent}` });
  return {
    type: 'element',
    tagName: 'nav',
    properties: { 'epub:type': 'page-list', role: 'doc-pagelist', id: 'page-list', ariaLabelledBy: ['page-list-title'], hidden: true },
    children: [
      nl('    '),
      { type: 'element', tagName: 'h2', properties: { id: 'page-list-title', ...ll }, children: [{ type: 'text', value: heading }] },
      nl('    '),
      { type: 'element', tagName: 'ol', properties: {}, children: [...entries.flatMap((e) => [nl('      '), li(e)]), nl('    ')] },
      nl('  '),
    ],
  };
}
