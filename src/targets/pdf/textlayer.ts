/**
 * The PDF's text layer made the author's text again. The print edition's body carries soft hyphens
 * (U+00AD, hyphenate.ts) so Chromium can break words; Skia writes each one as a marked-content span
 * `/Span <</ActualText <feff00ad>>> BDC ... EMC` around a blank glyph of no width (HarfBuzz draws
 * default-ignorable characters as the font's space glyph, zero advance), and a ligature across one
 * ("f\u00adt" drawn as the `ft` glyph) as a span whose ActualText holds it. Every extractor
 * (pdftotext, PDFium, copy and paste, screen readers) then reads "Sec\u00adre\u00adtary".
 *
 * Where Chromium breaks a line at a soft hyphen it draws a real hyphen glyph after that span, in a
 * text object of its own, mapped to U+002D by the font's ToUnicode: that stays (extractors join a
 * line that ends in a hyphen with the next: poppler does, PDFium flags it as a line-end hyphen).
 *
 * So here: a span whose ActualText is only soft hyphens, around glyphs that draw nothing, is removed
 * with those glyphs (the text positioning operators stay, so every other glyph stays where it was:
 * the pages draw the same pixels); any other ActualText loses its soft hyphens. The same pass marks
 * the pages' untagged content as artifacts (artifacts.ts) and merges each line's glyphs into one
 * `TJ` (runs.ts). Every other byte of the content streams is kept as Chromium wrote it.
 */
import { PDFArray, PDFDict, PDFName, PDFRawStream, PDFRef, type PDFDocument, type PDFObject, type PDFPage } from '../../pdf/index.js';
import { artifactEdits } from './artifacts.js';
import { applyEdits, decodeStream, flateStream, decodeTextString, encodeTextString, parseContent, type Operand, type Operation } from './content.js';
import { mergeRuns, readFontWidths, type FontWidths } from './runs.js';

const SHY = '\u00ad';

export interface TextLayerReport {
  /** Soft-hyphen spans removed with their blank glyphs. */
  removed: number;
  /** ActualText strings rewritten without their soft hyphens. */
  rewritten: number;
  /** Untagged pieces of page content wrapped as artifacts (artifacts.ts). */
  artifacts: number;
  /** Content streams that could not be read (left as they were). */
  unreadable: number;
  /** Runs of glyphs written as one `TJ` each (runs.ts). */
  runs: number;
}

export interface TextLayerOptions {
  /** Also wrap the pages' untagged painting as artifacts (artifacts.ts). Default true. */
  artifacts?: boolean;
  /** Also write each run of glyphs positioned one by one as one `TJ` (runs.ts). Default true. */
  runs?: boolean;
  /**
   * Filled with the operations of each stream parsed, as they were before the rewrite, so a later
   * reader (pagetext.ts) need not parse them again.
   */
  parsed?: Map<PDFRef, Operation[]>;
  /**
   * Called after each page's own streams are rewritten (its operations in `parsed`), so a reader
   * can use them and drop them before the next page: the operations of every page held at once
   * made the post-process of a long report mostly garbage collection.
   */
  onPage?: (page: PDFPage, index: number) => void;
  /** Fonts' ToUnicode maps read so far, shared with a later reader (pagetext.ts) so each is read once. */
  fonts?: Map<PDFObject, FontText | undefined>;
}

/** Code -> text of a font's ToUnicode map, and its code length in bytes. */
interface FontText {
  bytes: 1 | 2;
  map: Map<number, string>;
  /** Without a ToUnicode map a code's text comes from the encoding: nothing is known blank. */
  mapped: boolean;
}

/**
 * Remove soft hyphens from the text layer of every page, and mark untagged content as artifacts
 * (in place: one pass over each content stream).
 */
export function cleanTextLayer(doc: PDFDocument, options: TextLayerOptions = {}): TextLayerReport {
  const report: TextLayerReport = { removed: 0, rewritten: 0, artifacts: 0, unreadable: 0, runs: 0 };
  const fonts = options.fonts ?? new Map<PDFObject, FontText | undefined>();
  const widths = options.runs === false ? undefined : new Map<PDFObject, FontWidths | undefined>();
  const done = new Set<PDFRef>();
  const visit = (ref: PDFObject | undefined, resources: PDFDict | undefined, pageHeight?: number) => {
    if (!(ref instanceof PDFRef) || done.has(ref)) return;
    done.add(ref);
    const stream = doc.context.lookup(ref);
    if (!(stream instanceof PDFRawStream)) return;
    const own = stream.dict.lookupMaybe(PDFName.of('Resources'), PDFDict) ?? resources;
    const ops = rewriteStream(doc, ref, stream, own, fonts, widths, report, pageHeight, options.artifacts !== false);
    if (ops) options.parsed?.set(ref, ops);
    // Form XObjects drawn by this stream have their own content.
    const xobjects = own?.lookupMaybe(PDFName.of('XObject'), PDFDict);
    for (const [, x] of xobjects?.entries() ?? []) {
      const xs = x instanceof PDFRef ? doc.context.lookup(x) : undefined;
      if (xs instanceof PDFRawStream && xs.dict.get(PDFName.of('Subtype')) === PDFName.of('Form')) visit(x, own);
    }
  };
  doc.getPages().forEach((page, i) => {
    const resources = page.resources();
    const contents = page.node.get(PDFName.of('Contents'));
    const list = contents instanceof PDFArray ? contents.asArray() : [contents];
    for (const c of list) visit(c, resources, page.getHeight());
    options.onPage?.(page, i);
  });
  return report;
}

/**
 * Rewrite one content stream; `pageHeight` is given for a page's own streams (artifacts are marked
 * there only); `widths` (fonts' glyph widths read so far) when runs are to be merged.
 */
function rewriteStream(doc: PDFDocument, ref: PDFRef, stream: PDFRawStream, resources: PDFDict | undefined, fonts: Map<PDFObject, FontText | undefined>, widths: Map<PDFObject, FontWidths | undefined> | undefined, report: TextLayerReport, pageHeight: number | undefined, artifacts: boolean): Operation[] | undefined {
  let bytes: Uint8Array;
  try {
    bytes = decodeStream(stream);
  } catch {
    report.unreadable++;
    return undefined;
  }
  // Cheap test first: forms (images, decorations) mostly hold no ActualText, and nothing else is done to them.
  if (pageHeight === undefined && !Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes('ActualText', 0, 'latin1')) return undefined;
  const ops = parseContent(bytes);
  if (!ops) {
    report.unreadable++;
    return undefined;
  }
  const fontDicts = resources?.lookupMaybe(PDFName.of('Font'), PDFDict);
  const fontText = (name: string): FontText | undefined => {
    const key = fontDicts?.get(PDFName.of(name));
    if (!key) return undefined;
    if (!fonts.has(key)) fonts.set(key, readFontText(doc, key));
    return fonts.get(key);
  };
  const edits: { start: number; end: number; text: string }[] = [];
  // Operators removed with a soft hyphen's span: their edits are made last (a merged run may cover them).
  const skip = new Uint8Array(ops.length);
  let skipped = 0;
  let font: FontText | undefined;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.operator === 'Tf' && op.operands[0]?.kind === 'name') font = fontText(op.operands[0].value);
    if (op.operator !== 'BDC') continue;
    const props = op.operands[1];
    const actual = props?.kind === 'dict' ? props.entries.get('ActualText') : undefined;
    if (actual?.kind !== 'string') continue;
    const text = decodeTextString(actual.bytes);
    if (!text.includes(SHY)) continue;
    const kept = text.replaceAll(SHY, '');
    if (kept === '') {
      const span = blankSpan(ops, i, font, fontText);
      if (span) {
        for (const j of span.remove) skip[j] = 1;
        skipped += span.remove.length;
        report.removed++;
        font = span.font;
        i = span.end;
        continue;
      }
    }
    // Keep the span (and the glyphs it covers); only its text changes.
    edits.push({ start: actual.start, end: actual.end, text: encodeTextString(kept) });
    report.rewritten++;
  }
  const cuts = new Set<number>();
  if (pageHeight !== undefined && artifacts) {
    const wraps = artifactEdits(ops, pageHeight);
    report.artifacts += wraps.length / 2;
    for (const w of wraps) {
      edits.push(w);
      cuts.add(w.start);
    }
  }
  if (widths) {
    const widthOf = (name: string): FontWidths | undefined => {
      const key = fontDicts?.get(PDFName.of(name));
      if (!key) return undefined;
      if (!widths.has(key)) widths.set(key, readFontWidths(doc, key));
      return widths.get(key);
    };
    for (const run of mergeRuns(ops, skip, cuts, widthOf)) {
      edits.push({ start: ops[run.first]!.start, end: ops[run.last]!.end, text: run.text });
      for (let j = run.first; j <= run.last; j++) {
        if (skip[j] === 1) {
          skip[j] = 0;
          skipped--;
        }
      }
      report.runs++;
    }
  }
  if (skipped > 0) {
    for (let j = 0; j < ops.length; j++) if (skip[j] === 1) edits.push({ start: ops[j]!.start, end: ops[j]!.end, text: '' });
  }
  if (edits.length === 0) return ops;
  const out = applyEdits(bytes, edits);
  const fresh = flateStream(doc.context, out);
  for (const [k, v] of stream.dict.entries()) {
    if (k !== PDFName.of('Filter') && k !== PDFName.of('DecodeParms') && k !== PDFName.of('Length')) fresh.dict.set(k, v);
  }
  doc.context.assign(ref, fresh);
  return ops;
}

const shows = new Set(['Tj', 'TJ']);
/** Operators allowed inside a soft-hyphen span: text positioning, font and colour. */
const harmless = new Set(['Td', 'TD', 'Tm', 'T*', 'Tf', 'Tc', 'Tw', 'Tz', 'TL', 'Ts', 'Tr', 'rg', 'RG', 'g', 'G', 'k', 'K', 'cs', 'CS', 'sc', 'SC', 'scn', 'SCN']);

/**
 * The span opened by ops[i] (a BDC) when it only positions and shows glyphs that draw nothing: the
 * indexes of the operators to delete (the BDC, the shows, the EMC), its last index and the font in
 * use after it. Undefined when anything in it is not plainly blank.
 */
function blankSpan(ops: Operation[], i: number, font: FontText | undefined, fontText: (name: string) => FontText | undefined): { remove: number[]; end: number; font: FontText | undefined } | undefined {
  const remove = [i];
  for (let j = i + 1; j < ops.length; j++) {
    const op = ops[j]!;
    if (op.operator === 'EMC') {
      remove.push(j);
      return { remove, end: j, font };
    }
    if (op.operator === 'Tf' && op.operands[0]?.kind === 'name') font = fontText(op.operands[0].value);
    if (shows.has(op.operator)) {
      if (!font || !showsBlank(op.operands[0], font)) return undefined;
      remove.push(j);
    } else if (!harmless.has(op.operator)) return undefined;
  }
  return undefined;
}

function showsBlank(arg: Operand | undefined, font: FontText): boolean {
  if (!font.mapped) return false;
  const strings = arg?.kind === 'string' ? [arg] : arg?.kind === 'array' ? arg.items.filter((x) => x.kind === 'string') : [];
  if (arg?.kind === 'array' && arg.items.some((x) => x.kind !== 'string' && x.kind !== 'number')) return false;
  for (const s of strings) {
    if (s.kind !== 'string') return false;
    for (let k = 0; k + font.bytes <= s.bytes.length; k += font.bytes) {
      const code = font.bytes === 2 ? (s.bytes[k]! << 8) | s.bytes[k + 1]! : s.bytes[k]!;
      const t = font.map.get(code);
      if (t !== undefined && !/^[\s\u00ad]*$/.test(t)) return false;
    }
  }
  return strings.length > 0;
}

/** A font's ToUnicode map (bfchar and bfrange entries) and code length (2 for Type0 fonts). */
export function readFontText(doc: PDFDocument, fontRef: PDFObject): FontText | undefined {
  const font = fontRef instanceof PDFRef ? doc.context.lookup(fontRef) : fontRef;
  if (!(font instanceof PDFDict)) return undefined;
  const bytes: 1 | 2 = font.get(PDFName.of('Subtype')) === PDFName.of('Type0') ? 2 : 1;
  const map = new Map<number, string>();
  const cmap = font.lookup(PDFName.of('ToUnicode'));
  if (!(cmap instanceof PDFRawStream)) return { bytes, map, mapped: false };
  let text: string;
  try {
    text = Buffer.from(decodeStream(cmap)).toString('latin1');
  } catch {
    return { bytes, map, mapped: false };
  }
  const utf16 = (hex: string) => {
    let s = '';
    for (let i = 0; i + 4 <= hex.length; i += 4) s += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
    return s;
  };
  for (const section of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of section[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>/g)) map.set(parseInt(m[1]!, 16), utf16(m[2]!));
  }
  for (const section of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of section[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])/g)) {
      const lo = parseInt(m[1]!, 16);
      const hi = Math.min(parseInt(m[2]!, 16), lo + 0xffff);
      const dst = m[3]!;
      if (dst.startsWith('[')) {
        const items = [...dst.matchAll(/<([0-9A-Fa-f]*)>/g)].map((x) => utf16(x[1]!));
        for (let c = lo; c <= hi && c - lo < items.length; c++) map.set(c, items[c - lo]!);
      } else {
        const base = utf16(dst.slice(1, -1));
        const last = base.charCodeAt(base.length - 1);
        for (let c = lo; c <= hi; c++) map.set(c, base.slice(0, -1) + String.fromCharCode(last + (c - lo)));
      }
    }
  }
  return { bytes, map, mapped: true };
}
