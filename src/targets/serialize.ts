/**
 * The one serializer path of every edition (src/targets/README.md, "One serializer").
 *
 * - HTML (web page, print page, cover, catalog page): a hast tree through the unified processor
 *   with `rehype-stringify`. A theme template (page.html, cover.html, catalog.html), once filled by
 *   the logic-less template code, is parsed with `rehype-parse` into the same tree: the brief's own
 *   parts are spliced in as trees (never as strings), and the whole page is written once.
 * - XHTML (the EPUB's content documents and nav, the cover inside its SVG image): a hast tree, through a unified
 *   processor whose compiler is the syntax-tree XML utilities (`hast-util-to-xast`, then
 *   `xast-util-to-xml`). rehype-stringify cannot write XML: it writes boolean attributes bare
 *   (`<input checked>`) whatever its options, which no XML parser accepts.
 * - XML (the EPUB's package document and NCX, the OPDS feed, the PDF's XMP packet): xast trees
 *   through `xast-util-to-xml`.
 *
 * Nothing here concatenates markup by hand.
 */
import type { Element, ElementContent, Nodes as HastNodes, Root } from 'hast';
import { toXast } from 'hast-util-to-xast';
import rehypeParse from 'rehype-parse';
import rehypeStringify from 'rehype-stringify';
import { unified, type Plugin } from 'unified';
import { visit } from 'unist-util-visit';
import type { Element as XastElement, Nodes as XastNodes, Root as XastRoot, RootContent as XastContent } from 'xast';
import { toXml } from 'xast-util-to-xml';
import type { Theme } from '../theme/theme.js';
import { BriefpressError } from '../util/diagnostics.js';
import { displayPath } from '../util/paths.js';

const htmlParser = unified().use(rehypeParse).freeze();
const fragmentParser = unified().use(rehypeParse, { fragment: true }).freeze();
const htmlWriter = unified().use(rehypeStringify, { upperDoctype: true, characterReferences: { useNamedReferences: true } }).freeze();

/** A hast tree as HTML (rehype-stringify: `<!DOCTYPE html>`, named character references such as `&amp;`). */
export function toHtml(tree: HastNodes): string {
  return htmlWriter.stringify(tree as Root);
}

/** A whole HTML document (a filled theme template, trusted) as a hast tree. */
export function parseHtml(html: string): Root {
  return htmlParser.parse(html);
}

/** A piece of HTML (a filled theme partial, trusted) as a hast tree: no `<html>`, `<head>` or `<body>` added. */
export function parseFragment(html: string): Root {
  return fragmentParser.parse(html);
}

/** XML 1.0 forbids these characters anywhere (text and attribute values alike). */
// eslint-disable-next-line no-control-regex
const notXml = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** HTML lets an attribute be named `@click` or `:x`; XML does not (such attributes mean nothing to a reading system). */
const xmlAttributeName = /^[A-Za-z_][\w.-]*(:[A-Za-z_][\w.-]*)?$/;

/**
 * rehype compiler: hast to XHTML through xast. Booleans get an empty value (`checked=""`), the
 * HTML and SVG namespaces are declared where they start, every empty element is self-closed
 * (`<br/>`, `<a id="x"/>`: XHTML is read by an XML parser), and attributes XML cannot name and
 * characters XML forbids are dropped.
 */
const rehypeXhtml: Plugin<[], Root, string> = function () {
  this.compiler = (tree) => {
    const xast = toXast(tree as Root) as XastNodes;
    visit(xast, (node) => {
      if (node.type === 'text') node.value = node.value.replace(notXml, '');
      if (node.type !== 'element') return;
      for (const [k, v] of Object.entries(node.attributes)) {
        if (!xmlAttributeName.test(k)) delete node.attributes[k];
        else if (typeof v === 'string') node.attributes[k] = v.replace(notXml, '');
      }
    });
    // A whole document starts with the XML declaration.
    if (xast.type === 'root' && xast.children.some((c) => c.type === 'doctype')) xast.children.unshift(xmlDeclaration(), newline());
    return toXml(xast, { closeEmptyElements: true, tightClose: true });
  };
};

const xhtmlWriter = unified().use(rehypeXhtml).freeze();

/** A hast tree as XHTML (a fragment, or a whole document: see `xhtmlDocument`). */
export function toXhtml(tree: HastNodes): string {
  const root: Root = tree.type === 'root' ? tree : { type: 'root', children: [tree as Element] };
  return xhtmlWriter.stringify(root);
}

/**
 * A whole EPUB content document: the XML declaration, `<!DOCTYPE html>` and the `<html>` element,
 * which must carry `xmlns` (and `xmlns:epub` when epub:type is used).
 */
export function xhtmlDocument(html: Element): string {
  return toXhtml({ type: 'root', children: [{ type: 'doctype' }, { type: 'text', value: '\n' }, html, { type: 'text', value: '\n' }] });
}

function xmlDeclaration(): XastContent {
  return { type: 'instruction', name: 'xml', value: 'version="1.0" encoding="UTF-8"' };
}

function newline(): XastContent {
  return { type: 'text', value: '\n' };
}

/** An XML document (OPF, NCX, OPDS; XMP with its own processing instructions): the declaration, then the tree. */
export function xmlDocument(element: XastElement, prolog: XastContent[] = [xmlDeclaration()], epilog: XastContent[] = []): string {
  const root: XastRoot = { type: 'root', children: [...prolog.flatMap((c) => [c, newline()]), element, ...epilog.flatMap((c) => [newline(), c]), ...(epilog.length ? [] : [newline()])] };
  visit(root, (node) => {
    if (node.type === 'text') node.value = node.value.replace(notXml, '');
    if (node.type === 'element') for (const [k, v] of Object.entries(node.attributes)) if (typeof v === 'string') node.attributes[k] = v.replace(notXml, '');
  });
  return toXml(root, { closeEmptyElements: true, tightClose: true });
}

/**
 * Children set one to a line at `indent` (the parent's closing tag at `close`, two spaces less by
 * default), so the XML files stay readable. False, empty and undefined children are left out.
 */
export function indented<T>(indent: string, children: (T | false | undefined | '')[], close = indent.slice(2)): (T | string)[] {
  const out: (T | string)[] = [];
  for (const c of children) if (c) out.push(`\n${indent}`, c);
  out.push(`\n${close}`);
  return out;
}

/** What a template receives in place of a part of the brief: a comment that `fillPage` replaces by the part's tree. */
export function partMarker(key: string): string {
  return `<!--${markerText(key)}-->`;
}

const markerText = (key: string) => `briefpress part ${key}`;

/**
 * A filled theme template (`file`: page.html, cover.html, catalog.html) as the page's HTML: parsed,
 * the brief's parts put in as trees where their markers are, `finish` applied to the tree, then
 * written by rehype-stringify. A marker that is not a comment in the parsed page (the template put
 * `{{{body}}}` in an attribute, a `<title>`, a `<textarea>`...) stops the build at that file: the
 * part would otherwise vanish from the edition.
 */
export function fillPage(theme: Theme, file: string, filled: string, parts: Map<string, Root> = new Map(), finish?: (tree: Root) => Root): string {
  const tree = fillTree(theme, file, filled, parts);
  return toHtml(finish ? finish(tree) : tree);
}

/** `fillPage`'s tree, before it is written (the cover is written as XHTML instead). */
export function fillTree(theme: Theme, file: string, filled: string, parts: Map<string, Root> = new Map()): Root {
  const tree = parseHtml(filled);
  const byMarker = new Map([...parts].map(([key, part]) => [markerText(key), { key, part }]));
  visit(tree, 'comment', (node, index, parent) => {
    const hit = byMarker.get(node.value);
    if (!hit || !parent || index === undefined) return;
    const children = structuredClone(hit.part.children) as ElementContent[];
    parent.children.splice(index, 1, ...children);
    return index + children.length;
  });
  // What is left of a marker after that sits where no element may go.
  const misplaced = parts.size === 0 ? [] : mentioned(tree, [...parts.keys()]);
  if (misplaced.length > 0) {
    throw new BriefpressError(
      misplaced.map((key) => ({
        file: displayPath(theme.path(file)),
        line: 0,
        column: 0,
        severity: 'error' as const,
        message: `${file} puts the brief's ${key.replace(/-\d+$/, '')} where HTML cannot go (in an attribute, <title>, <textarea>, <style> or the like)`,
        ruleId: 'theme-template',
        hint: 'Put the {{{...}}} of a part of the brief between elements, where an element may go.',
      })),
    );
  }
  // The parser drops the line breaks after the doctype and at the end: keep the file readable.
  if (tree.children[0]?.type === 'doctype' && tree.children[1]?.type !== 'text') tree.children.splice(1, 0, { type: 'text', value: '\n' });
  if (tree.children.at(-1)?.type !== 'text') tree.children.push({ type: 'text', value: '\n' });
  return tree;
}

/** The keys whose marker text is left somewhere in the tree (a text, an attribute's value): one walk for them all. */
function mentioned(tree: Root, keys: string[]): string[] {
  const texts = keys.map(markerText);
  const prefix = markerText('');
  const hits = new Set<number>();
  const look = (value: string) => {
    if (!value.includes(prefix)) return;
    texts.forEach((text, i) => {
      if (value.includes(text)) hits.add(i);
    });
  };
  visit(tree, (node) => {
    if (node.type === 'text') look(node.value);
    else if (node.type === 'element') for (const v of Object.values(node.properties)) look(String(v));
  });
  return keys.filter((_, i) => hits.has(i));
}
