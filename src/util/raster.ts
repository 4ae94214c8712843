/**
 * Raster images are checked through their structure before any edition gets them: a file with a
 * valid signature and damaged data would otherwise reach the EPUB (epubcheck PKG-021: corrupt
 * image) and print as a broken picture. Not a decoder, but every byte is accounted for:
 * - PNG: every chunk's length and CRC, IHDR first with a sane size, IDAT present and its zlib
 *   stream inflating to the size IHDR announces (up to 64 MiB of pixels), IEND last;
 * - JPEG: segments from SOI to EOI, a frame header (SOF) before the scan, scan data up to a marker;
 * - GIF: header, colour tables, every image and extension block, the trailer;
 * - WebP: the RIFF size, every chunk inside it, a VP8/VP8L/VP8X frame with its signature.
 */
import { crc32, inflateSync } from 'node:zlib';

/** Images larger than this many pixels are refused: decoding one would take gigabytes. */
export const maxPixels = 80_000_000;

/** What is wrong with the image, or undefined when its structure holds. */
export function rasterProblem(bytes: Uint8Array, mediaType: string): string | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (mediaType) {
    case 'image/png':
      return pngProblem(b);
    case 'image/jpeg':
      return jpegProblem(b);
    case 'image/gif':
      return gifProblem(b);
    case 'image/webp':
      return webpProblem(b);
    default:
      return undefined;
  }
}

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngProblem(b: Buffer): string | undefined {
  if (b.length < 8 || !b.subarray(0, 8).equals(pngSignature)) return 'its PNG signature is damaged';
  let pos = 8;
  let first = true;
  let width = 0;
  let height = 0;
  let rowBytes = 0;
  let interlaced = false;
  const idat: Buffer[] = [];
  while (true) {
    if (pos + 12 > b.length) return `it ends inside a chunk header at byte ${pos} (the file is cut short)`;
    const length = b.readUInt32BE(pos);
    const type = b.toString('latin1', pos + 4, pos + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) return `it has a damaged chunk at byte ${pos}`;
    if (length > 0x7fffffff || pos + 12 + length > b.length) return `its ${type} chunk at byte ${pos} runs past the end of the file (the file is cut short)`;
    const data = b.subarray(pos + 8, pos + 8 + length);
    if ((crc32(b.subarray(pos + 4, pos + 8 + length)) >>> 0) !== b.readUInt32BE(pos + 8 + length)) return `its ${type} chunk at byte ${pos} fails its checksum (the data is damaged)`;
    if (first) {
      if (type !== 'IHDR' || length !== 13) return 'it does not start with an IHDR chunk';
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8]!;
      const colour = data[9]!;
      interlaced = data[12] === 1;
      const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[colour];
      if (!width || !height) return 'its width or height is 0';
      if (!channels || ![1, 2, 4, 8, 16].includes(depth)) return 'its colour type or bit depth is invalid';
      if (width * height > maxPixels) return `it is ${width} x ${height} pixels, more than ${maxPixels / 1e6} megapixels`;
      rowBytes = Math.ceil((width * channels * depth) / 8) + 1;
      first = false;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + length;
  }
  if (idat.length === 0) return 'it has no image data (IDAT)';
  // Interlaced images have a few extra filter bytes per pass: allow for them generously.
  const expected = rowBytes * height + (interlaced ? 7 * (height + 8) * 2 : 0);
  // Inflating costs the whole picture in memory: past 64 MiB the chunk checksums stand alone.
  if (expected > 64 * 1024 * 1024) return undefined;
  try {
    const raw = inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1 });
    if (raw.length < (interlaced ? 1 : expected)) return `its image data is cut short (${raw.length} of ${expected} bytes)`;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ERR_BUFFER_TOO_LARGE' ? 'its image data is larger than its size says' : 'its image data does not decompress (damaged)';
  }
  return undefined;
}

function jpegProblem(b: Buffer): string | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return 'its JPEG signature is damaged';
  let pos = 2;
  let frame = false;
  let scans = 0;
  while (true) {
    if (pos + 2 > b.length) return 'it ends before its end marker (the file is cut short)';
    if (b[pos] !== 0xff) return `it has a damaged segment at byte ${pos}`;
    let marker = b[pos + 1]!;
    // Fill bytes: any number of 0xFF before a marker.
    while (marker === 0xff && pos + 2 < b.length) marker = b[++pos + 1]!;
    if (marker === 0xd9) break; // EOI
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2;
      continue;
    }
    if (marker === 0xd8 || marker === 0x00) return `it has a misplaced marker at byte ${pos}`;
    if (pos + 4 > b.length) return 'it ends inside a segment (the file is cut short)';
    const length = b.readUInt16BE(pos + 2);
    if (length < 2 || pos + 2 + length > b.length) return `its segment at byte ${pos} runs past the end of the file (the file is cut short)`;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (length < 8) return 'its frame header is damaged';
      const height = b.readUInt16BE(pos + 5);
      const width = b.readUInt16BE(pos + 7);
      if (!width) return 'its width is 0';
      if (width * height > maxPixels) return `it is ${width} x ${height} pixels, more than ${maxPixels / 1e6} megapixels`;
      frame = true;
    }
    pos += 2 + length;
    if (marker === 0xda) {
      if (!frame) return 'it has image data before its frame header';
      scans++;
      // Entropy-coded data runs to the next marker that is not a stuffed 0xFF00 or a restart marker.
      while (pos + 1 < b.length && !(b[pos] === 0xff && b[pos + 1] !== 0x00 && !(b[pos + 1]! >= 0xd0 && b[pos + 1]! <= 0xd7))) pos++;
      if (pos + 1 >= b.length) return 'its image data ends without an end marker (the file is cut short)';
    }
  }
  if (!frame || scans === 0) return 'it has no image data';
  return undefined;
}

function gifProblem(b: Buffer): string | undefined {
  if (b.length < 13 || !/^GIF8[79]a$/.test(b.toString('latin1', 0, 6))) return 'its GIF header is damaged';
  const width = b.readUInt16LE(6);
  const height = b.readUInt16LE(8);
  if (!width || !height) return 'its width or height is 0';
  if (width * height > maxPixels) return `it is ${width} x ${height} pixels, more than ${maxPixels / 1e6} megapixels`;
  let pos = 13;
  if (b[10]! & 0x80) pos += 3 * 2 ** ((b[10]! & 7) + 1);
  let images = 0;
  const subBlocks = (): boolean => {
    while (pos < b.length) {
      const size = b[pos++]!;
      if (size === 0) return true;
      pos += size;
    }
    return false;
  };
  while (true) {
    if (pos >= b.length) return 'it ends before its trailer (the file is cut short)';
    const kind = b[pos]!;
    if (kind === 0x3b) break;
    if (kind === 0x21) {
      pos += 2;
      if (!subBlocks()) return 'it ends inside an extension block (the file is cut short)';
    } else if (kind === 0x2c) {
      if (pos + 10 > b.length) return 'it ends inside an image descriptor (the file is cut short)';
      const flags = b[pos + 9]!;
      pos += 10;
      if (flags & 0x80) pos += 3 * 2 ** ((flags & 7) + 1);
      const minCode = b[pos++];
      if (minCode === undefined || minCode < 2 || minCode > 11) return 'its image data is damaged';
      if (!subBlocks()) return 'its image data is cut short';
      images++;
    } else return `it has a damaged block at byte ${pos}`;
  }
  if (images === 0) return 'it holds no image';
  return undefined;
}

function webpProblem(b: Buffer): string | undefined {
  if (b.length < 20 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WEBP') return 'its WebP header is damaged';
  const riff = b.readUInt32LE(4);
  if (riff + 8 > b.length) return `its RIFF size (${riff + 8} bytes) is larger than the file (${b.length}: cut short)`;
  const end = riff + 8;
  let pos = 12;
  let frame: string | undefined;
  while (pos < end) {
    if (pos + 8 > end) return `it has a damaged chunk at byte ${pos}`;
    const type = b.toString('latin1', pos, pos + 4);
    const size = b.readUInt32LE(pos + 4);
    if (pos + 8 + size > end) return `its ${type.trim()} chunk runs past the end of the file (the file is cut short)`;
    const data = b.subarray(pos + 8, pos + 8 + size);
    if (!frame && (type === 'VP8 ' || type === 'VP8L' || type === 'VP8X')) {
      frame = type;
      if (type === 'VP8 ' && (size < 10 || data[3] !== 0x9d || data[4] !== 0x01 || data[5] !== 0x2a)) return 'its VP8 frame is damaged';
      if (type === 'VP8L' && (size < 5 || data[0] !== 0x2f)) return 'its VP8L frame is damaged';
      if (type === 'VP8X' && size < 10) return 'its VP8X header is damaged';
    }
    pos += 8 + size + (size & 1);
  }
  if (!frame) return 'it holds no VP8/VP8L frame';
  return undefined;
}
