/**
 * A small reader of PDF content streams: the operators with their operands and where each sits in
 * the bytes, so a post-process can delete or replace a few operators and leave every other byte as
 * Chromium wrote it. Inline images (BI ... ID ... EI) hold raw bytes the lexer cannot walk: a
 * stream with one is reported as unreadable (undefined) and left alone.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { decodeStream as decodeAny, PDFArray, PDFName, PDFRawStream, type PDFContext } from '../../pdf/index.js';
import { hexInto } from '../../pdf/parse.js';

/**
 * The decoded bytes of a stream. Plain Flate (what Chromium writes) goes through Node's zlib, ten
 * without the filter dispatch; any other filter through src/pdf/filters.ts. Throws when the
 * stream cannot be decoded.
 */
export function decodeStream(stream: PDFRawStream): Uint8Array {
  const filter = stream.dict.lookup(PDFName.of('Filter'));
  const only = filter instanceof PDFArray && filter.size() === 1 ? filter.lookup(0) : filter;
  if (only === PDFName.of('FlateDecode') && !stream.dict.get(PDFName.of('DecodeParms'))) return inflateSync(stream.contents);
  return decodeAny(stream);
}

/**
 * A Flate-compressed stream of `bytes` (Node's zlib: deterministic for a given Node version, and
 * fast).
 */
export function flateStream(context: PDFContext, bytes: Uint8Array): PDFRawStream {
  return context.stream(deflateSync(bytes), { Filter: 'FlateDecode' });
}

export type Operand =
  | { kind: 'number'; value: number }
  | { kind: 'name'; value: string }
  | { kind: 'string'; /** Shared between equal short strings: never change them. */ bytes: Uint8Array; hex: boolean; /** Byte range in the stream. */ start: number; end: number }
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

const WHITE = new Uint8Array(256);
for (const c of [0x20, 0x0a, 0x0d, 0x09, 0x0c, 0x00]) WHITE[c] = 1;
const DELIM = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIM[c.charCodeAt(0)] = 1;
const isWhite = (c: number) => WHITE[c] === 1;
const isDelim = (c: number) => DELIM[c] === 1;

// Token kinds: what Lexer.next() read (its value in lex.value or lex.op, its bytes lex.start ... lex.end).
const END = 0, VALUE = 1, OP = 2, OPEN = 3, CLOSE = 4, DOPEN = 5, DCLOSE = 6;

/** Number operands by value, shared (operands are never changed): most numbers of a page repeat. */
const numbers = new Map<number, Operand>();
const numberOperand = (value: number): Operand => {
  let o = numbers.get(value);
  if (!o) {
    o = { kind: 'number', value };
    if (numbers.size < 50_000) numbers.set(value, o);
  }
  return o;
};
/**
 * The same by the number's digits, a small integer (number() makes it): a Map keyed by small
 * integers looks up without boxing a double.
 */
const keyed = new Map<number, Operand>();
const keyedNumber = (key: number, value: number): Operand => {
  let o = keyed.get(key);
  if (!o) {
    o = { kind: 'number', value };
    if (keyed.size < 50_000) keyed.set(key, o);
  }
  return o;
};
/** Two-byte hex strings by value, shared (string operands' bytes are never changed): a page shows a few hundred glyphs thousands of times. */
const shortStrings: (Uint8Array | undefined)[] = new Array(65536);
/** Operator names of one or two characters, shared (no string made per operator). */
const shortOps = new Map<number, string>();
for (const op of ['b', 'B', 'c', 'd', 'f', 'F', 'g', 'G', 'h', 'i', 'j', 'J', 'k', 'K', 'l', 'm', 'M', 'n', 'q', 'Q', 's', 'S', 'v', 'w', 'W', 'y', "'", '"',
  'b*', 'B*', 'BI', 'BT', 'BX', 'cm', 'cs', 'CS', 'd0', 'd1', 'Do', 'DP', 'EI', 'ET', 'EX', 'f*', 'gs', 'ID', 'MP', 're', 'RG', 'rg', 'ri', 'sc', 'SC', 'sh',
  'T*', 'Tc', 'Td', 'TD', 'Tf', 'Tj', 'TJ', 'TL', 'Tm', 'Tr', 'Ts', 'Tw', 'Tz', 'W*']) {
  shortOps.set(op.length === 1 ? op.charCodeAt(0) : op.charCodeAt(0) * 256 + op.charCodeAt(1), op);
}

/**
 * Reads a latin1 string of the bytes (one char per byte): charCodeAt and slice. Allocation-light
 * (a long report has a million tokens): next() returns the token's kind and leaves its value in
 * fields, numbers and operator names are shared.
 */
class Lexer {
  pos = 0;
  start = 0;
  value: Operand | undefined;
  op = '';
  /** Set by number(): its digits as a small integer (see there), or -1. */
  private key = -1;
  private scratch = new Uint8Array(256);
  constructor(readonly s: string) {}

  next(): number {
    const s = this.s;
    const n = s.length;
    for (;;) {
      while (this.pos < n && WHITE[s.charCodeAt(this.pos)] === 1) this.pos++;
      if (this.pos >= n) return END;
      if (s.charCodeAt(this.pos) !== 0x25) break; // %comment
      while (this.pos < n && s.charCodeAt(this.pos) !== 0x0a && s.charCodeAt(this.pos) !== 0x0d) this.pos++;
    }
    const start = (this.start = this.pos);
    const c = s.charCodeAt(this.pos);
    if (c === 0x28) {
      const bytes = this.literal();
      this.value = { kind: 'string', bytes, hex: false, start, end: this.pos };
      return VALUE;
    }
    if (c === 0x3c && s.charCodeAt(this.pos + 1) === 0x3c) {
      this.pos += 2;
      return DOPEN;
    }
    if (c === 0x3e && s.charCodeAt(this.pos + 1) === 0x3e) {
      this.pos += 2;
      return DCLOSE;
    }
    if (c === 0x3c) {
      const bytes = this.hexString();
      this.value = { kind: 'string', bytes, hex: true, start, end: this.pos };
      return VALUE;
    }
    if (c === 0x5b || c === 0x5d) {
      this.pos++;
      return c === 0x5b ? OPEN : CLOSE;
    }
    if (c === 0x2f) {
      this.pos++;
      const w = this.word();
      this.value = { kind: 'name', value: w.includes('#') ? w.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : w };
      return VALUE;
    }
    if (isDelim(c)) {
      // A stray ')', '>', '{' or '}': not in a valid stream.
      throw new Error(`unexpected byte ${c} at ${start}`);
    }
    // Numbers start with a digit, a sign or a point; operators never do.
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      const v = this.number();
      if (Number.isNaN(v)) throw new Error(`bad number at ${start}`);
      this.value = this.key >= 0 ? keyedNumber(this.key, v) : numberOperand(v);
      return VALUE;
    }
    let end = this.pos;
    while (end < n) {
      const d = s.charCodeAt(end);
      if (WHITE[d] === 1 || DELIM[d] === 1) break;
      end++;
    }
    const len = end - this.pos;
    const short = len === 1 ? shortOps.get(c) : len === 2 ? shortOps.get(c * 256 + s.charCodeAt(this.pos + 1)) : undefined;
    const w = short ?? s.slice(this.pos, end);
    this.pos = end;
    if (w === 'true' || w === 'false' || w === 'null') {
      this.value = { kind: 'other', value: w };
      return VALUE;
    }
    this.op = w;
    return OP;
  }

  /** A number read in place (the common forms: sign, digits, one point); anything odder through Number(). */
  private number(): number {
    const s = this.s;
    const from = this.pos;
    let p = from;
    let sign = 1;
    const c0 = s.charCodeAt(p);
    if (c0 === 0x2d || c0 === 0x2b) {
      if (c0 === 0x2d) sign = -1;
      p++;
    }
    let v = 0;
    let digits = 0;
    let c = s.charCodeAt(p);
    while (c >= 0x30 && c <= 0x39) {
      v = v * 10 + (c - 0x30);
      digits++;
      c = s.charCodeAt(++p);
    }
    let places = 0;
    let mantissa = v;
    if (c === 0x2e) {
      let scale = 1;
      let frac = 0;
      c = s.charCodeAt(++p);
      while (c >= 0x30 && c <= 0x39) {
        frac = frac * 10 + (c - 0x30);
        scale *= 10;
        places++;
        digits++;
        c = s.charCodeAt(++p);
      }
      // One division of two exact doubles (at most 15 digits, a power of ten up to 1e15), rounded
      // once: the double nearest the decimal, which is what Number() reads.
      mantissa = v * scale + frac;
      v = mantissa / scale;
    }
    if (p < s.length && WHITE[c] !== 1 && DELIM[c] !== 1) v = NaN; // more to this word
    if (digits > 0 && !Number.isNaN(v) && digits <= 15) {
      this.pos = p;
      // The digits as a small integer key (mantissa, places, sign) when they fit one.
      this.key = mantissa < 0x4000000 && places < 8 ? mantissa * 16 + places * 2 + (sign < 0 ? 1 : 0) : -1;
      return sign * v;
    }
    this.pos = from;
    this.key = -1;
    return Number(this.word());
  }

  private word(): string {
    const s = this.s;
    const from = this.pos;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (isWhite(c) || isDelim(c)) break;
      this.pos++;
    }
    return s.slice(from, this.pos);
  }

  private literal(): Uint8Array {
    const s = this.s;
    const out: number[] = [];
    let depth = 0;
    this.pos++;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos++);
      if (c === 0x5c) {
        const e = s.charCodeAt(this.pos++);
        const map: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12, 0x28: 0x28, 0x29: 0x29, 0x5c: 0x5c };
        if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          for (let i = 0; i < 2 && s.charCodeAt(this.pos) >= 0x30 && s.charCodeAt(this.pos) <= 0x37; i++) v = v * 8 + (s.charCodeAt(this.pos++) - 0x30);
          out.push(v & 0xff);
        } else if (e === 0x0d) {
          if (s.charCodeAt(this.pos) === 0x0a) this.pos++;
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
    const s = this.s;
    const close = s.indexOf('>', this.pos + 1);
    const end = close < 0 ? s.length : close;
    if (this.scratch.length < (end - this.pos) >> 1) this.scratch = new Uint8Array(end - this.pos);
    const out = this.scratch;
    const n = hexInto(s, this.pos + 1, end, out, false);
    this.pos = end + 1;
    // A glyph or two (`<0011> Tj`: most strings of a page): shared by value, as numbers are.
    if (n === 2) {
      const code = (out[0]! << 8) | out[1]!;
      return (shortStrings[code] ??= out.slice(0, 2));
    }
    return out.slice(0, n);
  }
}

const NO_OPERANDS: Operand[] = [];

/** The operations of a content stream, or undefined when it cannot be read safely. */
export function parseContent(bytes: Uint8Array): Operation[] | undefined {
  const lex = new Lexer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'));
  const ops: Operation[] = [];
  // Operands pending, with nested arrays and dicts being built.
  const stack: { kind: 'array' | 'dict'; items: Operand[]; start: number }[] = [];
  // The operation's operands so far (a reused array), copied into one of their exact size at the
  // operator: a pushed-to array would keep room for 17 (half the operations are `x y Td`).
  const pending: Operand[] = [];
  let count = 0;
  let opStart = -1;
  try {
    for (let tok = lex.next(); tok !== END; tok = lex.next()) {
      if (opStart < 0) opStart = lex.start;
      if (tok === OPEN || tok === DOPEN) {
        stack.push({ kind: tok === OPEN ? 'array' : 'dict', items: [], start: lex.start });
        continue;
      }
      let value: Operand | undefined;
      if (tok === CLOSE || tok === DCLOSE) {
        const top = stack.pop();
        if (!top || top.kind !== (tok === CLOSE ? 'array' : 'dict')) return undefined;
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
      } else if (tok === VALUE) value = lex.value;
      if (value) {
        if (stack.length) stack[stack.length - 1]!.items.push(value);
        else pending[count++] = value;
        continue;
      }
      if (stack.length) return undefined;
      const op = lex.op;
      if (op === 'BI' || op === 'ID' || op === 'EI') return undefined;
      const operands = count === 0 ? NO_OPERANDS : count === 1 ? [pending[0]!] : count === 2 ? [pending[0]!, pending[1]!] : pending.slice(0, count);
      ops.push({ operator: op, operands, start: opStart, end: lex.pos });
      count = 0;
      opStart = -1;
    }
  } catch {
    return undefined;
  }
  if (stack.length || count) return undefined;
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
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
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
  // One output buffer, the kept ranges copied into it (a page has thousands of edits: no buffer per piece).
  let size = bytes.length;
  let at = 0;
  for (const e of sorted) {
    if (e.start < at) throw new Error('overlapping content stream edits');
    size += e.text.length - (e.end - e.start);
    at = e.end;
  }
  const src = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  at = 0;
  for (const e of sorted) {
    pos += src.copy(out, pos, at, e.start);
    pos += out.write(e.text, pos, 'latin1');
    at = e.end;
  }
  pos += src.copy(out, pos, at);
  return new Uint8Array(out.buffer, out.byteOffset, pos);
}
