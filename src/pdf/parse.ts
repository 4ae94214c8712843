/**
 * The PDF object syntax (ISO 32000-1 7.2, 7.3): a parser over a file's bytes, read as a Latin-1
 * string (one char per byte, so char offsets are byte offsets and stream bytes are subarrays of the
 * file, never copies).
 */
import { PDFArray, PDFBool, PDFDict, PDFHexString, PDFName, PDFNull, PDFNumber, PDFRawStream, PDFRef, PDFString, type PDFObject, type Resolver } from './objects.js';

export class PdfSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} (byte ${offset})`);
  }
}

const WHITE = new Uint8Array(256);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) WHITE[c] = 1;
const DELIM = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIM[c.charCodeAt(0)] = 1;

export const isWhite = (c: number) => WHITE[c] === 1;

/**
 * The bytes of the hex digits in s[from, to) written into `out` (a last odd digit is followed by
 * 0, as the specification says); returns how many. White space is skipped; any other character is
 * a PdfSyntaxError when `strict`, else skipped too (a content stream is read leniently).
 */
export function hexInto(s: string, from: number, to: number, out: Uint8Array, strict: boolean): number {
  let n = 0;
  let hi = -1;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    const v = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
    if (v < 0) {
      if (strict && !isWhite(c)) throw new PdfSyntaxError('not a hex digit in a hex string', i);
      continue;
    }
    if (hi < 0) hi = v;
    else {
      out[n++] = (hi << 4) | v;
      hi = -1;
    }
  }
  if (hi >= 0) out[n++] = hi << 4;
  return n;
}
const isRegular = (c: number) => c < 256 && WHITE[c] === 0 && DELIM[c] === 0;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

const ESCAPES: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12, 0x28: 0x28, 0x29: 0x29, 0x5c: 0x5c };

/** The length of a stream whose /Length is a reference: resolved by the document. */
export type LengthResolver = (ref: PDFRef) => PDFObject | undefined;

export class Parser {
  pos = 0;
  constructor(
    readonly s: string,
    readonly bytes: Uint8Array,
    readonly context: Resolver,
  ) {}

  /** Skip white space and comments. */
  skip(): void {
    const s = this.s;
    const n = s.length;
    for (;;) {
      while (this.pos < n && WHITE[s.charCodeAt(this.pos)] === 1) this.pos++;
      if (this.pos >= n || s.charCodeAt(this.pos) !== 0x25) return;
      while (this.pos < n && s.charCodeAt(this.pos) !== 0x0a && s.charCodeAt(this.pos) !== 0x0d) this.pos++;
    }
  }

  /** A regular word (keyword or number) at pos. */
  word(): string {
    const s = this.s;
    const from = this.pos;
    while (this.pos < s.length && isRegular(s.charCodeAt(this.pos))) this.pos++;
    return s.slice(from, this.pos);
  }

  /** True (and moves past it) when the keyword `kw` is next. */
  keyword(kw: string): boolean {
    this.skip();
    if (!this.s.startsWith(kw, this.pos)) return false;
    const after = this.s.charCodeAt(this.pos + kw.length);
    if (!Number.isNaN(after) && isRegular(after)) return false;
    this.pos += kw.length;
    return true;
  }

  /** A non-negative integer at pos (after white space), or undefined (pos unchanged). */
  integer(): number | undefined {
    this.skip();
    const s = this.s;
    let p = this.pos;
    let v = 0;
    while (p < s.length && isDigit(s.charCodeAt(p))) v = v * 10 + s.charCodeAt(p++) - 0x30;
    if (p === this.pos || (p < s.length && isRegular(s.charCodeAt(p)))) return undefined;
    this.pos = p;
    return v;
  }

  value(depth = 0): PDFObject {
    this.skip();
    const s = this.s;
    const start = this.pos;
    if (start >= s.length) throw new PdfSyntaxError('unexpected end of file', start);
    if (depth > 256) throw new PdfSyntaxError('objects nested too deep', start);
    const c = s.charCodeAt(start);
    switch (c) {
      case 0x2f: // /Name
        this.pos++;
        return this.name();
      case 0x28:
        return new PDFString(this.literal());
      case 0x3c:
        if (s.charCodeAt(start + 1) === 0x3c) {
          this.pos += 2;
          return this.dict(depth);
        }
        return new PDFHexString(this.hex());
      case 0x5b: {
        this.pos++;
        const items: PDFObject[] = [];
        for (;;) {
          this.skip();
          if (this.pos >= s.length) throw new PdfSyntaxError('unterminated array', start);
          if (s.charCodeAt(this.pos) === 0x5d) {
            this.pos++;
            return new PDFArray(items, this.context);
          }
          items.push(this.value(depth + 1));
        }
      }
    }
    if (isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e) {
      const w = this.word();
      // `n g R`: a reference.
      if (/^\d+$/.test(w)) {
        const back = this.pos;
        const gen = this.integer();
        if (gen !== undefined && this.keyword('R')) return PDFRef.of(Number(w), gen);
        this.pos = back;
      }
      let v = Number(w);
      if (Number.isNaN(v)) {
        // Tolerate what readers tolerate: `--5`, `5.3.2`, `-` (read as 0 or the leading number).
        const m = /^[+-]*(\d*\.?\d*)/.exec(w);
        v = (w.replace(/[^-]/g, '').length % 2 ? -1 : 1) * (Number(m?.[1] || '0') || 0);
      }
      return PDFNumber.of(v);
    }
    const w = this.word();
    if (w === 'true') return PDFBool.True;
    if (w === 'false') return PDFBool.False;
    if (w === 'null') return PDFNull.Null;
    throw new PdfSyntaxError(w ? `unexpected keyword "${w.slice(0, 20)}"` : `unexpected character "${s[start]}"`, start);
  }

  private name(): PDFName {
    const s = this.s;
    const from = this.pos;
    while (this.pos < s.length && isRegular(s.charCodeAt(this.pos))) this.pos++;
    const raw = s.slice(from, this.pos);
    return PDFName.of(raw.includes('#') ? raw.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : raw);
  }

  private dict(depth: number): PDFDict {
    const s = this.s;
    const start = this.pos - 2;
    const map = new Map<PDFName, PDFObject>();
    for (;;) {
      this.skip();
      if (this.pos >= s.length) throw new PdfSyntaxError('unterminated dictionary', start);
      const c = s.charCodeAt(this.pos);
      if (c === 0x3e && s.charCodeAt(this.pos + 1) === 0x3e) {
        this.pos += 2;
        return new PDFDict(map, this.context);
      }
      if (c !== 0x2f) throw new PdfSyntaxError('a dictionary key is not a name', this.pos);
      this.pos++;
      const key = this.name();
      this.skip();
      // A key with no value before `>>`: null, as readers take it.
      if (s.charCodeAt(this.pos) === 0x3e && s.charCodeAt(this.pos + 1) === 0x3e) continue;
      const v = this.value(depth + 1);
      if (v !== PDFNull.Null) map.set(key, v);
    }
  }

  /** A literal string's bytes: escapes decoded, balanced parentheses kept, end-of-line as LF. */
  literal(): Uint8Array {
    const s = this.s;
    const start = this.pos;
    this.pos++;
    // Fast path: no escapes or nested parentheses or CR.
    const close = s.indexOf(')', this.pos);
    if (close >= 0) {
      let plain = true;
      for (let i = this.pos; i < close; i++) {
        const c = s.charCodeAt(i);
        if (c === 0x5c || c === 0x28 || c === 0x0d) {
          plain = false;
          break;
        }
      }
      if (plain) {
        const out = this.bytes.slice(this.pos, close);
        this.pos = close + 1;
        return out;
      }
    }
    const out: number[] = [];
    let depth = 0;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos++);
      if (c === 0x5c) {
        const e = s.charCodeAt(this.pos++);
        if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          for (let i = 0; i < 2 && s.charCodeAt(this.pos) >= 0x30 && s.charCodeAt(this.pos) <= 0x37; i++) v = v * 8 + (s.charCodeAt(this.pos++) - 0x30);
          out.push(v & 0xff);
        } else if (e === 0x0d) {
          if (s.charCodeAt(this.pos) === 0x0a) this.pos++;
        } else if (e !== 0x0a && !Number.isNaN(e)) out.push(ESCAPES[e] ?? e);
        continue;
      }
      if (c === 0x0d) {
        // An unescaped end of line reads as LF, whatever it was (7.3.4.2).
        if (s.charCodeAt(this.pos) === 0x0a) this.pos++;
        out.push(0x0a);
        continue;
      }
      if (c === 0x28) depth++;
      if (c === 0x29 && depth-- === 0) return Uint8Array.from(out);
      out.push(c);
    }
    throw new PdfSyntaxError('unterminated string', start);
  }

  hex(): Uint8Array {
    const s = this.s;
    const start = this.pos;
    const close = s.indexOf('>', start + 1);
    if (close < 0) throw new PdfSyntaxError('unterminated hex string', start);
    const out = new Uint8Array((close - start) >> 1);
    const n = hexInto(s, start + 1, close, out, true);
    this.pos = close + 1;
    return out.slice(0, n);
  }

  /**
   * `n g obj value endobj` at pos: the object, with a stream's bytes taken by /Length (direct or
   * resolved by `length`), or up to `endstream` when the length is missing or wrong.
   */
  indirect(length: LengthResolver): { ref: PDFRef; value: PDFObject } {
    const start = this.pos;
    const num = this.integer();
    const gen = num === undefined ? undefined : this.integer();
    if (num === undefined || gen === undefined || !this.keyword('obj')) throw new PdfSyntaxError('not the start of an object (n g obj)', start);
    const ref = PDFRef.of(num, gen);
    const value = this.value();
    const before = this.pos;
    if (value instanceof PDFDict && this.keyword('stream')) {
      const s = this.s;
      if (s.charCodeAt(this.pos) === 0x0d) this.pos++;
      if (s.charCodeAt(this.pos) === 0x0a) this.pos++;
      const from = this.pos;
      let len = value.get(PDFName.of('Length'));
      if (len instanceof PDFRef) len = length(len);
      let end = -1;
      if (len instanceof PDFNumber && Number.isInteger(len.asNumber()) && len.asNumber() >= 0 && from + len.asNumber() <= s.length) {
        const at = from + len.asNumber();
        let p = at;
        while (p < s.length && isWhite(s.charCodeAt(p))) p++;
        if (s.startsWith('endstream', p)) {
          end = at;
          this.pos = p + 'endstream'.length;
        }
      }
      if (end < 0) {
        const at = s.indexOf('endstream', from);
        if (at < 0) throw new PdfSyntaxError('a stream without endstream', from);
        end = at;
        // The end-of-line before endstream is not part of the data.
        if (s.charCodeAt(end - 1) === 0x0a) end--;
        if (s.charCodeAt(end - 1) === 0x0d) end--;
        this.pos = at + 'endstream'.length;
      }
      this.keyword('endobj');
      return { ref, value: new PDFRawStream(value, this.bytes.subarray(from, Math.max(from, end))) };
    }
    this.pos = before;
    this.keyword('endobj');
    return { ref, value };
  }
}
