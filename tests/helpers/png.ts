/**
 * A PNG decoder for tests: 8-bit grey, RGB or RGBA, not interlaced (what Chromium writes), enough to
 * compare two images pixel by pixel.
 */
import { inflateSync } from 'node:zlib';

export interface Pixels {
  width: number;
  height: number;
  /** Channels per pixel: 1 (grey), 3 (RGB) or 4 (RGBA). */
  channels: number;
  data: Uint8Array;
}

export function decodePng(png: Uint8Array): Pixels {
  const buf = Buffer.from(png);
  if (buf.toString('latin1', 1, 4) !== 'PNG') throw new Error('not a PNG');
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const body = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colour, , , interlace] = [body[8], body[9], body[10], body[11], body[12]];
      channels = ({ 0: 1, 2: 3, 6: 4 } as Record<number, number>)[colour!] ?? 0;
      if (depth !== 8 || !channels || interlace) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`);
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const data = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? data[out + x - channels]! : 0;
      const b = y > 0 ? data[out - stride + x]! : 0;
      const c = x >= channels && y > 0 ? data[out - stride + x - channels]! : 0;
      let v = line[x]!;
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      data[out + x] = v & 0xff;
    }
  }
  return { width, height, channels, data };
}

/** The share of pixels of two same-sized images whose colours differ by more than `tolerance` in a channel. */
export function differingShare(a: Pixels, b: Pixels, tolerance = 32): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`sizes differ: ${a.width}x${a.height} and ${b.width}x${b.height}`);
  let differing = 0;
  const n = a.width * a.height;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      const va = a.data[i * a.channels + Math.min(k, a.channels - 1)]!;
      const vb = b.data[i * b.channels + Math.min(k, b.channels - 1)]!;
      if (Math.abs(va - vb) > tolerance) {
        differing++;
        break;
      }
    }
  }
  return differing / n;
}

/** Mean brightness of each 20 x 20 block of an image, row by row. */
export function blockMeans(img: Pixels, size = 20): number[] {
  const means: number[] = [];
  for (let by = 0; by + size <= img.height; by += size) {
    for (let bx = 0; bx + size <= img.width; bx += size) {
      let sum = 0;
      for (let y = by; y < by + size; y++) for (let x = bx; x < bx + size; x++) for (let k = 0; k < 3; k++) sum += img.data[(y * img.width + x) * img.channels + Math.min(k, img.channels - 1)]!;
      means.push(sum / (size * size * 3));
    }
  }
  return means;
}
