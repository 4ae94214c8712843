/**
 * The writer: every object reachable from the trailer (/Root, /Info, /Encrypt), in object number
 * order, then one classic cross-reference table and the trailer. Stream bytes are copied as they
 * are (never re-encoded); /Length is written direct. The same objects give the same bytes.
 */
import { PDFArray, PDFBool, PDFDict, PDFHexString, PDFName, PDFNull, PDFNumber, PDFObject, PDFRawStream, PDFRef, PDFString } from './objects.js';
import type { PDFContext } from './document.js';

export interface WriteOptions {
  /** Override the header's version (default: the file's own). */
  version?: string;
}

const LENGTH = PDFName.of('Length');

/** A number as PDF writes it: no exponent, at most 10 decimals, no trailing zeros. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return '0';
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const s = String(n);
  if (!s.includes('e')) return s;
  return n.toFixed(10).replace(/0+$/, '').replace(/\.$/, '') || '0';
}

// Bytes a name writes as #xx: outside ! to ~, delimiters, and # itself.
const NAME_ESCAPE = new Uint8Array(256);
for (let c = 0; c < 256; c++) NAME_ESCAPE[c] = c < 0x21 || c > 0x7e || '()<>[]{}/%#'.includes(String.fromCharCode(c)) ? 1 : 0;

const nameCache = new Map<PDFName, string>();
export function formatName(name: PDFName): string {
  let out = nameCache.get(name);
  if (out !== undefined) return out;
  const text = name.decodeText();
  // Characters beyond Latin-1 (a name made in code, not read from a file) are written as UTF-8.
  const bytes = /[^\u0000-\u00ff]/.test(text) ? Buffer.from(text, 'utf8') : Buffer.from(text, 'latin1');
  out = '/';
  for (const b of bytes) out += NAME_ESCAPE[b] ? `#${b.toString(16).padStart(2, '0').toUpperCase()}` : String.fromCharCode(b);
  nameCache.set(name, out);
  return out;
}

/** A literal string: `\`, parentheses and control characters escaped; other bytes as they are. */
export function formatLiteral(bytes: Uint8Array): string {
  let out = '(';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x28 || b === 0x29 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b < 0x20 || b === 0x7f) out += `\\${b.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(b);
  }
  return `${out})`;
}

export function formatHex(bytes: Uint8Array): string {
  return `<${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase()}>`;
}

/** One object as PDF syntax (a stream: its dictionary only, with /Length set to `length`). */
export function formatObject(o: PDFObject | undefined, length?: number): string {
  if (o instanceof PDFRef) return `${o.objectNumber} ${o.generationNumber} R`;
  if (o instanceof PDFName) return formatName(o);
  if (o instanceof PDFNumber) return formatNumber(o.asNumber());
  if (o instanceof PDFDict) {
    let out = '<<';
    let first = true;
    for (const [k, v] of o.dict) {
      if (length !== undefined && k === LENGTH) continue;
      out += `${first ? '' : ' '}${formatName(k)} ${formatObject(v)}`;
      first = false;
    }
    if (length !== undefined) out += `${first ? '' : ' '}/Length ${length}`;
    return `${out}>>`;
  }
  if (o instanceof PDFArray) {
    const items = o.asArray();
    let out = '[';
    for (let i = 0; i < items.length; i++) out += (i ? ' ' : '') + formatObject(items[i]);
    return `${out}]`;
  }
  if (o instanceof PDFString) return formatLiteral(o.asBytes());
  if (o instanceof PDFHexString) return formatHex(o.asBytes());
  if (o instanceof PDFBool) return o.asBoolean() ? 'true' : 'false';
  if (o instanceof PDFNull || o === undefined) return 'null';
  if (o instanceof PDFRawStream) throw new Error('a stream cannot be a direct object');
  throw new Error(`cannot write ${(o as object).constructor.name}`);
}

/** References an object holds (a stream's /Length is written direct, so not followed). */
function eachRef(o: PDFObject | undefined, visit: (ref: PDFRef) => void): void {
  if (o instanceof PDFRef) visit(o);
  else if (o instanceof PDFDict) for (const v of o.dict.values()) eachRef(v, visit);
  else if (o instanceof PDFArray) for (const v of o.asArray()) eachRef(v, visit);
  else if (o instanceof PDFRawStream) for (const [k, v] of o.dict.dict) if (k !== LENGTH) eachRef(v, visit);
}

export function writePdf(context: PDFContext, options: WriteOptions = {}): Uint8Array {
  const trailer = context.trailerInfo;
  // Objects reachable from the trailer.
  const live = new Map<number, { ref: PDFRef; value: PDFObject }>();
  const stack: PDFRef[] = [];
  const visit = (ref: PDFRef) => {
    if (live.has(ref.objectNumber)) return;
    const value = context.lookup(ref);
    if (value === undefined) return; // a missing object reads as null
    live.set(ref.objectNumber, { ref, value });
    stack.push(ref);
  };
  for (const root of [trailer.Root, trailer.Info, trailer.Encrypt]) eachRef(root, visit);
  while (stack.length) eachRef(live.get(stack.pop()!.objectNumber)!.value, visit);

  const numbers = [...live.keys()].sort((a, b) => a - b);
  const size = (numbers[numbers.length - 1] ?? 0) + 1;
  const offsets = new Array<number>(size).fill(-1);
  const chunks: Buffer[] = [];
  let pos = 0;
  let text = '';
  const flush = () => {
    if (!text) return;
    const b = Buffer.from(text, 'latin1');
    chunks.push(b);
    pos += b.length;
    text = '';
  };
  text += `%PDF-${options.version ?? context.version}\n%\u00e2\u00e3\u00cf\u00d3\n`;
  for (const n of numbers) {
    const { ref, value } = live.get(n)!;
    flush();
    offsets[n] = pos;
    text += `${n} ${ref.generationNumber} obj\n`;
    if (value instanceof PDFRawStream) {
      text += `${formatObject(value.dict, value.contents.length)}\nstream\n`;
      flush();
      chunks.push(Buffer.from(value.contents.buffer, value.contents.byteOffset, value.contents.byteLength));
      pos += value.contents.length;
      text += '\nendstream\nendobj\n';
    } else text += `${formatObject(value)}\nendobj\n`;
  }
  flush();
  const xref = pos;
  // One subsection from 0; numbers not written are free, linked in order (7.5.4).
  const free: number[] = [];
  for (let n = 1; n < size; n++) if (offsets[n]! < 0) free.push(n);
  const next = new Map<number, number>();
  [0, ...free].forEach((n, i) => next.set(n, free[i] ?? 0));
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  let table = `xref\n0 ${size}\n`;
  for (let n = 0; n < size; n++) {
    table += offsets[n]! >= 0 ? `${pad(offsets[n]!, 10)} ${pad(live.get(n)!.ref.generationNumber, 5)} n\r\n` : `${pad(next.get(n)!, 10)} ${n === 0 ? '65535' : '00001'} f\r\n`;
  }
  text += table;
  let t = `<</Size ${size}`;
  if (trailer.Root) t += ` /Root ${formatObject(trailer.Root)}`;
  if (trailer.Info) t += ` /Info ${formatObject(trailer.Info)}`;
  if (trailer.Encrypt) t += ` /Encrypt ${formatObject(trailer.Encrypt)}`;
  if (trailer.ID) t += ` /ID ${formatObject(context.lookup(trailer.ID))}`;
  text += `trailer\n${t}>>\nstartxref\n${xref}\n%%EOF\n`;
  flush();
  const out = Buffer.concat(chunks, pos);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
