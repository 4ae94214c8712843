/**
 * A small reader of PDF content streams: the operators with their operands and where each sits in
 * the bytes, so a post-process can delete or replace a few operators and leave every other byte as
 * Chromium wrote it. Inline images (BI ... ID ... EI) hold raw bytes the lexer cannot walk: a
 * stream with one is reported as unreadable (undefined) and left alone.
 */

export type Operand =
  | { kind: 'number'; value: number }
  | { kind: 'name'; value: string }
  | { kind: 'string'; bytes: Uint8Array; hex: boolean }
  | { kind: 'array'; items: Operand[] }
  | { kind: 'dict'; entries: Map<string, Operand> }
  | { kind: 'other'; value: string };

export interface Operation {
  operator: string;
  operands: Operand[];
  /** Byte range of the operands and the operator (from the first operand's start). */
  start: number;
  end: number;
}

const isWhite = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
const isDelim = (c: number) => c === 0x28 || c === 0x29 || c === 0x3c || c === 0x3e || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x2f || c === 0x25;

type Token = { t: 'value'; v: Operand; start: number; end: number } | { t: 'op'; v: string; start: number; end: number } | { t: 'open' | 'close' | 'dopen' | 'dclose'; start: number; end: number };

class Lexer {
  pos = 0;
  constructor(readonly b: Uint8Array) {}

  next(): Token | undefined {
    const b = this.b;
    for (;;) {
      while (this.pos < b.length && isWhite(b[this.pos]!)) this.pos++;
      if (this.pos >= b.length) return undefined;
      if (b[this.pos] !== 0x25) break; // %comment
      while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
    }
    const start = this.pos;
    const c = b[this.pos]!;
    if (c === 0x28) return { t: 'value', v: { kind: 'string', bytes: this.literal(), hex: false }, start, end: this.pos };
    if (c === 0x3c && b[this.pos + 1] === 0x3c) {
      this.pos += 2;
      return { t: 'dopen', start, end: this.pos };
    }
    if (c === 0x3e && b[this.pos + 1] === 0x3e) {
      this.pos += 2;
      return { t: 'dclose', start, end: this.pos };
    }
    if (c === 0x3c) return { t: 'value', v: { kind: 'string', bytes: this.hexString(), hex: true }, start, end: this.pos };
    if (c === 0x5b || c === 0x5d) {
      this.pos++;
      return { t: c === 0x5b ? 'open' : 'close', start, end: this.pos };
    }
    if (c === 0x2f) {
      this.pos++;
      const s = this.word();
      return { t: 'value', v: { kind: 'name', value: s.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) }, start, end: this.pos };
    }
    if (isDelim(c)) {
      // A stray ')', '>', '{' or '}': not in a valid stream.
      throw new Error(`unexpected byte ${c} at ${start}`);
    }
    const w = this.word();
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(w)) return { t: 'value', v: { kind: 'number', value: Number(w) }, start, end: this.pos };
    if (w === 'true' || w === 'false' || w === 'null') return { t: 'value', v: { kind: 'other', value: w }, start, end: this.pos };
    return { t: 'op', v: w, start, end: this.pos };
  }

  private word(): string {
    const b = this.b;
    const s = this.pos;
    while (this.pos < b.length && !isWhite(b[this.pos]!) && !isDelim(b[this.pos]!)) this.pos++;
    return Buffer.from(b.subarray(s, this.pos)).toString('latin1');
  }

  private literal(): Uint8Array {
    const b = this.b;
    const out: number[] = [];
    let depth = 0;
    this.pos++;
    while (this.pos < b.length) {
      const c = b[this.pos++]!;
      if (c === 0x5c) {
        const e = b[this.pos++]!;
        const map: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12, 0x28: 0x28, 0x29: 0x29, 0x5c: 0x5c };
        if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          for (let i = 0; i < 2 && b[this.pos]! >= 0x30 && b[this.pos]! <= 0x37; i++) v = v * 8 + (b[this.pos++]! - 0x30);
          out.push(v & 0xff);
        } else if (e === 0x0d) {
          if (b[this.pos] === 0x0a) this.pos++;
        } else if (e !== 0x0a) out.push(map[e] ?? e);
        continue;
      }
      if (c === 0x28) depth++;
      if (c === 0x29) {
        if (depth === 0) break;
        depth--;
      }
      out.push(c);
    }
    return Uint8Array.from(out);
  }

  private hexString(): Uint8Array {
    const b = this.b;
    this.pos++;
    let hex = '';
    while (this.pos < b.length && b[this.pos] !== 0x3e) {
      const c = b[this.pos++]!;
      if (!isWhite(c)) hex += String.fromCharCode(c);
    }
    this.pos++;
    if (hex.length % 2) hex += '0';
    return Uint8Array.from(Buffer.from(hex, 'hex'));
  }
}

/** The operations of a content stream, or undefined when it cannot be read safely. */
export function parseContent(bytes: Uint8Array): Operation[] | undefined {
  const lex = new Lexer(bytes);
  const ops: Operation[] = [];
  // Operands pending, with nested arrays and dicts being built.
  const stack: { kind: 'array' | 'dict'; items: Operand[]; start: number }[] = [];
  let operands: Operand[] = [];
  let opStart = -1;
  try {
    for (let tok = lex.next(); tok; tok = lex.next()) {
      if (opStart < 0) opStart = tok.start;
      if (tok.t === 'open' || tok.t === 'dopen') {
        stack.push({ kind: tok.t === 'open' ? 'array' : 'dict', items: [], start: tok.start });
        continue;
      }
      let value: Operand | undefined;
      if (tok.t === 'close' || tok.t === 'dclose') {
        const top = stack.pop();
        if (!top || top.kind !== (tok.t === 'close' ? 'array' : 'dict')) return undefined;
        if (top.kind === 'array') value = { kind: 'array', items: top.items };
        else {
          const entries = new Map<string, Operand>();
          for (let i = 0; i + 1 < top.items.length; i += 2) {
            const k = top.items[i]!;
            if (k.kind !== 'name') return undefined;
            entries.set(k.value, top.items[i + 1]!);
          }
          value = { kind: 'dict', entries };
        }
      } else if (tok.t === 'value') value = tok.v;
      if (value) {
        (stack.length ? stack[stack.length - 1]!.items : operands).push(value);
        continue;
      }
      if (tok.t !== 'op' || stack.length) return undefined;
      if (tok.v === 'BI' || tok.v === 'ID' || tok.v === 'EI') return undefined;
      ops.push({ operator: tok.v, operands, start: opStart, end: tok.end });
      operands = [];
      opStart = -1;
    }
  } catch {
    return undefined;
  }
  if (stack.length || operands.length) return undefined;
  return ops;
}

/** Text of a PDF text string: UTF-16BE with its byte order mark, UTF-8 with its, or PDFDocEncoding (~Latin-1). */
export function decodeTextString(bytes: Uint8Array): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    let s = '';
    for (let i = 2; i + 1 < bytes.length; i += 2) s += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
    return s;
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return Buffer.from(bytes.subarray(3)).toString('utf8');
  return Buffer.from(bytes).toString('latin1');
}

/** A text string as a hex UTF-16BE string with its byte order mark, the way Chromium writes them. */
export function encodeTextString(text: string): string {
  let hex = 'feff';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0');
  return `<${hex}>`;
}

/** Apply byte-range edits (non-overlapping) to `bytes`. */
export function applyEdits(bytes: Uint8Array, edits: { start: number; end: number; text: string }[]): Uint8Array {
  // Stable: an insertion keeps its place before an edit that starts where it does.
  const sorted = [...edits].sort((a, b) => a.start - b.start || (a.end - a.start) - (b.end - b.start));
  const parts: Buffer[] = [];
  let at = 0;
  for (const e of sorted) {
    if (e.start < at) throw new Error('overlapping content stream edits');
    parts.push(Buffer.from(bytes.subarray(at, e.start)), Buffer.from(e.text, 'latin1'));
    at = e.end;
  }
  parts.push(Buffer.from(bytes.subarray(at)));
  return new Uint8Array(Buffer.concat(parts));
}
