/**
 * The preview's EPUB view without a reading engine in the page: the server opens the built EPUB (a
 * zip, JSZip), lists its spine in reading order from the package document, and hands out the
 * book's own files by their path inside the zip, so the viewer shows one XHTML document at a time in
 * a frame (its CSS, images and fonts resolve beside it) and turns through the spine.
 */
import { statSync, readFileSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { parseXml } from '../util/xml.js';

export interface EpubSpineItem {
  /** Path inside the zip (`OEBPS/text/brief.xhtml`). */
  path: string;
  mediaType: string;
}

export interface OpenedBook {
  title: string;
  spine: EpubSpineItem[];
  /** A file of the book by its path inside the zip; undefined when there is none. */
  read(name: string): Promise<Uint8Array | undefined>;
}

/** The book last opened per file, reused while its size and time are the same. */
const opened = new Map<string, { key: string; book: Promise<OpenedBook> }>();

export function openBook(file: string): Promise<OpenedBook> {
  const st = statSync(file);
  const key = `${st.size}:${st.mtimeMs}`;
  const hit = opened.get(file);
  if (hit?.key === key) return hit.book;
  const book = readBook(readFileSync(file));
  opened.set(file, { key, book });
  book.catch(() => opened.delete(file));
  return book;
}

async function readBook(bytes: Uint8Array): Promise<OpenedBook> {
  const zip = await JSZip.loadAsync(bytes);
  const text = async (name: string) => {
    const f = zip.file(name);
    if (!f) throw new Error(`the EPUB has no ${name}`);
    return f.async('string');
  };
  const container = parseXml(await text('META-INF/container.xml'));
  if (!container.ok) throw new Error(`META-INF/container.xml ${container.problem.message}`);
  const opfPath = container.doc.getElementsByTagName('rootfile')[0]?.getAttribute('full-path');
  if (!opfPath) throw new Error('META-INF/container.xml names no package document');
  const opf = parseXml(await text(opfPath));
  if (!opf.ok) throw new Error(`${opfPath} ${opf.problem.message}`);
  const base = path.posix.dirname(opfPath);
  const items = new Map<string, EpubSpineItem>();
  for (const el of Array.from(opf.doc.getElementsByTagName('item'))) {
    const id = el.getAttribute('id');
    const href = el.getAttribute('href');
    if (id && href) items.set(id, { path: path.posix.normalize(path.posix.join(base, decodeURIComponent(href))), mediaType: el.getAttribute('media-type') ?? '' });
  }
  const spine: EpubSpineItem[] = [];
  for (const ref of Array.from(opf.doc.getElementsByTagName('itemref'))) {
    const item = items.get(ref.getAttribute('idref') ?? '');
    if (item && zip.file(item.path)) spine.push(item);
  }
  const title = opf.doc.getElementsByTagName('dc:title')[0]?.textContent ?? '';
  return {
    title,
    spine,
    async read(name) {
      const f = zip.file(name);
      return f && !f.dir ? f.async('uint8array') : undefined;
    },
  };
}
