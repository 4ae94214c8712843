/**
 * The last look at an EPUB before it is written: every XML file in it (content documents, nav, NCX,
 * package document, container) must be well-formed XML, ids must be unique in each document, and
 * every reference inside the book must resolve: a link to `file#id` needs the file and the id, an
 * image or stylesheet needs its file, the package's manifest needs its files and its spine needs
 * manifest items. A book that fails is not written (the brief fails with `epub-invalid`): reading
 * systems and epubcheck would refuse it, and a build must not report it as made.
 */
import path from 'node:path';
import type { Element } from '@xmldom/xmldom';
import { parseXml, type XmlProblem } from '../../util/xml.js';

export interface EpubProblem extends XmlProblem {
  /** Path inside the zip, e.g. `OEBPS/brief.xhtml`. */
  document: string;
}

const xmlFile = /\.(xhtml|html|opf|ncx|xml|svg)$/i;
const linkAttributes = ['href', 'src', 'xlink:href', 'poster', 'data'];

/** Problems of a book given as its zip entries (name -> bytes). */
export function verifyEpub(entries: Map<string, Uint8Array>): EpubProblem[] {
  const problems: EpubProblem[] = [];
  const ids = new Map<string, Set<string>>();
  const docs: { name: string; root: Element }[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });

  for (const [name, bytes] of entries) {
    if (!xmlFile.test(name)) continue;
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      problems.push({ document: name, line: 0, column: 0, message: 'is not UTF-8' });
      continue;
    }
    const parsed = parseXml(text, 'text/xml');
    if (!parsed.ok) {
      problems.push({ document: name, ...parsed.problem, message: `is not well-formed XML: ${parsed.problem.message}` });
      continue;
    }
    const root = parsed.doc.documentElement!;
    const seen = new Set<string>();
    for (const el of elements(root)) {
      const id = el.getAttribute('id');
      if (id === null) continue;
      if (seen.has(id)) problems.push({ document: name, line: el.lineNumber ?? 0, column: el.columnNumber ?? 0, message: `has the id \`${id}\` twice` });
      seen.add(id);
    }
    ids.set(name, seen);
    docs.push({ name, root });
  }

  for (const { name, root } of docs) {
    const isPackage = name.endsWith('.opf');
    const manifestIds = new Set<string>();
    for (const el of elements(root)) {
      const local = el.localName ?? el.nodeName;
      if (isPackage && local === 'item') manifestIds.add(el.getAttribute('id') ?? '');
      // The container names the package document by a path from the zip's root, not from META-INF/.
      const base = name === 'META-INF/container.xml' ? '' : path.posix.dirname(name);
      for (const attr of linkAttributes) {
        const value = el.getAttribute(attr);
        if (value === null || value === '') continue;
        const why = unresolved(value, name, base, entries, ids);
        if (why) problems.push({ document: name, line: el.lineNumber ?? 0, column: el.columnNumber ?? 0, message: `<${el.nodeName} ${attr}="${value.slice(0, 60)}">: ${why}` });
      }
      if (local === 'rootfile') {
        const value = el.getAttribute('full-path') ?? '';
        if (!entries.has(value)) problems.push({ document: name, line: el.lineNumber ?? 0, column: el.columnNumber ?? 0, message: `names the package document ${value}, which the book does not hold` });
      }
    }
    if (isPackage) {
      for (const el of elements(root)) {
        if ((el.localName ?? el.nodeName) !== 'itemref') continue;
        const idref = el.getAttribute('idref') ?? '';
        if (!manifestIds.has(idref)) problems.push({ document: name, line: el.lineNumber ?? 0, column: el.columnNumber ?? 0, message: `the spine names \`${idref}\`, which the manifest does not list` });
      }
    }
  }
  return problems;
}

/** Why a reference from `doc` does not resolve inside the book, or undefined when it does. */
function unresolved(value: string, doc: string, base: string, entries: Map<string, Uint8Array>, ids: Map<string, Set<string>>): string | undefined {
  const v = value.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(v)) {
    return /^(https?|mailto):/i.test(v) ? undefined : `the scheme ${v.slice(0, v.indexOf(':') + 1)} has nothing to point at in a book`;
  }
  if (v.startsWith('//') || v.startsWith('/')) return 'an absolute path has nothing to point at in a book';
  const hash = v.indexOf('#');
  const filePart = hash < 0 ? v : v.slice(0, hash);
  let fragment = hash < 0 ? undefined : v.slice(hash + 1);
  let target = doc;
  if (filePart) {
    let rel = filePart.split('?')[0]!;
    try {
      rel = decodeURIComponent(rel);
    } catch {
      return 'the path is not valid percent-encoding';
    }
    target = path.posix.normalize(path.posix.join(base, rel));
    if (target.startsWith('../')) return 'the path leaves the book';
    if (!entries.has(target)) return `the book holds no ${target}`;
  }
  if (fragment !== undefined && fragment !== '') {
    try {
      fragment = decodeURIComponent(fragment);
    } catch {
      return 'the fragment is not valid percent-encoding';
    }
    const targetIds = ids.get(target);
    // Fragments into non-XML files (an SVG view, a PDF page) are not ours to check.
    if (targetIds && !targetIds.has(fragment)) return `${target === doc ? 'this document' : target} has no element with the id \`${fragment}\``;
  }
  return undefined;
}

function* elements(root: Element): Generator<Element> {
  const stack: Element[] = [root];
  while (stack.length) {
    const el = stack.pop()!;
    yield el;
    const kids = el.childNodes;
    for (let i = kids.length - 1; i >= 0; i--) {
      const k = kids.item(i);
      if (k && k.nodeType === 1) stack.push(k as Element);
    }
  }
}
