/**
 * Document information for the printed PDF. Chromium writes only Title, its user agent as Creator,
 * `Skia/PDF` as Producer and the current time (FACTS.md); pdf-lib sets the rest afterwards. The
 * structure tree, outline and /Lang are left as Chromium wrote them. Dates come from the build epoch
 * and the file ID from the content, so the same input gives the same bytes.
 */
import { createHash } from 'node:crypto';
import { PDFDict, PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';

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
  /**
   * The bookmarks' titles in document order. Chromium titles bookmarks with the headings' rendered
   * text (after `text-transform`, with flex gaps lost: "Q1Why ...", "ABOUT THE AUTHOR"); these
   * replace them when there are as many as Chromium wrote.
   */
  outlineTitles?: string[];
}

/** Soft hyphens and control characters never belong in metadata. */
export function cleanText(s: string): string {
  return s.replace(/[\u00ad\u200b-\u200d\u2060\ufeff]/g, '').replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
}

export async function setPdfInfo(pdf: Uint8Array, info: PdfInfo): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const date = new Date(info.epoch * 1000);
  doc.setTitle(cleanText(info.title), { showInWindowTitleBar: true });
  doc.setAuthor(cleanText(info.author));
  doc.setSubject(cleanText(info.subject));
  doc.setKeywords(info.keywords.map(cleanText));
  doc.setCreator(cleanText(info.creator));
  doc.setProducer(cleanText(info.producer));
  doc.setCreationDate(date);
  doc.setModificationDate(date);
  if (info.outlineTitles) retitleOutline(doc, info.outlineTitles.map(cleanText));
  if (!doc.catalog.get(PDFName.of('Lang'))) doc.catalog.set(PDFName.of('Lang'), PDFString.of(info.language));
  // A fixed ID derived from what the document is, not from when it was made.
  const first = await doc.save({ useObjectStreams: false, updateFieldAppearances: false });
  const id = createHash('sha256').update(first).digest('hex').slice(0, 32).toUpperCase();
  doc.context.trailerInfo.ID = doc.context.obj([PDFHexString.of(id), PDFHexString.of(id)]);
  return doc.save({ useObjectStreams: false, updateFieldAppearances: false });
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
