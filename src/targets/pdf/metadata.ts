/**
 * The post-process of the printed PDF, with briefpress's PDF object layer (src/pdf: read lazily,
 * written again with a fresh cross-reference table). Chromium writes only Title, its user agent as
 * Creator, `Skia/PDF` as Producer and the current time (FACTS.md), and no XMP: the document
 * information and the XMP packet (xmp.ts) are set here. The pages' text layer loses its soft hyphens
 * and untagged content becomes artifacts (textlayer.ts, artifacts.ts); the structure tree gets its
 * labels, list bodies and link descriptions (structure.ts). Dates come from the build epoch and the
 * file ID from the content, so the same input gives the same bytes.
 */
import { createHash } from 'node:crypto';
import { cleanTextLayer } from './textlayer.js';
import { pageContents, readPage, type FontCache, type PageText } from './pagetext.js';
import { finishStructure } from './structure.js';
import type { Operation } from './content.js';
import { joinKeywords, xmpPacket, type XmpInfo } from './xmp.js';
import { PDFArray, PDFBool, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRef, PDFString, type PDFObject } from '../../pdf/index.js';

export interface PdfInfo {
  title: string;
  author: string;
  subject: string;
  keywords: string[];
  /** Creator and Producer, e.g. `briefpress 0.1.0`. */
  creator: string;
  producer: string;
  /** Seconds since 1970. */
  epoch: number;
  /** BCP 47 language: kept when Chromium wrote one, set otherwise. */
  language: string;
  /** Each author on its own, for the XMP (default: `author` as one). */
  authors?: string[];
  /** The brief's identifier (`urn:uuid:...`, `doi:...`). */
  identifier?: string;
  publisher?: string;
  /** The copyright line. */
  rights?: string;
  series?: { name: string; number?: number; issn?: string };
  /** The Q/A label texts the page prints (`Q1`, `A1` ...), retagged as Lbl (structure.ts). */
  labels?: string[];
  /** Descriptions of note references and back links, in the brief's language (`{n}`: the number). */
  linkWords?: { noteRef: string; backlink: string };
  /**
   * The bookmarks' titles in document order. Chromium titles bookmarks with the headings' rendered
   * text (after `text-transform`, with flex gaps lost: "Q1Why ...", "ABOUT THE AUTHOR"); these
   * replace them when there are as many as Chromium wrote.
   */
  outlineTitles?: string[];
  /** Receives each page's text layer as read here (issue #15: where each page starts, src/targets/pagelist.ts). */
  onPages?: (pages: PageText[]) => void;
}

/** Soft hyphens and control characters never belong in metadata. */
export function cleanText(s: string): string {
  return s.replace(/[\u00ad\u200b-\u200d\u2060\ufeff]/g, '').replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
}

export async function setPdfInfo(pdf: Uint8Array, info: PdfInfo): Promise<Uint8Array> {
  const doc = PDFDocument.read(pdf);
  const date = new Date(info.epoch * 1000);
  const parsed = new Map<PDFRef, Operation[]>();
  const pages: PageText[] = [];
  const fonts: FontCache = new Map();
  // Each page read as soon as it is cleaned, from the operations parsed for that, which are then
  // dropped (a form's are kept: other pages draw it too).
  cleanTextLayer(doc, {
    parsed,
    fonts,
    onPage: (page, i) => {
      pages.push(readPage(doc, page, i, { parsed }, fonts));
      for (const c of pageContents(page)) if (c instanceof PDFRef) parsed.delete(c);
    },
  });
  info.onPages?.(pages);
  finishStructure(doc, pages, { labels: info.labels ?? [], linkWords: info.linkWords });
  const infoDict = doc.getInfoDict();
  const setText = (key: string, value: string) => infoDict.set(PDFName.of(key), PDFHexString.fromText(value));
  setText('Title', cleanText(info.title));
  // Viewers show the title, not the file name (PDF/UA-1 7.1).
  let prefs = doc.catalog.lookupMaybe(PDFName.of('ViewerPreferences'), PDFDict);
  if (!prefs) doc.catalog.set(PDFName.of('ViewerPreferences'), (prefs = doc.context.obj({})));
  prefs.set(PDFName.of('DisplayDocTitle'), PDFBool.True);
  setText('Author', cleanText(info.author));
  setText('Subject', cleanText(info.subject));
  const keywords = info.keywords.map(cleanText).filter(Boolean);
  // ;-separated: "United States" stays one keyword.
  setText('Keywords', joinKeywords(keywords));
  setText('Creator', cleanText(info.creator));
  setText('Producer', cleanText(info.producer));
  infoDict.set(PDFName.of('CreationDate'), PDFString.fromDate(date));
  infoDict.set(PDFName.of('ModDate'), PDFString.fromDate(date));
  if (info.outlineTitles) retitleOutline(doc, info.outlineTitles.map(cleanText));
  if (!doc.catalog.get(PDFName.of('Lang'))) doc.catalog.set(PDFName.of('Lang'), PDFString.of(info.language));
  renumberNodeIds(doc);
  setXmp(doc, {
    title: cleanText(info.title),
    authors: (info.authors ?? [info.author]).map(cleanText).filter(Boolean),
    description: cleanText(info.subject),
    keywords,
    language: cleanText(info.language),
    identifier: info.identifier && cleanText(info.identifier),
    publisher: info.publisher && cleanText(info.publisher),
    rights: info.rights && cleanText(info.rights),
    series: info.series && { ...info.series, name: cleanText(info.series.name) },
    creatorTool: cleanText(info.creator),
    producer: cleanText(info.producer),
    epoch: info.epoch,
  });
  // A fixed ID derived from what the document is, not from when it was made: saved with a
  // placeholder of the same length, which is then replaced by the hash of those bytes.
  const placeholder = '0'.repeat(32);
  doc.context.trailerInfo.ID = doc.context.obj([PDFHexString.of(placeholder), PDFHexString.of(placeholder)]);
  const saved = doc.save({ version: '1.7' }); // as before: PDF/UA-1 is defined on PDF 1.7
  const bytes = Buffer.from(saved.buffer, saved.byteOffset, saved.byteLength);
  const id = Buffer.from(createHash('sha256').update(bytes).digest('hex').slice(0, 32).toUpperCase(), 'latin1');
  const at = bytes.lastIndexOf(`/ID [<${placeholder}> <${placeholder}>]`, undefined, 'latin1');
  if (at < 0) throw new Error('the trailer ID was written in an unexpected form');
  id.copy(bytes, at + '/ID [<'.length);
  id.copy(bytes, at + `/ID [<${placeholder}> <`.length);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The XMP packet as the catalog's /Metadata, uncompressed (ISO 32000 advises it, so tools that do
 * not read PDF can still find it). A packet already there is replaced.
 */
function setXmp(doc: PDFDocument, info: XmpInfo): void {
  const old = doc.catalog.get(PDFName.of('Metadata'));
  if (old instanceof PDFRef) doc.context.delete(old);
  const stream = doc.context.stream(Buffer.from(xmpPacket(info), 'utf8'), { Type: 'Metadata', Subtype: 'XML' });
  doc.catalog.set(PDFName.of('Metadata'), doc.context.register(stream));
}

/**
 * Chromium names structure elements (table header cells, for the data cells' /Headers) after the
 * DOM node's id in its renderer, `node00000123`: numbers that depend on what the renderer drew
 * before, and in what order it first asked for them. They are renamed in document order (the
 * structure tree's), the ID tree rebuilt to match, so a brief prints the same bytes whether it is
 * built alone or after others.
 */
function renumberNodeIds(doc: PDFDocument): void {
  const root = doc.catalog.lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict);
  if (!root?.lookupMaybe(PDFName.of('IDTree'), PDFDict)) return;
  const text = (s: PDFObject | undefined) => (s instanceof PDFString || s instanceof PDFHexString ? s.decodeText() : undefined);
  const renamed = new Map<string, string>();
  const names = doc.context.obj([]); // the new ID tree's one leaf: name, element, ...
  const elements = new Set<PDFDict>();
  const walk = (kids: PDFObject | undefined) => {
    const node = kids instanceof PDFRef ? doc.context.lookup(kids) : kids;
    if (node instanceof PDFArray) {
      for (let i = 0; i < node.size(); i++) walk(node.get(i));
    } else if (node instanceof PDFDict && !elements.has(node)) {
      elements.add(node);
      const id = text(node.get(PDFName.of('ID')));
      if (id !== undefined && !renamed.has(id)) {
        const to = `node${String(renamed.size + 1).padStart(8, '0')}`;
        renamed.set(id, to);
        node.set(PDFName.of('ID'), PDFString.of(to));
        names.push(PDFString.of(to));
        names.push(doc.context.getObjectRef(node) ?? node);
      }
      walk(node.get(PDFName.of('K')));
    }
  };
  walk(root.get(PDFName.of('K')));
  if (renamed.size === 0) return;
  // Data cells name their header cells in /Headers, in their attribute dicts.
  for (const el of elements) {
    const attrs = el.get(PDFName.of('A'));
    for (const a of attrs instanceof PDFArray ? attrs.asArray() : [attrs]) {
      const dict = a instanceof PDFRef ? doc.context.lookup(a) : a;
      const headers = dict instanceof PDFDict ? dict.lookupMaybe(PDFName.of('Headers'), PDFArray) : undefined;
      for (let i = 0; i < (headers?.size() ?? 0); i++) {
        const to = renamed.get(text(headers!.get(i)) ?? '');
        if (to) headers!.set(i, PDFString.of(to));
      }
    }
  }
  const drop = (ref: PDFObject | undefined) => {
    if (!(ref instanceof PDFRef)) return;
    doc.context.lookupMaybe(ref, PDFDict)?.lookupMaybe(PDFName.of('Kids'), PDFArray)?.asArray().forEach(drop);
    doc.context.delete(ref);
  };
  drop(root.get(PDFName.of('IDTree')));
  root.set(PDFName.of('IDTree'), doc.context.obj({ Names: names }));
}

/** Outline items, depth first (document order). */
export function outlineItems(doc: PDFDocument): PDFDict[] {
  const items: PDFDict[] = [];
  const walk = (first: PDFDict | undefined) => {
    for (let item = first; item; item = item.lookupMaybe(PDFName.of('Next'), PDFDict)) {
      items.push(item);
      walk(item.lookupMaybe(PDFName.of('First'), PDFDict));
    }
  };
  walk(doc.catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict)?.lookupMaybe(PDFName.of('First'), PDFDict));
  return items;
}

function retitleOutline(doc: PDFDocument, titles: string[]): void {
  const items = outlineItems(doc);
  if (items.length !== titles.length) return;
  items.forEach((item, i) => item.set(PDFName.of('Title'), PDFHexString.fromText(titles[i]!)));
}
