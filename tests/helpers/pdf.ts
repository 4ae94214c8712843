/**
 * Helpers for the PDF tests: build a brief's PDF with the real target in one browser, and read the
 * result with poppler (pdfinfo, pdffonts, pdftotext) and qpdf.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PDFDict, PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';
import { launchPool, type BrowserPool } from '../../src/browser/pool.js';
import { findManuscript } from '../../src/manuscript/find.js';
import { readBrief } from '../../src/manuscript/brief.js';
import { readSeries } from '../../src/manuscript/series.js';
import type { Brief } from '../../src/model/brief.js';
import { pdfTarget } from '../../src/targets/pdf.js';
import type { BuildContext } from '../../src/targets/types.js';
import { loadTheme, type Theme } from '../../src/theme/theme.js';
import { version } from '../../src/util/version.js';
import type { WrittenFile } from '../../src/util/write.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';

export interface Manuscript {
  briefs: Brief[];
  theme: Theme;
  /** Briefs that failed to read, by folder name, with their diagnostics. */
  failed: Map<string, Diagnostic[]>;
}

/** Read every brief of a manuscript folder (briefs with errors land in `failed`). */
export async function readManuscript(dir: string): Promise<Manuscript> {
  const loc = findManuscript(dir);
  const series = readSeries(loc.root);
  if (!series.value) throw new Error(`series: ${JSON.stringify(series.diagnostics)}`);
  const theme = loadTheme(series.value.series.theme, loc.root);
  const briefs: Brief[] = [];
  const failed = new Map<string, Diagnostic[]>();
  for (const d of loc.briefDirs) {
    const r = await readBrief(series.value, d);
    if (r.value) briefs.push(r.value);
    else failed.set(path.basename(d), r.diagnostics);
  }
  return { briefs, theme, failed };
}

/** A build context around one shared browser pool. */
export function contextFor(outDir: string, theme: Theme, pool: () => Promise<BrowserPool>): BuildContext {
  return {
    outDir,
    theme,
    version,
    formats: ['pdf'],
    epoch: (b: Brief) => Date.parse(`${b.date}T00:00:00Z`) / 1000,
    browser: pool,
  };
}

/** Build the PDF of every brief in `dir` into `outDir` with one browser. */
export async function buildPdfs(dir: string, outDir: string, pool?: BrowserPool): Promise<{ manuscript: Manuscript; files: WrittenFile[] }> {
  const manuscript = await readManuscript(dir);
  let own: Promise<BrowserPool> | undefined;
  const get = () => (pool ? Promise.resolve(pool) : (own ??= launchPool(2)));
  try {
    const ctx = contextFor(outDir, manuscript.theme, get);
    const files: WrittenFile[] = [];
    for (const b of manuscript.briefs) files.push(...(await pdfTarget.build(b, ctx)));
    return { manuscript, files };
  } finally {
    if (own) await (await own).close();
  }
}

export function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** `pdfinfo` as key -> value (UTF-8). */
export function pdfinfo(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of run('pdfinfo', ['-enc', 'UTF-8', file]).split('\n')) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m) out[m[1]!.trim()] = m[2]!.trim();
  }
  return out;
}

export interface FontRow {
  name: string;
  type: string;
  emb: boolean;
  sub: boolean;
  uni: boolean;
}

/** `pdffonts` rows. */
export function pdffonts(file: string): FontRow[] {
  const lines = run('pdffonts', [file]).split('\n').slice(2).filter((l) => l.trim());
  return lines.map((l) => {
    // name and type are separated by runs of spaces; the last five columns are fixed words
    const cols = l.trim().split(/\s+/);
    const [emb, sub, uni] = cols.slice(-5, -2);
    return { name: cols[0]!, type: cols.slice(1, -6).join(' '), emb: emb === 'yes', sub: sub === 'yes', uni: uni === 'yes' };
  });
}

/** Text of one page (1-based) or of the whole document; soft hyphens kept as printed. */
export function pdftext(file: string, page?: number): string {
  const range = page ? ['-f', String(page), '-l', String(page)] : [];
  return run('pdftotext', ['-enc', 'UTF-8', ...range, file, '-']);
}

/** Text as a reader would search it: line breaks folded. (No soft hyphen is folded away: the text layer holds none.) */
export function searchable(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/** `qpdf --check`: exit code and output. */
export function qpdfCheck(file: string): { code: number; output: string } {
  const r = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

export interface Bookmark {
  title: string;
  depth: number;
}

/** The document outline, depth first, read with pdf-lib. */
export async function outline(bytes: Uint8Array): Promise<Bookmark[]> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const root = doc.catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict);
  const out: Bookmark[] = [];
  const walk = (first: PDFDict | undefined, depth: number) => {
    for (let item = first; item; item = item.lookupMaybe(PDFName.of('Next'), PDFDict)) {
      const t = item.lookup(PDFName.of('Title'));
      const title = t instanceof PDFString || t instanceof PDFHexString ? t.decodeText() : String(t);
      out.push({ title, depth });
      walk(item.lookupMaybe(PDFName.of('First'), PDFDict), depth + 1);
    }
  };
  walk(root?.lookupMaybe(PDFName.of('First'), PDFDict), 0);
  return out;
}

/** The catalog's /Lang. */
export async function catalogLang(bytes: Uint8Array): Promise<string | undefined> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const l = doc.catalog.lookup(PDFName.of('Lang'));
  return l instanceof PDFString || l instanceof PDFHexString ? l.decodeText() : undefined;
}

export const fixtures = path.resolve(import.meta.dirname, '../fixtures');
export const sample = path.resolve(import.meta.dirname, '../../manuscript');

/**
 * Text of every page as PDFium (Chromium's PDF engine) extracts it, pages joined by form feeds.
 * PDFium marks a hyphen that ends a line by U+FFFE in its text (FPDFText_IsHyphen); Chromium's PDF
 * viewer drops that marker when it copies or searches, and so does this unless `raw`.
 */
export async function pdfiumText(bytes: Uint8Array, raw = false): Promise<string> {
  const { PDFiumLibrary } = await import('@hyzyla/pdfium');
  const library = await PDFiumLibrary.init();
  try {
    const doc = await library.loadDocument(bytes);
    try {
      const pages: string[] = [];
      for (const page of doc.pages()) pages.push(page.getText());
      const text = pages.join('\f');
      return raw ? text : text.replace(/\ufffe/g, '');
    } finally {
      doc.destroy();
    }
  } finally {
    library.destroy();
  }
}

/** Each character PDFium reads on each page, with its glyph's origin in page space (points). */
export async function pdfiumOrigins(bytes: Uint8Array): Promise<{ char: string; x: number; y: number }[][]> {
  const { PDFiumLibrary } = await import('@hyzyla/pdfium');
  const library = await PDFiumLibrary.init();
  const m = (library as unknown as { module: any }).module;
  try {
    const doc = await library.loadDocument(bytes);
    try {
      const pages: { char: string; x: number; y: number }[][] = [];
      const xy = m._malloc(16);
      for (const page of doc.pages()) {
        const text = m._FPDFText_LoadPage((page as any).pageIdx);
        const chars: { char: string; x: number; y: number }[] = [];
        const n = m._FPDFText_CountChars(text);
        for (let i = 0; i < n; i++) {
          if (m._FPDFText_IsGenerated(text, i) === 1) continue;
          if (!m._FPDFText_GetCharOrigin(text, i, xy, xy + 8)) continue;
          chars.push({ char: String.fromCodePoint(m._FPDFText_GetUnicode(text, i)), x: m.HEAPF64[xy >> 3], y: m.HEAPF64[(xy >> 3) + 1] });
        }
        m._FPDFText_ClosePage(text);
        pages.push(chars);
      }
      m._free(xy);
      return pages;
    } finally {
      doc.destroy();
    }
  } finally {
    library.destroy();
  }
}

/** Every page drawn by poppler (pdftoppm) at `dpi`, as PNG bytes. */
export function popplerPages(file: string, dpi = 72): Buffer[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bp-ppm-'));
  try {
    run('pdftoppm', ['-r', String(dpi), '-png', file, path.join(dir, 'p')]);
    return readdirSync(dir).sort().map((n) => readFileSync(path.join(dir, n)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An XMP packet's rdf:Description, parsed (prefixes kept as written; values as text). Throws when not well-formed. */
export function parseXmp(xml: string): Record<string, any> {
  const body = xml.replace(/^<\?xpacket[^>]*\?>\s*/, '').replace(/\s*<\?xpacket[^>]*\?>\s*$/, '');
  const valid = XMLValidator.validate(body);
  if (valid !== true) throw new Error(`XMP is not well-formed: ${JSON.stringify(valid)}`);
  // htmlEntities: fast-xml-parser decodes numeric character references (`&#x26;`, as xast-util-to-xml writes them) only with it.
  const parsed = new XMLParser({ ignoreAttributes: false, parseTagValue: false, htmlEntities: true, isArray: (name) => name === 'rdf:li' }).parse(body);
  return parsed['x:xmpmeta']['rdf:RDF']['rdf:Description'];
}
