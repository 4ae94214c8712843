/**
 * Artifacts: Chromium tags the content of the document's elements (marked content with an MCID, in
 * the structure tree) but paints the rest outside any marked content: page and box backgrounds,
 * rules and borders, the label boxes, the logo, and the running header and footer (CSS margin
 * boxes). PDF/UA-1 wants every piece of content either tagged or an artifact (Matterhorn 01-005),
 * so each painting operator outside marked content is wrapped as an artifact here:
 *
 * - text painted before any clipping path is set (the margin boxes: Chromium draws them before it
 *   clips to the page area) as `/Artifact <</Type /Pagination>>`, with `/Subtype /Header` or
 *   `/Footer` by which half of the page it sits in;
 * - everything else (backgrounds, borders, decorative text) as `/Artifact <</Type /Layout>>`.
 *
 * Only marked-content operators are inserted, at the edges of whole graphics objects (a path from
 * its first construction operator to its painting operator; a text-showing operator inside its
 * text object), so what the page draws does not change.
 */
import type { Operation } from './content.js';

export interface Edit {
  start: number;
  end: number;
  text: string;
}

const pathStart = new Set(['m', 're']);
const pathPaint = new Set(['f', 'F', 'f*', 'B', 'B*', 'b', 'b*', 'S', 's']);
/** Operators that may sit inside one artifact between two painted pieces of the same kind. */
const between = new Set(['Td', 'TD', 'Tm', 'T*', 'Tf', 'Tc', 'Tw', 'Tz', 'TL', 'Ts', 'Tr', 'rg', 'RG', 'g', 'G', 'k', 'K', 'cs', 'CS', 'sc', 'SC', 'scn', 'SCN', 'gs', 'w', 'J', 'j', 'M', 'd', 'ri', 'i']);

type Kind = 'pagination' | 'layout';

interface Unit {
  first: number;
  last: number;
  kind: Kind;
  /** y of the text in page space (PDF units, from the bottom), when known. */
  y?: number;
}

type Matrix = [number, number, number, number, number, number];
const multiply = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[1] * n[2],
  m[0] * n[1] + m[1] * n[3],
  m[2] * n[0] + m[3] * n[2],
  m[2] * n[1] + m[3] * n[3],
  m[4] * n[0] + m[5] * n[2] + n[4],
  m[4] * n[1] + m[5] * n[3] + n[5],
];

/**
 * The edits that wrap a page content stream's untagged painting as artifacts; none when its marked
 * content is unbalanced (the stream is then left as it is, and `check` reports it).
 */
export function artifactEdits(ops: Operation[], pageHeight: number): Edit[] {
  const units: Unit[] = [];
  let depth = 0;
  let path = -1;
  // Graphics state: the transformation matrix and whether a clip is set, saved by q, restored by Q.
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  let clipped = false;
  const saved: { ctm: Matrix; clipped: boolean }[] = [];
  // The text matrix (always the text line matrix here: no operator moves one without the other),
  // as six numbers: Td, one per glyph, then allocates nothing.
  let ta = 1, tb = 0, tc = 0, td = 1, te = 0, tf = 0;
  const nums = (op: Operation) => op.operands.map((o) => (o.kind === 'number' ? o.value : NaN));
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    switch (op.operator) {
      case 'BMC':
      case 'BDC':
        depth++;
        continue;
      case 'EMC':
        if (--depth < 0) return [];
        continue;
      case 'q':
        saved.push({ ctm, clipped });
        continue;
      case 'Q': {
        const s = saved.pop();
        if (s) ({ ctm, clipped } = s);
        continue;
      }
      case 'cm': {
        const n = nums(op);
        if (n.length === 6 && n.every(Number.isFinite)) ctm = multiply(n as Matrix, ctm);
        continue;
      }
      case 'W':
      case 'W*':
        clipped = true;
        continue;
      case 'BT':
        ta = 1, tb = 0, tc = 0, td = 1, te = 0, tf = 0;
        continue;
      case 'Tm': {
        const n = nums(op);
        if (n.length === 6 && n.every(Number.isFinite)) [ta, tb, tc, td, te, tf] = n as Matrix;
        continue;
      }
      case 'Td':
      case 'TD': {
        // The commonest operator with Tj (one per glyph).
        const x = op.operands[0];
        const y = op.operands[1];
        if (x?.kind === 'number' && y?.kind === 'number' && (x.value !== 0 || y.value !== 0)) {
          const e = x.value * ta + y.value * tc + te;
          tf = x.value * tb + y.value * td + tf;
          te = e;
        }
        continue;
      }
      case 'Tj':
      case 'TJ':
      case "'":
      case '"':
        // Shows neither start nor paint a path (below): decided here.
        if (depth === 0) units.push({ first: i, last: i, kind: clipped ? 'layout' : 'pagination', y: te * ctm[1] + tf * ctm[3] + ctm[5] });
        continue;
    }
    if (pathStart.has(op.operator) && path < 0) path = i;
    if (pathPaint.has(op.operator) || op.operator === 'n') {
      if (depth === 0 && path >= 0 && op.operator !== 'n') units.push({ first: path, last: i, kind: 'layout' });
      path = -1;
      continue;
    }
    if (depth !== 0) continue;
    if (op.operator === 'Do' || op.operator === 'sh') units.push({ first: i, last: i, kind: 'layout' });
  }
  if (depth !== 0) return [];
  // Merge neighbours of the same kind with only state operators between them.
  const merged: Unit[] = [];
  for (const u of units) {
    const prev = merged[merged.length - 1];
    let joinable = Boolean(prev && prev.kind === u.kind);
    for (let j = (prev?.last ?? 0) + 1; joinable && j < u.first; j++) joinable = between.has(ops[j]!.operator);
    if (prev && joinable) prev.last = u.last;
    else merged.push({ ...u });
  }
  return merged.flatMap((u) => {
    let props = '<</Type /Layout>>';
    if (u.kind === 'pagination') props = `<</Type /Pagination /Subtype /${u.y !== undefined && u.y > pageHeight / 2 ? 'Header' : 'Footer'}>>`;
    return [
      { start: ops[u.first]!.start, end: ops[u.first]!.start, text: `/Artifact ${props} BDC\n` },
      { start: ops[u.last]!.end, end: ops[u.last]!.end, text: '\nEMC' },
    ];
  });
}
