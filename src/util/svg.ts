/**
 * SVG images are made inert before any edition gets them: parsed as XML (no DTD, no entities), then
 * stripped of what can run or fetch, and written back from the parsed tree, so the bytes that were
 * checked are the bytes that ship (no second parser can read the original differently).
 *
 * Removed: `<script>`, `<foreignObject>` (it embeds HTML), `<handler>`/`<listener>`, elements of
 * other namespaces (XHTML among them; RDF and editor data inside `<metadata>` stay, inert), event
 * handler attributes (`on*`), `xml:base`, any `href`/`xlink:href`/`src` that is not an in-document
 * `#fragment` or an inline raster image (`data:image/png|jpeg|gif|webp`), animations that target an
 * `href` or a handler, `<style>` elements and attributes whose CSS refers to anything outside the
 * document (`url()`, `@import`), and processing instructions such as `<?xml-stylesheet?>`. Links
 * (`<a>`) give way to their content: an image's links are never followed.
 * Refused (the image cannot be made safe or is not an SVG): not UTF-8, a DOCTYPE with an internal
 * subset (entity declarations: billion laughs, external entities), XML that is not well-formed, a
 * root element that is not `<svg>` in the SVG namespace.
 */
import { XMLSerializer, type Element, type Node } from '@xmldom/xmldom';
import { cssReferences } from './css-urls.js';
import { parseXml } from './xml.js';

export type SvgResult = { ok: true; data: Uint8Array; removed: string[] } | { ok: false; reason: string };

const svgNs = 'http://www.w3.org/2000/svg';
const xmlNs = 'http://www.w3.org/XML/1998/namespace';
const xhtmlNs = 'http://www.w3.org/1999/xhtml';

/** SVG elements that run script or embed another document. */
const activeElements = new Set(['script', 'foreignobject', 'handler', 'listener']);
const animations = new Set(['set', 'animate', 'animatetransform', 'animatemotion', 'animatecolor', 'discard']);
/** An inline raster image: bytes, nothing fetched, nothing run. */
const inertImage = /^data:image\/(png|jpeg|gif|webp)[;,]/i;

export function sanitizeSvg(bytes: Uint8Array): SvgResult {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { ok: false, reason: 'is not UTF-8 text' };
  }
  const encoding = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']/.exec(text)?.[1];
  if (encoding && !/^(utf-?8|us-ascii)$/i.test(encoding)) return { ok: false, reason: `declares the encoding ${encoding.slice(0, 20)} (only UTF-8 is read)` };
  if (/<!DOCTYPE[^>[]*\[/i.test(text)) return { ok: false, reason: 'declares entities in its DOCTYPE (they can expand without bound or read other files)' };

  const parsed = parseXml(text, 'text/xml');
  if (!parsed.ok) {
    const at = parsed.problem.line ? ` (line ${parsed.problem.line}, column ${parsed.problem.column})` : '';
    return { ok: false, reason: `is not well-formed XML: ${parsed.problem.message}${at}` };
  }
  const doc = parsed.doc;
  const root = doc.documentElement!;
  if (root.localName !== 'svg' || root.namespaceURI !== svgNs) return { ok: false, reason: `has the root element <${root.nodeName}>, not <svg xmlns="${svgNs}">` };

  const removed: string[] = [];
  const note = (what: string) => {
    if (!removed.includes(what)) removed.push(what);
  };
  for (const child of Array.from(doc.childNodes)) {
    if (child.nodeType === 10) doc.removeChild(child); // the DOCTYPE (no internal subset): not needed, never loaded
    else if (child.nodeType === 7 && child.nodeName !== 'xml') {
      doc.removeChild(child);
      note(`<?${child.nodeName}?>`);
    }
  }
  scrubElement(root, false, note);
  const out = new XMLSerializer().serializeToString(doc);
  return { ok: true, data: new TextEncoder().encode(out), removed };
}

function scrubElement(el: Element, inMetadata: boolean, note: (what: string) => void): void {
  scrubAttributes(el, note);
  for (const child of Array.from(el.childNodes) as Node[]) {
    if (child.nodeType === 7) {
      el.removeChild(child);
      note(`<?${child.nodeName}?>`);
      continue;
    }
    if (child.nodeType !== 1) continue; // text, CDATA, comments: inert
    const c = child as Element;
    const name = (c.localName ?? c.nodeName).toLowerCase();
    if (c.namespaceURI !== svgNs) {
      // Metadata in other vocabularies (RDF, editors' own) is inert data; HTML or SVG inside it is not.
      if (inMetadata && c.namespaceURI && c.namespaceURI !== xhtmlNs) {
        scrubElement(c, true, note);
        continue;
      }
      el.removeChild(c);
      note(`<${c.nodeName}> (${c.namespaceURI === xhtmlNs ? 'HTML' : 'not SVG'})`);
      continue;
    }
    if (activeElements.has(name)) {
      el.removeChild(c);
      note(`<${c.localName}>`);
      continue;
    }
    if (animations.has(name)) {
      const target = (c.getAttribute('attributeName') ?? '').trim().toLowerCase();
      if (/(^|:)href$/.test(target) || target.startsWith('on') || target === 'style') {
        el.removeChild(c);
        note(`<${c.localName} attributeName="${target}">`);
        continue;
      }
    }
    if (name === 'style') {
      const bad = foreignCss(c.textContent ?? '');
      if (bad) {
        el.removeChild(c);
        note(`<style> with ${bad}`);
        continue;
      }
    }
    scrubElement(c, inMetadata || name === 'metadata', note);
    // An image's links are never followed (an SVG shown by <img> is not interactive), and EPUB
    // checkers ask every SVG link for a title: the <a> goes, its content stays.
    if (name === 'a') {
      while (c.firstChild) el.insertBefore(c.firstChild, c);
      el.removeChild(c);
    }
  }
}

function scrubAttributes(el: Element, note: (what: string) => void): void {
  for (const attr of Array.from(el.attributes)) {
    const local = (attr.localName ?? attr.name).toLowerCase();
    const value = attr.value;
    let why: string | undefined;
    if (local.startsWith('on')) why = `${attr.name} handler`;
    else if (attr.namespaceURI === xmlNs && local === 'base') why = 'xml:base';
    else if (local === 'href' || local === 'src') {
      const v = value.trim();
      if (!v.startsWith('#') && !inertImage.test(v)) why = `${attr.name}="${short(v)}"`;
    } else if (value.includes('(') || value.includes('\\')) {
      // style and presentation attributes (fill, filter, mask, clip-path ...) may hold url(...)
      const bad = foreignCss(value) ?? (local === 'style' && /expression\s*\(|-moz-binding|behavior\s*:/i.test(value) ? 'a script expression' : undefined);
      if (bad) why = `${attr.name} with ${bad}`;
    }
    if (why) {
      el.removeAttributeNode(attr);
      note(why);
    }
  }
}

/** What in a piece of SVG CSS points outside the document, if anything. */
function foreignCss(css: string): string | undefined {
  for (const ref of cssReferences(css)) {
    if (ref.via === 'import') return `@import "${short(ref.url)}"`;
    if (!ref.url.startsWith('#') && !inertImage.test(ref.url)) return `url(${short(ref.url)})`;
  }
  return undefined;
}

function short(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
