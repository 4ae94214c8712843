/**
 * What `check` needs to know about a PDF, read with a real parser (src/pdf for the objects, the
 * content-stream reader of the PDF target for the pages): metadata, tagging, fonts, the structure
 * tree's figures, and the text layer as extractors read it (ActualText where a span has one, the
 * fonts' ToUnicode maps elsewhere). Every finding names its page and object.
 */
import { PDFArray, PDFBool, PDFDict, PDFHexString, PDFName, PDFNumber, PDFRawStream, PDFRef, PDFString, type PDFDocument, type PDFObject } from '../pdf/index.js';
import { decodeStream } from '../targets/pdf/content.js';
export { readPages, type PageText } from '../targets/pdf/pagetext.js';

export interface FontUse {
  ref: string;
  /** BaseFont without the subset prefix (`ABCDEF+`). */
  name: string;
  subtype: string;
  embedded: boolean;
  /** First page (1-based) whose resources hold it. */
  page: number;
}

export interface FigureUse {
  ref: string;
  page?: number;
}

export const text = (o: PDFObject | undefined): string | undefined => (o instanceof PDFString || o instanceof PDFHexString ? o.decodeText() : undefined);
export const refName = (doc: PDFDocument, o: PDFObject | undefined): string => {
  const ref = o instanceof PDFRef ? o : o ? doc.context.getObjectRef(o) : undefined;
  return ref ? `${ref.objectNumber} ${ref.generationNumber} R` : 'direct object';
};

/** Page number (1-based) of each page object. */
function pageNumbers(doc: PDFDocument): Map<PDFRef, number> {
  const m = new Map<PDFRef, number>();
  doc.getPages().forEach((p, i) => m.set(p.ref, i + 1));
  return m;
}

/** Every font reachable from the pages' resources (forms and Type 3 glyph resources included). */
export function readFonts(doc: PDFDocument): FontUse[] {
  const seen = new Map<string, FontUse>();
  const visitedRes = new Set<PDFDict>();
  const visitResources = (res: PDFDict | undefined, page: number) => {
    if (!res || visitedRes.has(res)) return;
    visitedRes.add(res);
    const fonts = res.lookupMaybe(PDFName.of('Font'), PDFDict);
    for (const [, f] of fonts?.entries() ?? []) {
      const font = f instanceof PDFRef ? doc.context.lookup(f) : f;
      if (!(font instanceof PDFDict)) continue;
      const key = refName(doc, f);
      if (seen.has(key)) continue;
      const subtype = font.lookupMaybe(PDFName.of('Subtype'), PDFName)?.decodeText() ?? '?';
      const base = font.lookupMaybe(PDFName.of('BaseFont'), PDFName)?.decodeText() ?? font.lookupMaybe(PDFName.of('Name'), PDFName)?.decodeText() ?? '(unnamed)';
      let descriptorOf: PDFDict = font;
      if (subtype === 'Type0') {
        const kid = font.lookupMaybe(PDFName.of('DescendantFonts'), PDFArray)?.lookup(0);
        if (kid instanceof PDFDict) descriptorOf = kid;
      }
      const desc = descriptorOf.lookupMaybe(PDFName.of('FontDescriptor'), PDFDict);
      const embedded = subtype === 'Type3' || Boolean(desc && ['FontFile', 'FontFile2', 'FontFile3'].some((k) => desc.get(PDFName.of(k))));
      seen.set(key, { ref: key, name: base.replace(/^[A-Z]{6}\+/, ''), subtype, embedded, page });
      if (subtype === 'Type3') visitResources(font.lookupMaybe(PDFName.of('Resources'), PDFDict), page);
    }
    const xobjects = res.lookupMaybe(PDFName.of('XObject'), PDFDict);
    for (const [, x] of xobjects?.entries() ?? []) {
      const xs = x instanceof PDFRef ? doc.context.lookup(x) : x;
      if (xs instanceof PDFRawStream && xs.dict.get(PDFName.of('Subtype')) === PDFName.of('Form')) visitResources(xs.dict.lookupMaybe(PDFName.of('Resources'), PDFDict), page);
    }
  };
  doc.getPages().forEach((p, i) => visitResources(p.resources(), i + 1));
  return [...seen.values()];
}

/** Figures of the structure tree (roles mapped), with the page they sit on. */
export function readFigures(doc: PDFDocument): { figures: FigureUse[]; withoutAlt: FigureUse[] } {
  const root = doc.catalog.lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict);
  const figures: FigureUse[] = [];
  const withoutAlt: FigureUse[] = [];
  if (!root) return { figures, withoutAlt };
  const roles = root.lookupMaybe(PDFName.of('RoleMap'), PDFDict);
  const pages = pageNumbers(doc);
  const role = (s: string) => {
    let r = s;
    for (let i = 0; i < 8; i++) {
      const to = roles?.lookupMaybe(PDFName.of(r), PDFName)?.decodeText();
      if (!to || to === r) break;
      r = to;
    }
    return r;
  };
  const seen = new Set<PDFDict>();
  const walk = (kids: PDFObject | undefined, page: number | undefined) => {
    const node = kids instanceof PDFRef ? doc.context.lookup(kids) : kids;
    if (node instanceof PDFArray) {
      for (let i = 0; i < node.size(); i++) walk(node.get(i), page);
      return;
    }
    if (!(node instanceof PDFDict) || seen.has(node)) return;
    seen.add(node);
    const pg = node.get(PDFName.of('Pg'));
    const here = pg instanceof PDFRef ? (pages.get(pg) ?? page) : page;
    const s = node.lookupMaybe(PDFName.of('S'), PDFName)?.decodeText();
    if (s && role(s) === 'Figure') {
      const use = { ref: refName(doc, kids), page: here };
      figures.push(use);
      const alt = text(node.lookup(PDFName.of('Alt'))) ?? text(node.lookup(PDFName.of('ActualText')));
      if (!alt?.trim()) withoutAlt.push(use);
    }
    walk(node.get(PDFName.of('K')), here);
  };
  walk(root.get(PDFName.of('K')), undefined);
  return { figures, withoutAlt };
}

/** The catalog's XMP packet as text, or undefined. */
export function readXmp(doc: PDFDocument): { xml?: string; ref?: string } {
  const m = doc.catalog.get(PDFName.of('Metadata'));
  const s = m instanceof PDFRef ? doc.context.lookup(m) : m;
  if (!(s instanceof PDFRawStream)) return {};
  try {
    return { xml: Buffer.from(decodeStream(s)).toString('utf8'), ref: refName(doc, m) };
  } catch {
    return { ref: refName(doc, m) };
  }
}

export function isTrue(o: PDFObject | undefined): boolean {
  return o instanceof PDFBool && o.asBoolean();
}

export function mediaBox(doc: PDFDocument): [number, number] | undefined {
  const box = doc.getPages()[0]?.mediaBox();
  if (!box) return undefined;
  const n = box.asArray().map((_, i) => box.lookupMaybe(i, PDFNumber)?.asNumber() ?? NaN);
  return [Math.round(n[2]! - n[0]!), Math.round(n[3]! - n[1]!)];
}
