/**
 * A small ZIP writer on Node's own zlib (native DEFLATE, run off the main thread), for the EPUB:
 * entries in the order given, no extra fields, no data descriptors, the same dates in every entry,
 * so the same entries give the same bytes. Enough for EPUB (OCF) and nothing more: no ZIP64, no
 * encryption, no comments.
 */
import { promisify } from 'node:util';
import { crc32, deflateRaw } from 'node:zlib';

const deflate = promisify(deflateRaw);

export interface ZipEntry {
  /** Path inside the archive; a folder ends with `/`. */
  name: string;
  data: Uint8Array;
  /** Store as is (the EPUB `mimetype`, and data that is compressed already). */
  store?: boolean;
}

/** DOS date and time of `date`, read in UTC (so the bytes do not depend on the time zone). */
function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.min(Math.max(date.getUTCFullYear(), 1980), 2107);
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

export async function makeZip(entries: ZipEntry[], date: Date): Promise<Buffer> {
  const when = dosDateTime(date);
  const bodies = await Promise.all(
    entries.map(async (e) => {
      const store = e.store || e.name.endsWith('/') || e.data.byteLength === 0;
      return { store, body: store ? e.data : new Uint8Array(await deflate(e.data, { level: 9 })) };
    }),
  );
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  entries.forEach((e, i) => {
    const { store, body } = bodies[i]!;
    const name = Buffer.from(e.name, 'utf8');
    const utf8 = /[^\x20-\x7e]/.test(e.name) ? 0x0800 : 0;
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(store ? 10 : 20, 4); // version needed
    local.writeUInt16LE(utf8, 6);
    local.writeUInt16LE(store ? 0 : 8, 8);
    local.writeUInt16LE(when.time, 10);
    local.writeUInt16LE(when.date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.byteLength, 18);
    local.writeUInt32LE(e.data.byteLength, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4); // made by: MS-DOS, spec 2.0
    local.copy(dir, 6, 4, 28); // version needed .. uncompressed size, as in the local header
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(e.name.endsWith('/') ? 0x10 : 0, 38); // DOS folder attribute
    dir.writeUInt32LE(offset, 42);
    chunks.push(local, name, body);
    central.push(dir, name);
    offset += local.length + name.length + body.byteLength;
  });
  const size = central.reduce((n, c) => n + c.byteLength, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, ...central, end]);
}
