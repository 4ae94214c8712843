/**
 * Glyph runs (src/targets/pdf/runs.ts): Chromium's `x 0 Td <gg> Tj` a glyph merged into one `TJ` a
 * line. Each case is a hand-made content stream, run through the merge, and read by a small
 * interpreter written here (not the merge's own arithmetic): every glyph must be drawn where it
 * was, within HAIR, and what follows a run exactly where it was.
 */
import { PDFDocument as LibPdf, PDFName as LibName } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { applyEdits, parseContent, type Operation } from '../src/targets/pdf/content.js';
import { formatNumber, HAIR, mergeRuns, readFontWidths, type FontWidths } from '../src/targets/pdf/runs.js';
import { PDFDict, PDFDocument as OurPdf, PDFName } from '../src/pdf/index.js';

const enc = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

/** A font of widths by glyph code (the rest 500). */
function font(widths: Record<number, number>): FontWidths {
  const dense = new Float64Array(256).fill(NaN);
  for (const [c, w] of Object.entries(widths)) dense[Number(c)] = w;
  return { widths: dense, dw: 500 };
}
const fonts: Record<string, FontWidths> = {
  F1: font({ 1: 543, 2: 600, 3: 550, 4: 200, 5: 500, 6: 480 }),
  F2: font({ 1: 250, 2: 700 }),
};

/** Where each glyph is drawn: [font, code, x, y] in the text space of the page (no CTM). */
function glyphs(content: string): [string, number, number, number][] {
  const ops = parseContent(enc(content))!;
  const out: [string, number, number, number][] = [];
  let tm = [1, 0, 0, 1, 0, 0];
  let tlm = [...tm];
  let name = '';
  let size = 0;
  let tc = 0;
  const saved: [string, number][] = [];
  const show = (bytes: Uint8Array) => {
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      const code = (bytes[i]! << 8) | bytes[i + 1]!;
      out.push([name, code, tm[4]!, tm[5]!]);
      const f = fonts[name]!;
      const w = Number.isNaN(f.widths[code]) ? f.dw : f.widths[code]!;
      const tx = (w / 1000) * size + tc;
      tm = [tm[0]!, tm[1]!, tm[2]!, tm[3]!, tm[4]! + tx * tm[0]!, tm[5]! + tx * tm[1]!];
    }
  };
  for (const op of ops) {
    const n = op.operands.map((o) => (o.kind === 'number' ? o.value : NaN));
    switch (op.operator) {
      case 'BT': tm = [1, 0, 0, 1, 0, 0]; tlm = [...tm]; break;
      case 'Tm': tm = n; tlm = [...n]; break;
      case 'Td': tlm = [tlm[0]!, tlm[1]!, tlm[2]!, tlm[3]!, tlm[4]! + n[0]! * tlm[0]! + n[1]! * tlm[2]!, tlm[5]! + n[0]! * tlm[1]! + n[1]! * tlm[3]!]; tm = [...tlm]; break;
      case 'Tf': name = (op.operands[0] as { value: string }).value; size = n[1]!; break;
      case 'Tc': tc = n[0]!; break;
      case 'q': saved.push([name, size]); break;
      case 'Q': [name, size] = saved.pop()!; break;
      case 'Tj': show((op.operands[0] as { bytes: Uint8Array }).bytes); break;
      case 'TJ':
        for (const item of (op.operands[0] as { items: Operation['operands'] }).items) {
          if (item.kind === 'string') show(item.bytes);
          else if (item.kind === 'number') {
            const tx = (-item.value / 1000) * size;
            tm = [tm[0]!, tm[1]!, tm[2]!, tm[3]!, tm[4]! + tx * tm[0]!, tm[5]! + tx * tm[1]!];
          }
        }
        break;
    }
  }
  return out;
}

function merge(content: string, opts: { skip?: (ops: Operation[]) => number[]; cuts?: (ops: Operation[]) => number[] } = {}) {
  const bytes = enc(content);
  const ops = parseContent(bytes)!;
  const skip = new Uint8Array(ops.length);
  for (const i of opts.skip?.(ops) ?? []) skip[i] = 1;
  const cuts = new Set(opts.cuts?.(ops) ?? []);
  const runs = mergeRuns(ops, skip, cuts, (n) => fonts[n]);
  const edits = runs.map((r) => ({ start: ops[r.first]!.start, end: ops[r.last]!.end, text: r.text }));
  const covered = (j: number) => runs.some((r) => r.first <= j && j <= r.last);
  for (let j = 0; j < ops.length; j++) if (skip[j] === 1 && !covered(j)) edits.push({ start: ops[j]!.start, end: ops[j]!.end, text: '' });
  return { runs, text: Buffer.from(applyEdits(bytes, edits)).toString('latin1') };
}

/** The glyphs of `a` and `b` are the same ones, each within `tolerance` of its place. */
function expectSamePlaces(a: string, b: string, tolerance = HAIR) {
  const ga = glyphs(a);
  const gb = glyphs(b);
  expect(gb.map((g) => `${g[0]}:${g[1]}`)).toEqual(ga.map((g) => `${g[0]}:${g[1]}`));
  ga.forEach((g, i) => {
    expect(Math.abs(gb[i]![2] - g[2]), `glyph ${i} x`).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(gb[i]![3] - g[3]), `glyph ${i} y`).toBeLessThanOrEqual(1e-9);
  });
}

// A line as Chromium writes it: advances from HarfBuzz (16.16) a hair off the font's widths, a
// justified word space, a kerned pair.
const line = [
  '<0001> Tj', '5.4299927 0 Td <0002> Tj', '6.0000153 0 Td <0003> Tj', '5.5000076 0 Td <0004> Tj',
  '3.75 0 Td <0005> Tj', '4.7 0 Td <0006> Tj', '4.8000031 0 Td <0001> Tj',
].join('\n');

describe('glyph runs merged into TJ', () => {
  it('draws every glyph where Chromium put it, and what follows exactly so', () => {
    const src = `BT\n/F1 10 Tf\n1 0 0 -1 86 1004 Tm\n${line}\n5.43 0 Td <0002> Tj\n<0003> Tj\n0 12 Td <0004> Tj\nET`;
    const { runs, text } = merge(src);
    expect(runs).toHaveLength(1);
    expect(text).toContain(']TJ');
    // The run's last glyph keeps its Td (the sum of the run's) and Tj: the line matrix and current
    // point after it are Chromium's.
    expect(text).toMatch(/\]TJ 35\.6100187 0 Td <0002> Tj\n<0003> Tj\n0 12 Td <0004> Tj/);
    expectSamePlaces(src, text);
    const after = glyphs(text).slice(-3);
    const before = glyphs(src).slice(-3);
    after.forEach((g, i) => expect(g[2]).toBeCloseTo(before[i]![2], 6));
    expect(text.length).toBeLessThan(src.length);
  });

  it('keeps every glyph within a hair along a long line, carrying the rounding', () => {
    // 300 glyphs each 0.00125 off its width (Chromium's 13.33 pt size against 13.333 px advances).
    const parts = ['<0001> Tj'];
    for (let i = 1; i < 300; i++) parts.push(`${(5.43 * 1.00025).toFixed(7)} 0 Td <0001> Tj`);
    const src = `BT /F1 10 Tf 1 0 0 -1 0 50 Tm ${parts.join(' ')} ET`;
    const { runs, text } = merge(src);
    expect(runs).toHaveLength(1);
    expectSamePlaces(src, text);
    // Not an adjustment a glyph: only when the drift passes the hair.
    const adjustments = (/\[(.*)\]TJ/.exec(text)![1]!.match(/>[-.\d]+</g) ?? []).length;
    expect(adjustments).toBeGreaterThan(5);
    expect(adjustments).toBeLessThan(120);
  });

  it('follows a negative font size (glyphs advancing leftwards)', () => {
    const src = 'BT /F1 -10 Tf 1 0 0 1 300 0 Tm <0001> Tj -5.4299927 0 Td <0002> Tj -6.0000153 0 Td <0003> Tj -7.25 0 Td <0004> Tj ET';
    const { runs, text } = merge(src);
    expect(runs).toHaveLength(1);
    expectSamePlaces(src, text);
  });

  it('leaves a stream with character or word spacing alone', () => {
    for (const op of ['0.5 Tc', '2 Tw', '90 Tz']) {
      const src = `BT /F1 10 Tf ${op} 1 0 0 1 0 0 Tm ${line} ET`;
      expect(merge(src).runs, op).toEqual([]);
    }
    // Their defaults change nothing: merged.
    expect(merge(`BT /F1 10 Tf 0 Tc 0 Tw 100 Tz 1 0 0 1 0 0 Tm ${line} ET`).runs).toHaveLength(1);
  });

  it('breaks runs at a font change, a new line, another operator, and restores the font after Q', () => {
    const src = [
      'BT /F1 10 Tf 0 0 Td', line,
      '/F2 12 Tf 3 0 Td <0001> Tj 2 0 Td <0002> Tj 2 0 Td <0001> Tj 2 0 Td <0002> Tj',
      '0 -14 Td <0001> Tj 2 0 Td <0002> Tj 2 0 Td <0001> Tj 2 0 Td <0002> Tj',
      '1 0 0 rg 2 0 Td <0001> Tj 2 0 Td <0002> Tj',
      'ET q BT /F1 9 Tf 0 0 Td <0001> Tj 5 0 Td <0002> Tj 5 0 Td <0003> Tj ET Q',
      'BT 0 0 Td <0001> Tj 3 0 Td <0002> Tj 3 0 Td <0001> Tj 3 0 Td <0002> Tj ET',
    ].join('\n');
    const { runs, text } = merge(src);
    // The first line (F1), the F2 line, the next line, the F1 line inside q...Q, and the F2 line after Q.
    expect(runs).toHaveLength(5);
    expectSamePlaces(src, text);
  });

  it('does not start a run where the current point is not the line start', () => {
    // The second Tj is drawn after the first one's advance, not at a Td: the run starts at neither.
    const src = 'BT /F1 10 Tf 0 0 Td <0001> Tj <0002> Tj 6 0 Td <0003> Tj 5 0 Td <0004> Tj ET';
    const { runs, text } = merge(src);
    expect(runs).toEqual([]);
    expect(text).toBe(src);
  });

  it('covers operators another edit removes, and never spans a place where one inserts', () => {
    // A soft hyphen's span (BDC, a blank glyph, EMC) removed inside the line, as textlayer.ts does.
    const src = `BT /F1 10 Tf 0 0 Td <0001> Tj 5.43 0 Td <0002> Tj /Span <</ActualText <feff00ad>>> BDC <0005> Tj EMC 6 0 Td <0003> Tj 5.5 0 Td <0004> Tj ET`;
    const blank = (ops: Operation[]) => ops.flatMap((op, i) => (op.operator === 'BDC' || op.operator === 'EMC' || (op.operator === 'Tj' && ops[i - 1]?.operator === 'BDC') ? [i] : []));
    const { runs, text } = merge(src, { skip: blank });
    expect(runs).toHaveLength(1);
    expect(text).not.toContain('ActualText');
    expect(text).not.toContain('<0005>');
    expectSamePlaces(src.replace(/\/Span.*?EMC/, ''), text);
    // An insertion (an artifact's BDC) before the third glyph: that run is left as it was.
    const cut = merge(src.replace(/\/Span.*?EMC /, ''), { cuts: (ops) => [ops.filter((o) => o.operator === 'Tj')[2]!.start] });
    expect(cut.runs).toEqual([]);
    // One at the run's first glyph is outside what the run replaces.
    const atStart = merge(src.replace(/\/Span.*?EMC /, ''), { cuts: (ops) => [ops.find((o) => o.operator === 'Tj')!.start] });
    expect(atStart.runs).toHaveLength(1);
  });

  it('writes numbers short and plain', () => {
    expect(formatNumber(0.1, 3)).toBe('.1');
    expect(formatNumber(-0.05, 3)).toBe('-.05');
    expect(formatNumber(-96.7, 3)).toBe('-96.7');
    expect(formatNumber(20, 3)).toBe('20');
    expect(formatNumber(35.43000409, 6)).toBe('35.430004');
    expect(formatNumber(-0.0000001, 3)).toBe('0');
    expect(formatNumber(1e-7 + 12, 6)).toBe('12');
  });
});

describe("a font's widths", () => {
  it('reads a Type0 Identity-H font (both /W forms, /DW) and nothing else', async () => {
    const lib = await LibPdf.create();
    const cid = lib.context.obj({ Type: 'Font', Subtype: 'CIDFontType2', DW: 573, W: [3, [605, 582], 10, 12, 300] });
    const type0 = lib.context.register(lib.context.obj({ Type: 'Font', Subtype: 'Type0', Encoding: 'Identity-H', DescendantFonts: [lib.context.register(cid)] }));
    const vertical = lib.context.register(lib.context.obj({ Type: 'Font', Subtype: 'Type0', Encoding: 'Identity-V', DescendantFonts: [lib.context.register(cid)] }));
    const simple = lib.context.register(lib.context.obj({ Type: 'Font', Subtype: 'TrueType', FirstChar: 32, Widths: [250] }));
    const page = lib.addPage([100, 100]);
    page.node.set(LibName.of('Resources'), lib.context.obj({ Font: { A: type0, B: vertical, C: simple } }));
    const doc = OurPdf.read(await lib.save({ useObjectStreams: false }));
    const fontDict = doc.getPages()[0]!.resources()!.lookupMaybe(PDFName.of('Font'), PDFDict)!;
    const get = (n: string) => readFontWidths(doc, fontDict.get(PDFName.of(n))!);
    const a = get('A')!;
    expect(a.dw).toBe(573);
    expect([a.widths[3], a.widths[4], a.widths[10], a.widths[11], a.widths[12]]).toEqual([605, 582, 300, 300, 300]);
    expect(Number.isNaN(a.widths[5]!)).toBe(true);
    expect(get('B')).toBeUndefined();
    expect(get('C')).toBeUndefined();
  });
});
