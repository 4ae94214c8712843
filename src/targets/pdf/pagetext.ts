/**
 * The text layer of each page as extractors read it (ActualText where a span has one, the fonts'
 * ToUnicode maps elsewhere), the text of each marked-content id (MCID), and the painting operators
 * in no tagged or artifact marked content. Read by `check` and by the structure post-process.
 */
import { PDFArray, PDFDict, PDFName, PDFRawStream, PDFRef, type PDFDocument, type PDFObject, type PDFPage } from '../../pdf/index.js';
import { decodeStream, decodeTextString, parseContent, type Operand, type Operation } from './content.js';
import { readFontText } from './textlayer.js';

export interface PageText {
  page: number;
  /** Content stream object(s), e.g. `13 0 R`. */
  objects: string[];
  /** The text as an extractor reads it (glyph runs joined, a newline between text objects; no layout). */
  text: string;
  /** Text of each marked-content id of the page's own content streams. */
  mcids: Map<number, string>;
  /** Painting operators (text, paths, images, forms) in no marked content with an MCID and no Artifact. */
  untagged: number;
  /** Content streams the reader could not walk. */
  unreadable: number;
}

const refName = (doc: PDFDocument, o: PDFObject): string => {
  const ref = o instanceof PDFRef ? o : doc.context.getObjectRef(o);
  return ref ? `${ref.objectNumber} ${ref.generationNumber} R` : 'direct object';
};

const painting = new Set(['Tj', 'TJ', "'", '"', 'Do', 'f', 'F', 'f*', 'B', 'B*', 'b', 'b*', 'S', 's', 'sh']);
const shows = new Set(['Tj', 'TJ', "'", '"']);

interface Mark {
  tagged: boolean;
  actual?: string;
  mcid?: number;
}

/** Each page's text layer and its untagged painting operators. */
/**
 * Each page's text. `parsed` holds streams' operations already parsed by textlayer.ts before it
 * removed the soft hyphens: read from those, the text is the same once U+00AD is dropped (the spans
 * it removed hold nothing else); `untagged` then counts as before the artifacts were marked.
 */
export function readPages(doc: PDFDocument, options: { parsed?: Map<PDFRef, Operation[]> } = {}): PageText[] {
  const fontCache: FontCache = new Map();
  return doc.getPages().map((page, i) => readPage(doc, page, i, options, fontCache));
}

/** Fonts' ToUnicode maps, read once for the pages that share them. */
export type FontCache = Map<PDFObject, ReturnType<typeof readFontText>>;

/** The content streams of a page (direct objects too). */
export function pageContents(page: PDFPage): PDFObject[] {
  const contents = page.node.get(PDFName.of('Contents'));
  return contents instanceof PDFArray ? contents.asArray() : contents ? [contents] : [];
}

/** One page's text (page `i`, 0-based); see readPages. */
export function readPage(doc: PDFDocument, page: PDFPage, i: number, options: { parsed?: Map<PDFRef, Operation[]> } = {}, fontCache: FontCache = new Map()): PageText {
  const out: PageText = { page: i + 1, objects: [], text: '', mcids: new Map(), untagged: 0, unreadable: 0 };
  const marks: Mark[] = [];
  // The text of the marked content being read (`mcid`), put in out.mcids when another starts: not a
  // map look-up and a new string per glyph. Same map (keys in order of first text) as before.
  let mcid: number | undefined;
  let mcidText = '';
  const flush = () => {
    if (mcid !== undefined) out.mcids.set(mcid, (out.mcids.get(mcid) ?? '') + mcidText);
    mcid = undefined;
    mcidText = '';
  };
  // Whether the text so far ends a line (or is empty), without reading it back.
  let lineEnded = true;
  const append = (s: string) => {
    out.text += s;
    if (s.length > 0) lineEnded = s.charCodeAt(s.length - 1) === 0x0a;
    for (let m = marks.length - 1; m >= 0; m--) {
      const id = marks[m]!.mcid;
      if (id !== undefined) {
        if (id !== mcid) {
          flush();
          mcid = id;
        }
        mcidText += s;
        break;
      }
    }
  };
  const list = pageContents(page);
  const walk = (ref: PDFObject, resources: PDFDict | undefined, inherited: boolean, depth: number) => {
    const stream = ref instanceof PDFRef ? doc.context.lookup(ref) : ref;
    if (!(stream instanceof PDFRawStream) || depth > 8) return;
    let ops = ref instanceof PDFRef ? options.parsed?.get(ref) : undefined;
    if (!ops) {
      let bytes: Uint8Array;
      try {
        bytes = decodeStream(stream);
      } catch {
        out.unreadable++;
        return;
      }
      ops = parseContent(bytes);
    }
    if (!ops) {
      out.unreadable++;
      return;
    }
    const res = stream.dict.lookupMaybe(PDFName.of('Resources'), PDFDict) ?? resources;
    const fonts = res?.lookupMaybe(PDFName.of('Font'), PDFDict);
    const xobjects = res?.lookupMaybe(PDFName.of('XObject'), PDFDict);
    const depthAtStart = marks.length;
    let font: ReturnType<typeof readFontText>;
    for (const op of ops) {
      switch (op.operator) {
        case 'BMC':
        case 'BDC': {
          const tag = op.operands[0]?.kind === 'name' ? op.operands[0].value : '';
          let props: Operand | undefined = op.operands[1];
          if (props?.kind === 'name') props = undefined; // a /Properties name: not read (Chromium writes none)
          const dict = props?.kind === 'dict' ? props.entries : undefined;
          const mcid = dict?.get('MCID');
          const actual = dict?.get('ActualText');
          marks.push({
            tagged: tag === 'Artifact' || mcid?.kind === 'number',
            actual: actual?.kind === 'string' ? decodeTextString(actual.bytes) : undefined,
            mcid: mcid?.kind === 'number' && !inherited ? mcid.value : undefined,
          });
          // An ActualText stands for the glyphs of its span: read it once, where it opens.
          if (actual?.kind === 'string') append(decodeTextString(actual.bytes));
          break;
        }
        case 'EMC':
          if (marks.length > depthAtStart) marks.pop();
          break;
        case 'BT':
          // Text objects apart read apart (a line, a margin box ...), as an extractor would.
          if (!lineEnded) append('\n');
          break;
        case 'Tf': {
          const name = op.operands[0]?.kind === 'name' ? op.operands[0].value : '';
          const key = fonts?.get(PDFName.of(name));
          if (key && !fontCache.has(key)) fontCache.set(key, readFontText(doc, key));
          font = key ? fontCache.get(key) : undefined;
          break;
        }
      }
      if (!painting.has(op.operator)) continue;
      let tagged = inherited;
      let inActual = false;
      for (let m = 0; m < marks.length; m++) {
        if (marks[m]!.tagged) tagged = true;
        if (marks[m]!.actual !== undefined) inActual = true;
      }
      if (!tagged) out.untagged++;
      if (shows.has(op.operator) && !inActual) append(showText(op.operands, font));
      if (op.operator === 'Do' && op.operands[0]?.kind === 'name') {
        const x = xobjects?.get(PDFName.of(op.operands[0].value));
        const xs = x instanceof PDFRef ? doc.context.lookup(x) : x;
        if (x && xs instanceof PDFRawStream && xs.dict.get(PDFName.of('Subtype')) === PDFName.of('Form')) walk(x, res, tagged, depth + 1);
      }
    }
    marks.length = depthAtStart; // a form's unclosed marks end with it
  };
  for (const c of list) {
    out.objects.push(refName(doc, c));
    walk(c, page.resources(), false, 0);
    marks.length = 0;
  }
  flush();
  if (options.parsed) {
    out.text = out.text.replaceAll('\u00ad', '');
    for (const [id, t] of out.mcids) out.mcids.set(id, t.replaceAll('\u00ad', ''));
  }
  return out;
}

function showText(operands: Operand[], font: ReturnType<typeof readFontText>): string {
  let s = '';
  for (const o of operands) {
    if (o.kind === 'string') s += glyphText(o.bytes, font);
    if (o.kind === 'array') for (const x of o.items) if (x.kind === 'string') s += glyphText(x.bytes, font);
  }
  return s;
}

function glyphText(b: Uint8Array, font: ReturnType<typeof readFontText>): string {
  let s = '';
  const n = font?.bytes ?? 1;
  for (let k = 0; k + n <= b.length; k += n) {
    const code = n === 2 ? (b[k]! << 8) | b[k + 1]! : b[k]!;
    // Without a ToUnicode map, a one-byte code reads as Latin-1 (close enough to find U+00AD: WinAnsi's 0xAD is it).
    s += font?.mapped ? (font.map.get(code) ?? '') : String.fromCharCode(code);
  }
  return s;
}

