/**
 * Glyph runs: Chromium's PDF writer (Skia) shows nearly every glyph of a web font with its own
 * `x 0 Td <gg> Tj`, ~26 bytes a glyph. Skia starts a new run whenever a glyph's position differs
 * from the last one's plus its advance by any amount, and they nearly always differ: Blink's
 * positions come from HarfBuzz in 16.16 fixed point, and the font size Skia writes is rounded
 * (`13.33 Tf` for 10 pt, 13.333 px: the font's advances at that size fall ~0.0013 px a glyph short
 * of HarfBuzz's). See scripts/bench-history.md, 2026-12-03. Those streams are most of a PDF's
 * bytes, and most of what a reader (PDFium drawing the previews, a viewer) spends its time parsing.
 *
 * Here each such run of glyphs on one line becomes one `TJ` array: the glyphs' strings with a
 * position adjustment wherever the font's advances (its /W widths) would put a glyph more than a
 * hair (`HAIR`, in text space units) from where Chromium put it. The adjustments carry their own
 * rounding, so no glyph drifts further than that hair from its place. The run's last glyph keeps
 * its `Td` and `Tj`: after the run the text line matrix and the current point are exactly what
 * they were, so whatever follows it is untouched.
 *
 * Only what is plainly safe is merged: Type0 fonts with Identity-H encoding and known widths, no
 * character or word spacing and no horizontal scaling in the stream, a run starting at a line start
 * (after BT, Td or Tm), horizontal `Td` only between its glyphs, and no other operator in it.
 */
import { PDFArray, PDFDict, PDFName, PDFNumber, PDFRef, type PDFDocument, type PDFObject } from '../../pdf/index.js';
import type { Operation } from './content.js';

/** How far a glyph may move, in text space units (a CSS pixel in Chromium's PDFs): 1/200 px, 1.3 µm, an eighth of a 2400-dpi printer's dot. */
export const HAIR = 0.005;

/** A CID font's glyph widths (glyph space: thousandths of the font size). */
export interface FontWidths {
  /** By CID (Identity-H: the 2-byte code); NaN where the font gives none (then `dw`). */
  widths: Float64Array;
  dw: number;
}

/** The widths of a Type0 font with Identity-H encoding; undefined for any other font. */
export function readFontWidths(doc: PDFDocument, fontRef: PDFObject): FontWidths | undefined {
  const font = fontRef instanceof PDFRef ? doc.context.lookup(fontRef) : fontRef;
  if (!(font instanceof PDFDict)) return undefined;
  if (font.get(PDFName.of('Subtype')) !== PDFName.of('Type0') || font.get(PDFName.of('Encoding')) !== PDFName.of('Identity-H')) return undefined;
  const cid = font.lookupMaybe(PDFName.of('DescendantFonts'), PDFArray)?.lookupMaybe(0, PDFDict);
  if (!cid) return undefined;
  const dwObj = cid.lookup(PDFName.of('DW'));
  const dw = dwObj === undefined ? 1000 : dwObj instanceof PDFNumber ? dwObj.asNumber() : NaN;
  if (!Number.isFinite(dw)) return undefined;
  const widths = new Map<number, number>();
  const w = cid.lookup(PDFName.of('W'));
  if (w !== undefined) {
    if (!(w instanceof PDFArray)) return undefined;
    const num = (o: PDFObject | undefined) => (o instanceof PDFNumber ? o.asNumber() : NaN);
    for (let i = 0; i < w.size(); ) {
      const first = num(w.lookup(i));
      const next = w.lookup(i + 1);
      if (!Number.isInteger(first)) return undefined;
      if (next instanceof PDFArray) {
        for (let k = 0; k < next.size(); k++) {
          const v = num(next.lookup(k));
          if (!Number.isFinite(v)) return undefined;
          widths.set(first + k, v);
        }
        i += 2;
      } else {
        const last = num(next);
        const v = num(w.lookup(i + 2));
        if (!Number.isInteger(last) || !Number.isFinite(v) || last - first > 0xffff) return undefined;
        for (let c = first; c <= last; c++) widths.set(c, v);
        i += 3;
      }
    }
  }
  let max = -1;
  for (const c of widths.keys()) if (c > max) max = c;
  const dense = new Float64Array(Math.min(max + 1, 0x10000)).fill(NaN);
  for (const [c, v] of widths) if (c >= 0 && c < dense.length) dense[c] = v;
  return { widths: dense, dw };
}

export interface RunEdit {
  /** Index of the run's first operator (its first `Tj`) and of its last replaced one (a `Td`). */
  first: number;
  last: number;
  text: string;
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0').toUpperCase());

const POW10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7];

/** A number for a content stream: at most `places` (0-7) decimals, no exponent, no trailing zeros. */
export function formatNumber(n: number, places: number): string {
  return formatScaled(Math.round(n * POW10[places]!), places);
}

/** `scaled / 10^places` written out (`scaled` an integer), as formatNumber writes it. */
function formatScaled(scaled: number, places: number): string {
  if (scaled === 0) return '0';
  const sign = scaled < 0 ? '-' : '';
  let digits = String(Math.abs(scaled));
  while (places > 0 && digits.charCodeAt(digits.length - 1) === 0x30) {
    digits = digits.slice(0, -1);
    places--;
  }
  if (places === 0) return sign + digits;
  if (digits.length <= places) return sign + '.' + '0'.repeat(places - digits.length) + digits;
  return sign + digits.slice(0, digits.length - places) + '.' + digits.slice(digits.length - places);
}

/** `<XXXX>` of each 2-byte code, made once. */
const codeHex: (string | undefined)[] = new Array(0x10000);

/** Operators that change the advance of every glyph after them: a stream with one is not merged. */
const spacing = new Set(['Tc', 'Tw', 'Tz']);

interface Glyph {
  /** Index of its `Tj`. */
  op: number;
  /** Its origin: the sum of the run's `Td`s before it (text space, from the run's first glyph). */
  x: number;
  /** Index of the last `Td` before it (the first glyph: -1). */
  td: number;
}

/**
 * The edits that turn a content stream's runs of `Td`-positioned glyphs into `TJ` arrays.
 * `skip[i]` marks operators another edit removes (they are treated as absent, and the run's edit
 * covers theirs); `cuts` holds byte offsets where another edit inserts text (no run spans one).
 * `fontOf` gives the widths of a font resource by name.
 */
export function mergeRuns(ops: Operation[], skip: Uint8Array, cuts: Set<number>, fontOf: (name: string) => FontWidths | undefined): RunEdit[] {
  for (const op of ops) {
    if (spacing.has(op.operator)) {
      const v = op.operands[0];
      if (!(v?.kind === 'number' && v.value === (op.operator === 'Tz' ? 100 : 0))) return [];
    }
  }
  const edits: RunEdit[] = [];
  let font: FontWidths | undefined;
  let size = 0;
  const saved: { font: FontWidths | undefined; size: number }[] = [];
  // The current point is the text line matrix's origin (after BT, Tm, Td: a run may start).
  let atLine = false;
  // Scale of the text matrix: a hair is measured in the page's units.
  let scale = 1;
  let run: Glyph[] = [];
  let runFont: FontWidths | undefined;
  let runSize = 0;
  // Sum of the Tds since the run's first glyph, and the index of the last one (-1: none pending).
  let sum = 0;
  let pendingTd = -1;

  const finish = () => {
    if (run.length >= 3) emit(run, runFont!, runSize, scale);
    run = [];
    pendingTd = -1;
  };
  const emit = (glyphs: Glyph[], f: FontWidths, fs: number, sc: number) => {
    const lastGlyph = glyphs[glyphs.length - 1]!;
    const first = glyphs[0]!.op;
    const last = lastGlyph.td;
    // Another edit inserting text strictly inside the replaced range: leave the run as it is.
    for (let j = first; j <= last; j++) {
      if ((j > first && cuts.has(ops[j]!.start)) || cuts.has(ops[j]!.end)) return;
    }
    const hair = HAIR / sc;
    let out = '[';
    let at = 0;
    for (let k = 0; k < glyphs.length - 1; k++) {
      const g = glyphs[k]!;
      const diff = g.x - at;
      if (k > 0 && Math.abs(diff) > hair) {
        // The shortest adjustment (fewest decimals) that puts the glyph within half a hair.
        const exact = (-diff * 1000) / fs;
        let places = 0;
        let scaled = Math.round(exact);
        while (places < 3 && Math.abs(diff + (scaled / POW10[places]!) * fs / 1000) > hair / 2) {
          places++;
          scaled = Math.round(exact * POW10[places]!);
        }
        if (scaled !== 0) {
          out += formatScaled(scaled, places);
          at -= ((scaled / POW10[places]!) * fs) / 1000;
        }
      }
      const s = ops[g.op]!.operands[0]!;
      if (s.kind !== 'string') return;
      const b = s.bytes;
      let width = 0;
      if (b.length === 2) {
        const code = (b[0]! << 8) | b[1]!;
        out += codeHex[code] ??= `<${HEX[b[0]!]}${HEX[b[1]!]}>`;
        const w = code < f.widths.length ? f.widths[code]! : NaN;
        width = w === w ? w : f.dw;
      } else {
        out += '<';
        for (let i = 0; i < b.length; i++) out += HEX[b[i]!];
        out += '>';
        for (let i = 0; i + 1 < b.length; i += 2) {
          const code = (b[i]! << 8) | b[i + 1]!;
          const w = code < f.widths.length ? f.widths[code]! : NaN;
          width += w === w ? w : f.dw;
        }
      }
      at += (width * fs) / 1000;
    }
    out += `]TJ ${formatNumber(lastGlyph.x, 7)} 0 Td`;
    edits.push({ first, last, text: out });
  };

  for (let i = 0; i < ops.length; i++) {
    if (skip[i] === 1) continue;
    const op = ops[i]!;
    const o = op.operator;
    if (o === 'Td') {
      const x = op.operands[0];
      const y = op.operands[1];
      if (run.length > 0 && x?.kind === 'number' && y?.kind === 'number' && y.value === 0 && op.operands.length === 2) {
        sum += x.value;
        pendingTd = i;
        atLine = true;
        continue;
      }
      finish();
      atLine = true;
      continue;
    }
    if (o === 'Tj') {
      const s = op.operands[0];
      const ok = s?.kind === 'string' && s.bytes.length % 2 === 0 && op.operands.length === 1 && font !== undefined && size !== 0;
      if (ok && run.length > 0 && pendingTd >= 0 && font === runFont && size === runSize) {
        run.push({ op: i, x: sum, td: pendingTd });
        pendingTd = -1;
        atLine = false;
        continue;
      }
      finish();
      if (ok && atLine) {
        run = [{ op: i, x: 0, td: -1 }];
        runFont = font;
        runSize = size;
        sum = 0;
      }
      atLine = false;
      continue;
    }
    finish();
    switch (o) {
      case 'BT':
        atLine = true;
        scale = 1;
        break;
      case 'Tm': {
        const n = op.operands.map((v) => (v.kind === 'number' ? v.value : NaN));
        atLine = true;
        scale = n.length === 6 && n.every(Number.isFinite) ? Math.hypot(n[0]!, n[1]!) || 1 : 1;
        break;
      }
      case 'TD':
      case 'T*':
        atLine = true;
        break;
      case 'Tf': {
        const name = op.operands[0];
        const fs = op.operands[1];
        font = name?.kind === 'name' ? fontOf(name.value) : undefined;
        size = fs?.kind === 'number' ? fs.value : 0;
        break;
      }
      case 'q':
        saved.push({ font, size });
        break;
      case 'Q': {
        const s = saved.pop();
        if (s) ({ font, size } = s);
        break;
      }
      case 'gs':
        // A graphics state may set a font: not known here.
        font = undefined;
        break;
      case 'TJ':
      case "'":
      case '"':
        atLine = false;
        break;
    }
  }
  finish();
  return edits;
}
