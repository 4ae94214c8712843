/**
 * The structure tree, finished where Chromium's tagging stops short of PDF/UA-1:
 *
 * - the Q/A labels ("Q1", "A1": spans Chromium tags as NonStruct) become `Lbl`, so a screen reader
 *   announces them as labels of their question or answer, not as words of it;
 * - a list item's content (text runs and inline elements beside its Lbl) goes into an LBody;
 * - every link annotation gets /Contents (PDF/UA-1 7.18.5, Matterhorn 28-012), the text of its Link element (a note
 *   reference "1" reads "Note 1"; a link with no words, such as the notes' back arrows, says where
 *   it goes).
 *
 * The text of a structure element is read from the page content it marks (pagetext.ts), after the
 * soft hyphens are gone.
 */
import { PDFArray, PDFDict, PDFName, PDFNumber, PDFRef, PDFString, PDFHexString, type PDFDocument, type PDFObject } from '../../pdf/index.js';
import type { PageText } from './pagetext.js';

export interface StructureReport {
  /** Label spans retagged as Lbl. */
  labels: number;
  /** Link annotations given /Contents. */
  linkContents: number;
  /** List item bodies retagged LBody. */
  listBodies: number;
}

export interface StructureOptions {
  /** The label texts the brief prints (`Q1`, `A1` ...). */
  labels: string[];
  /** How a note reference and a back link are described (/Contents), in the brief's language; `{n}` is the number. */
  linkWords?: { noteRef: string; backlink: string };
}

const headingOrParagraph = /^(H[1-6]?|P)$/;

export function finishStructure(doc: PDFDocument, pages: PageText[], options: StructureOptions): StructureReport {
  const report: StructureReport = { labels: 0, linkContents: 0, listBodies: 0 };
  const root = doc.catalog.lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict);
  if (!root) return report;
  const pageIndex = new Map<PDFRef, number>();
  doc.getPages().forEach((p, i) => pageIndex.set(p.ref, i));
  // Compared without white space: a label in two fonts (Cyrillic "В" and the digit "1" come from
  // two subsets) reads as two runs, "В\n1".
  const labels = new Set(options.labels.map((l) => l.replace(/\s+/g, '')));

  const textCache = new Map<PDFDict, string>();
  const textOf = (el: PDFDict, pg: PDFObject | undefined, depth = 0): string => {
    const cached = textCache.get(el);
    if (cached !== undefined) return cached;
    const ownPg = el.get(PDFName.of('Pg')) ?? pg;
    let s = '';
    const kids = el.get(PDFName.of('K'));
    const list = kids instanceof PDFArray ? kids.asArray() : kids ? [kids] : [];
    for (const k of list) {
      const kid = k instanceof PDFRef ? doc.context.lookup(k) : k;
      if (kid instanceof PDFNumber) s += mcidText(ownPg, kid.asNumber());
      else if (kid instanceof PDFDict) {
        const type = kid.lookupMaybe(PDFName.of('Type'), PDFName)?.decodeText();
        if (type === 'MCR') {
          const id = kid.lookupMaybe(PDFName.of('MCID'), PDFNumber);
          if (id) s += mcidText(kid.get(PDFName.of('Pg')) ?? ownPg, id.asNumber());
        } else if (type !== 'OBJR' && depth < 64) s += textOf(kid, ownPg, depth + 1);
      }
    }
    textCache.set(el, s);
    return s;
  };
  const mcidText = (pg: PDFObject | undefined, mcid: number) => {
    const i = pg instanceof PDFRef ? pageIndex.get(pg) : undefined;
    return i === undefined ? '' : (pages[i]?.mcids.get(mcid) ?? '');
  };

  // Labels: the first element child of a heading or paragraph, whose whole text is a label.
  const seen = new Set<PDFDict>();
  const walk = (node: PDFObject | undefined, pg: PDFObject | undefined) => {
    const n = node instanceof PDFRef ? doc.context.lookup(node) : node;
    if (n instanceof PDFArray) return n.asArray().forEach((k) => walk(k, pg));
    if (!(n instanceof PDFDict) || seen.has(n)) return;
    seen.add(n);
    const ownPg = n.get(PDFName.of('Pg')) ?? pg;
    const s = n.lookupMaybe(PDFName.of('S'), PDFName)?.decodeText() ?? '';
    if (s === 'LI' && wrapListBody(doc, n)) report.listBodies++;
    if (headingOrParagraph.test(s)) {
      const kids = n.get(PDFName.of('K'));
      const first = kids instanceof PDFArray ? kids.lookup(0) : kids instanceof PDFRef ? doc.context.lookup(kids) : kids;
      if (first instanceof PDFDict) {
        const fs = first.lookupMaybe(PDFName.of('S'), PDFName)?.decodeText();
        if ((fs === 'NonStruct' || fs === 'Span') && labels.has(textOf(first, ownPg).replace(/\s+/g, ''))) {
          first.set(PDFName.of('S'), PDFName.of('Lbl'));
          report.labels++;
        }
      }
    }
    walk(n.get(PDFName.of('K')), ownPg);
  };
  walk(root.get(PDFName.of('K')), undefined);

  // Links: /Contents from the Link element the annotation belongs to (through the parent tree).
  const parents = numberTree(doc, root.get(PDFName.of('ParentTree')));
  doc.getPages().forEach((page) => {
    const annots = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray);
    for (const a of annots?.asArray() ?? []) {
      const annot = a instanceof PDFRef ? doc.context.lookup(a) : a;
      if (!(annot instanceof PDFDict) || annot.get(PDFName.of('Subtype')) !== PDFName.of('Link')) continue;
      const existing = annot.lookup(PDFName.of('Contents'));
      if ((existing instanceof PDFString || existing instanceof PDFHexString) && existing.decodeText().trim()) continue;
      const key = annot.lookupMaybe(PDFName.of('StructParent'), PDFNumber)?.asNumber();
      const parent = key === undefined ? undefined : parents.get(key);
      const el = parent instanceof PDFRef ? doc.context.lookup(parent) : parent;
      const words = el instanceof PDFDict ? textOf(el, el.get(PDFName.of('Pg')) ?? page.ref).replace(/\s+/g, ' ').trim() : '';
      annot.set(PDFName.of('Contents'), PDFHexString.fromText(describeLink(words, annot, options.linkWords)));
      report.linkContents++;
    }
  });
  return report;
}

function describeLink(words: string, annot: PDFDict, linkWords = { noteRef: 'Note {n}', backlink: 'Back to reference {n} in the text' }): string {
  const action = annot.lookupMaybe(PDFName.of('A'), PDFDict);
  const uri = action?.lookup(PDFName.of('URI'));
  const target = uri instanceof PDFString || uri instanceof PDFHexString ? uri.decodeText() : undefined;
  if (!target) {
    // Inside the document: a note reference is its number; a back link ("↩", "↩ 2") has no words.
    if (/^\d+$/.test(words)) return linkWords.noteRef.replace('{n}', words);
    if (!/\p{L}/u.test(words)) {
      const n = /\d+/.exec(words)?.[0];
      return linkWords.backlink.replace('{n}', n ?? '').replace(/\s+/g, ' ').trim();
    }
    return words;
  }
  return /\p{L}|\p{N}/u.test(words) ? words : target.replace(/^mailto:/, '');
}

/**
 * Chromium puts a list item's content straight into the LI beside its Lbl (NonStruct runs, Code,
 * Link ...); ISO 32000 Table 337 wants it in an LBody. Each run of such elements is moved into a new
 * LBody (their /P updated). An item with marked content of its own (MCIDs straight under the LI,
 * which the parent tree would have to follow) is left as it is.
 */
function wrapListBody(doc: PDFDocument, li: PDFDict): boolean {
  const k = li.get(PDFName.of('K'));
  const kids = k instanceof PDFArray ? k.asArray() : k ? [k] : [];
  const resolved = kids.map((x) => (x instanceof PDFRef ? doc.context.lookup(x) : x));
  if (resolved.some((x) => !(x instanceof PDFDict) || x.get(PDFName.of('Type')) === PDFName.of('MCR') || x.get(PDFName.of('Type')) === PDFName.of('OBJR'))) return false;
  const roleOf = (x: PDFObject | undefined) => (x instanceof PDFDict ? x.lookupMaybe(PDFName.of('S'), PDFName)?.decodeText() : undefined);
  const keep = (x: PDFObject | undefined) => ['Lbl', 'LBody', 'L'].includes(roleOf(x) ?? '');
  if (resolved.every(keep)) return false;
  const liRef = doc.context.getObjectRef(li);
  if (!liRef) return false;
  const out: PDFObject[] = [];
  let body: { dict: PDFDict; kids: PDFArray } | undefined;
  kids.forEach((kid, i) => {
    const el = resolved[i] as PDFDict;
    if (keep(el)) {
      out.push(kid);
      body = undefined;
      return;
    }
    if (!body) {
      const bodyKids = doc.context.obj([]);
      const dict = doc.context.obj({ Type: 'StructElem', S: 'LBody', P: liRef, K: bodyKids });
      const pg = el.get(PDFName.of('Pg'));
      if (pg) dict.set(PDFName.of('Pg'), pg);
      body = { dict, kids: bodyKids };
      out.push(doc.context.register(dict));
    }
    body.kids.push(kid);
    el.set(PDFName.of('P'), doc.context.getObjectRef(body.dict)!);
  });
  li.set(PDFName.of('K'), doc.context.obj(out));
  return true;
}

/** A number tree (the parent tree) flattened: key -> value. */
function numberTree(doc: PDFDocument, node: PDFObject | undefined, out = new Map<number, PDFObject>(), depth = 0): Map<number, PDFObject> {
  const n = node instanceof PDFRef ? doc.context.lookup(node) : node;
  if (!(n instanceof PDFDict) || depth > 32) return out;
  const nums = n.lookupMaybe(PDFName.of('Nums'), PDFArray);
  for (let i = 0; nums && i + 1 < nums.size(); i += 2) {
    const k = nums.lookup(i);
    const v = nums.get(i + 1);
    if (k instanceof PDFNumber && v) out.set(k.asNumber(), v);
  }
  for (const kid of n.lookupMaybe(PDFName.of('Kids'), PDFArray)?.asArray() ?? []) numberTree(doc, kid, out, depth + 1);
  return out;
}
