/**
 * epub-gen-memory's EPub, made safe and reproducible for briefpress:
 * - it never fetches: fonts, images and the cover are handed over as bytes (its own download steps
 *   would read any file:// URL and go to the network for http ones);
 * - the identifier is the brief's, every zip entry carries the build's date, file names come from
 *   content hashes, so the same input gives the same bytes.
 * The library still makes the zip's entries (mimetype first and stored), container.xml and style.css.
 * It renders every other file through ejs templates, which run as JavaScript: the only ones it is
 * ever given are `fixedTemplates` below, which print the files briefpress wrote from syntax trees
 * (opf.ts, documents.ts). No theme file is ever handed to it as a template.
 */
import { EPub, type Chapter, type Options } from 'epub-gen-memory';
import { BriefpressError } from '../../util/diagnostics.js';
import { makeZip, type ZipEntry } from '../../util/zip.js';
import { verifyEpub } from './verify.js';

/**
 * epub-gen-memory's template options: each prints one option (`opf`, `ncx`, `nav`) or chapter key
 * (`xhtml`) as it is. Constants of briefpress's code, never read from a theme or a manuscript.
 */
export const fixedTemplates = Object.freeze({
  contentOPF: '<%- opf %>',
  tocNCX: '<%- ncx %>',
  tocXHTML: '<%- nav %>',
  chapterXHTML: '<%- xhtml %>',
});

export interface PackagedFile {
  /** Path inside OEBPS/. */
  href: string;
  data: Uint8Array;
}

export interface PackageInput {
  options: Options & Record<string, unknown>;
  chapters: (Chapter & Record<string, unknown>)[];
  identifier: string;
  /** Every zip entry's date. */
  date: Date;
  cover: PackagedFile & { mediaType: string };
  /** Images and fonts, already vetted, under OEBPS/. */
  files: PackagedFile[];
  /** The brief's file as shown to the user: a book that fails verify.ts is reported against it. */
  source: string;
}

class BriefEpub extends EPub {
  private readonly input: PackageInput;
  /** The bytes briefpress handed over (cover, fonts, images), by zip entry: taken as they are, not copied back out of JSZip. */
  private readonly own = new Map<string, { entry: unknown; data: Uint8Array }>();

  constructor(input: PackageInput) {
    super(input.options, input.chapters);
    this.input = input;
    this.uuid = input.identifier;
    // The library found no images (chapter `content` is empty: our XHTML reaches the template as
    // its own key, past the library's attribute allowlist) and was given no cover or fonts to fetch.
    this.images = [];
    this.cover = undefined;
  }

  protected override async downloadAllFonts(): Promise<void> {
    this.addFiles();
  }

  protected override async downloadAllImages(): Promise<void> {
    // Everything is added in downloadAllFonts; nothing to fetch.
  }

  protected override async makeCover(): Promise<void> {
    this.addFile(this.input.cover);
  }

  private addFiles(): void {
    for (const f of this.input.files) this.addFile(f);
  }

  private addFile(f: PackagedFile): void {
    const name = `OEBPS/${f.href}`;
    this.zip.file(name, f.data, stored(f.href));
    this.own.set(name, { entry: this.zip.file(name), data: f.data });
  }

  /**
   * The zip is ours (src/util/zip.ts), not JSZip's: native DEFLATE off the main thread instead of
   * pako at level 9 on it, and the build's date in every entry. The library's entries, in its
   * order (mimetype first, stored).
   */
  override async genEpub(): Promise<Buffer> {
    await this.render();
    const entries: ZipEntry[] = [];
    for (const [name, entry] of Object.entries(this.zip.files)) {
      const store = (entry as unknown as { options: { compression?: string | null } }).options.compression === 'STORE';
      // (An entry the library wrote again since is read from JSZip.)
      const own = this.own.get(name);
      entries.push({ name, store, data: entry.dir ? new Uint8Array() : own?.entry === entry ? own.data : await entry.async('uint8array') });
    }
    const problems = verifyEpub(new Map(entries.filter((e) => e.name !== 'mimetype').map((e) => [e.name, e.data])));
    if (problems.length > 0) {
      throw new BriefpressError(
        problems.slice(0, 20).map((p) => ({
          file: this.input.source,
          line: 0,
          column: 0,
          severity: 'error' as const,
          message: `The EPUB would not be valid: ${p.document}${p.line ? `:${p.line}:${p.column}` : ''} ${p.message}`,
          ruleId: 'epub-invalid',
          hint: 'The book was not written. If the brief holds nothing unusual at that place, report it as a briefpress bug.',
        })),
      );
    }
    return makeZip(entries, this.input.date);
  }
}

/** Fonts and images are compressed already: deflating them again costs time and gains nothing. */
function stored(href: string): { compression: 'STORE' } | undefined {
  return /\.(woff2?|png|jpe?g|gif|webp)$/i.test(href) ? { compression: 'STORE' } : undefined;
}

/** The EPUB file's bytes. */
export async function packageEpub(input: PackageInput): Promise<Buffer> {
  return new BriefEpub(input).genEpub();
}
