/**
 * XML parsing for the two places that must trust a document's structure: SVG images (sanitized
 * before use) and the EPUB's XHTML (checked before the book is written). @xmldom/xmldom builds the
 * DOM; it never loads a DTD or an external entity, and it reports undefined entities. Two things it
 * lets through that XML 1.0 forbids are checked here first: characters outside the XML character
 * range and a bare `&` that starts no reference.
 */
import { DOMParser, type Document } from '@xmldom/xmldom';
import { offsetToPosition } from './diagnostics.js';

export interface XmlProblem {
  message: string;
  /** 1-based; 0 when unknown. */
  line: number;
  column: number;
}

export type ParsedXml = { ok: true; doc: Document } | { ok: false; problem: XmlProblem };

// eslint-disable-next-line no-control-regex
const badChar = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const bareAmp = /&(?![A-Za-z_:][\w.:-]*;|#[0-9]+;|#x[0-9A-Fa-f]+;)/;

/** Parse `text` as XML (`mimeType` as for DOMParser); any error, not only fatal ones, is a problem. */
export function parseXml(text: string, mimeType = 'text/xml'): ParsedXml {
  const bad = badChar.exec(text);
  if (bad) return { ok: false, problem: { message: 'holds a character XML does not allow', ...offsetToPosition(text, bad.index) } };
  const amp = bareAmp.exec(stripMarkup(text));
  if (amp) return { ok: false, problem: { message: 'holds an `&` that starts no entity or character reference', ...offsetToPosition(text, amp.index) } };
  let first: XmlProblem | undefined;
  const onError = (level: string, msg: string, context: { locator?: { lineNumber?: number; columnNumber?: number } } | undefined) => {
    if (level === 'warning' || first) return;
    first = { message: msg.split('\n')[0]!, line: context?.locator?.lineNumber ?? 0, column: context?.locator?.columnNumber ?? 0 };
  };
  let doc: Document;
  try {
    doc = new DOMParser({ onError, locator: true }).parseFromString(text, mimeType);
  } catch (e) {
    const loc = (e as { locator?: { lineNumber?: number; columnNumber?: number } }).locator;
    return { ok: false, problem: first ?? { message: String((e as Error).message).split('\n')[0]!, line: loc?.lineNumber ?? 0, column: loc?.columnNumber ?? 0 } };
  }
  if (first) return { ok: false, problem: first };
  if (!doc.documentElement) return { ok: false, problem: { message: 'has no root element', line: 0, column: 0 } };
  return { ok: true, doc };
}

/** The text with comments and CDATA sections blanked (same length): `&` is literal there. */
function stripMarkup(text: string): string {
  return text.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/g, (m) => m.replace(/[^\n]/g, ' '));
}
