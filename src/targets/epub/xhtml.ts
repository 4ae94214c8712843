/**
 * hast to XHTML (the XML serialization of HTML that EPUB content documents must use).
 * hast-util-to-html writes boolean attributes bare (`<input disabled>`), which is not XML; this small
 * serializer writes every attribute with a value and closes every void element.
 */
import type { Element, Root, RootContent } from 'hast';
import { find, html, svg } from 'property-information';

const voidElements = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

export function toXhtml(node: Root | RootContent, inSvg = false): string {
  switch (node.type) {
    case 'root':
      return node.children.map((c) => toXhtml(c, inSvg)).join('');
    case 'text':
      return escapeText(node.value);
    case 'element':
      return element(node, inSvg);
    default:
      // Comments, doctypes and raw nodes never reach an EPUB: raw HTML was sanitized into elements.
      return '';
  }
}

function element(node: Element, parentSvg: boolean): string {
  const isSvg = parentSvg || node.tagName === 'svg';
  const schema = isSvg ? svg : html;
  let attrs = '';
  if (node.tagName === 'svg' && !parentSvg) attrs += ' xmlns="http://www.w3.org/2000/svg"';
  for (const [key, value] of Object.entries(node.properties ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    const info = find(schema, key);
    let text: string;
    if (value === true) text = info.boolean || info.overloadedBoolean ? info.attribute : '';
    else if (Array.isArray(value)) text = value.map(String).join(info.commaSeparated ? ', ' : ' ');
    else text = String(value);
    attrs += ` ${info.attribute}="${escapeAttribute(text)}"`;
  }
  const children = node.tagName === 'template' ? [] : node.children;
  if (children.length === 0 && (voidElements.has(node.tagName) || isSvg)) return `<${node.tagName}${attrs}/>`;
  return `<${node.tagName}${attrs}>${children.map((c) => toXhtml(c, isSvg)).join('')}</${node.tagName}>`;
}

/** Characters XML 1.0 forbids are dropped; markup characters are escaped. */
export function escapeText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttribute(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}
