/**
 * Stream filters (ISO 32000-1 7.4) for reading: Flate (Node's zlib) with PNG and TIFF predictors,
 * LZW, ASCIIHex, ASCII85 and RunLength. Image-only filters (DCT, JPX, CCITTFax, JBIG2) are not
 * decoded: a stream using one throws, as does a corrupt one.
 */
import { constants, inflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFName, PDFNumber, type PDFRawStream } from './objects.js';

/** The decoded bytes of a stream. Throws when a filter is unknown or its data is corrupt. */
export function decodeStream(stream: PDFRawStream): Uint8Array {
  const dict = stream.dict;
  const filter = dict.lookup(PDFName.of('Filter'));
  const parms = dict.lookup(PDFName.of('DecodeParms')) ?? dict.lookup(PDFName.of('DP'));
  const filters = filter instanceof PDFArray ? filter.asArray().map((_, i) => filter.lookup(i)) : filter ? [filter] : [];
  let bytes = stream.contents;
  filters.forEach((f, i) => {
    if (!(f instanceof PDFName)) throw new Error('a stream /Filter is not a name');
    const p = parms instanceof PDFArray ? parms.lookup(i) : parms;
    bytes = applyFilter(f.decodeText(), bytes, p instanceof PDFDict ? p : undefined);
  });
  return bytes;
}

function num(parms: PDFDict | undefined, key: string, fallback: number): number {
  const v = parms?.lookup(PDFName.of(key));
  return v instanceof PDFNumber ? v.asNumber() : fallback;
}

function applyFilter(name: string, bytes: Uint8Array, parms: PDFDict | undefined): Uint8Array {
  switch (name) {
    case 'FlateDecode':
    case 'Fl':
      return predict(inflate(bytes), parms);
    case 'LZWDecode':
    case 'LZW':
      return predict(lzw(bytes, num(parms, 'EarlyChange', 1)), parms);
    case 'ASCIIHexDecode':
    case 'AHx':
      return asciiHex(bytes);
    case 'ASCII85Decode':
    case 'A85':
      return ascii85(bytes);
    case 'RunLengthDecode':
    case 'RL':
      return runLength(bytes);
    default:
      throw new Error(`stream filter ${name} is not supported`);
  }
}

function inflate(bytes: Uint8Array): Uint8Array {
  try {
    return inflateSync(bytes);
  } catch (e) {
    // A stream cut short or with a bad checksum: what inflates is what readers show.
    const partial = inflateSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
    if (partial.length === 0) throw e;
    return partial;
  }
}

function predict(bytes: Uint8Array, parms: PDFDict | undefined): Uint8Array {
  const predictor = num(parms, 'Predictor', 1);
  if (predictor <= 1) return bytes;
  const colors = num(parms, 'Colors', 1);
  const bpc = num(parms, 'BitsPerComponent', 8);
  const columns = num(parms, 'Columns', 1);
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLength = Math.ceil((colors * bpc * columns) / 8);
  if (predictor === 2) {
    if (bpc !== 8) throw new Error('TIFF predictor with other than 8 bits per component is not supported');
    const out = Uint8Array.from(bytes);
    for (let row = 0; row < out.length; row += rowLength) {
      for (let i = row + bpp; i < Math.min(row + rowLength, out.length); i++) out[i] = (out[i]! + out[i - bpp]!) & 0xff;
    }
    return out;
  }
  // PNG predictors: each row starts with its filter type.
  const rows = Math.floor(bytes.length / (rowLength + 1));
  const out = new Uint8Array(rows * rowLength);
  for (let r = 0; r < rows; r++) {
    const type = bytes[r * (rowLength + 1)]!;
    const src = r * (rowLength + 1) + 1;
    const at = r * rowLength;
    for (let i = 0; i < rowLength; i++) {
      const x = bytes[src + i]!;
      const left = i >= bpp ? out[at + i - bpp]! : 0;
      const up = r > 0 ? out[at - rowLength + i]! : 0;
      const upLeft = r > 0 && i >= bpp ? out[at - rowLength + i - bpp]! : 0;
      let v: number;
      switch (type) {
        case 0: v = x; break;
        case 1: v = x + left; break;
        case 2: v = x + up; break;
        case 3: v = x + ((left + up) >> 1); break;
        case 4: {
          const p = left + up - upLeft;
          const pa = Math.abs(p - left), pb = Math.abs(p - up), pc = Math.abs(p - upLeft);
          v = x + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
          break;
        }
        default: throw new Error(`unknown PNG predictor ${type}`);
      }
      out[at + i] = v & 0xff;
    }
  }
  return out;
}

const isWhite = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;

function asciiHex(bytes: Uint8Array): Uint8Array {
  let hex = '';
  for (const c of bytes) {
    if (c === 0x3e) break;
    if (!isWhite(c)) hex += String.fromCharCode(c);
  }
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw new Error('ASCIIHexDecode: not a hex digit');
  return Uint8Array.from(Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex'));
}

function ascii85(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  const group: number[] = [];
  const flush = (n: number) => {
    let v = 0;
    for (let i = 0; i < 5; i++) v = v * 85 + (group[i] ?? 84);
    for (let i = 0; i < n - 1; i++) out.push((v >>> (24 - 8 * i)) & 0xff);
    group.length = 0;
  };
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (isWhite(c)) continue;
    if (c === 0x7e) break; // ~>
    if (c === 0x7a && group.length === 0) {
      out.push(0, 0, 0, 0);
      continue;
    }
    if (c < 0x21 || c > 0x75) throw new Error('ASCII85Decode: bad character');
    group.push(c - 0x21);
    if (group.length === 5) flush(5);
  }
  if (group.length === 1) throw new Error('ASCII85Decode: a lone last character');
  if (group.length) flush(group.length);
  return Uint8Array.from(out);
}

function runLength(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    const n = bytes[i++]!;
    if (n === 128) break;
    if (n < 128) {
      for (let k = 0; k <= n && i < bytes.length; k++) out.push(bytes[i++]!);
    } else {
      const b = bytes[i++]!;
      for (let k = 0; k < 257 - n; k++) out.push(b);
    }
  }
  return Uint8Array.from(out);
}

function lzw(bytes: Uint8Array, earlyChange: number): Uint8Array {
  const out: number[] = [];
  let table: number[][] = [];
  const reset = () => {
    table = [];
    for (let i = 0; i < 256; i++) table.push([i]);
    table.push([], []);
  };
  reset();
  let width = 9;
  let prev: number[] | undefined;
  let bitBuf = 0;
  let bits = 0;
  for (let i = 0; i < bytes.length; ) {
    while (bits < width && i < bytes.length) {
      bitBuf = ((bitBuf << 8) | bytes[i++]!) >>> 0;
      bits += 8;
    }
    if (bits < width) break;
    const code = (bitBuf >>> (bits - width)) & ((1 << width) - 1);
    bits -= width;
    bitBuf &= (1 << bits) - 1;
    if (code === 256) {
      reset();
      width = 9;
      prev = undefined;
      continue;
    }
    if (code === 257) break;
    let entry: number[];
    if (code < table.length) entry = table[code]!;
    else if (prev && code === table.length) entry = [...prev, prev[0]!];
    else throw new Error('LZWDecode: bad code');
    out.push(...entry);
    if (prev) table.push([...prev, entry[0]!]);
    prev = entry;
    const next = table.length + earlyChange;
    width = next >= 2048 ? 12 : next >= 1024 ? 11 : next >= 512 ? 10 : 9;
  }
  return Uint8Array.from(out);
}

