/**
 * The incremental cache: `<outDir>/.briefpress-cache.json`. It only skips work; it never supplies data
 * to an edition (DESIGN.md). A brief is rebuilt unless its key matches the stored one AND every file it
 * wrote is still there.
 *
 * The key is a hash of the bytes the brief's last build read (brief.md, images, author files,
 * series.yaml, boilerplate: `Brief.sources`, each hashed when it was read, never read again to make
 * the key), the theme's files, the formats, briefpress' version and source code, SOURCE_DATE_EPOCH,
 * the brief's number and its neighbours' links. Numbers, titles and catalog entries always come from
 * the manuscript as this build reads it: a cache entry holds only the key, the sources (paths and
 * hashes) and the files written. The one exception is a brief that fails now: its entry keeps the
 * catalog entry of its last good build, so the catalog goes on listing the editions still on disk
 * (see catalogEntries in src/build/entry.ts for the rule).
 *
 * A cache file that does not validate in full (JSON, format, every field's type, every path relative
 * and inside its folder) is ignored as a whole: every brief is rebuilt and the file rewritten.
 */
import { lstatSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod/v4';
import { slugRe } from '../config/schema.js';
import { readSource, realRoots } from '../manuscript/source.js';
import type { CatalogEntry } from '../targets/types.js';
import { BriefpressError, type Diagnostic } from '../util/diagnostics.js';
import { sha256 } from '../util/hash.js';
import { displayPath, isInside } from '../util/paths.js';
import { writeAtomic } from '../util/write.js';

export const cacheFileName = '.briefpress-cache.json';
const cacheFormat = 2;

/** A file a build read and the sha256 of the bytes it read. */
export interface SourceHash {
  /** Relative to the manuscript folder, `/`-separated (in the cache); absolute in `Brief.sources`. */
  path: string;
  hash: string;
}

export interface CacheEntry {
  /** Hash of all inputs as read; empty after a failed build (never fresh). */
  key: string;
  /** Files read by the last build, with the hash of the bytes read (relative to the manuscript folder). */
  sources: SourceHash[];
  /** Files written, relative to the output folder. */
  outputs: string[];
  /** The catalog entry of the last good build: used only while the brief fails (src/build/entry.ts). */
  entry?: CatalogEntry;
}

export interface SeriesEntry {
  key: string;
  /** Output files, relative to the output folder. */
  outputs: string[];
}

/** A path relative to its folder that stays inside it: `/`-separated segments, none empty, `.` or `..`; not absolute. */
const safeRelativeRe = /^(?![A-Za-z]:)(?!\.{1,2}(?:\/|$))[^/\\\0]+(?:\/(?!\.{1,2}(?:\/|$))[^/\\\0]+)*$/;
export function isSafeRelative(p: string): boolean {
  return safeRelativeRe.test(p);
}

const hex = z.string().regex(/^[0-9a-f]{64}$/, 'not a sha256');
const relPath = z.string().max(4096).regex(safeRelativeRe, 'not a relative path inside its folder');
const catalogEntrySchema = z
  .object({
    slug: z.string().regex(slugRe),
    number: z.number().int().positive(),
    title: z.string(),
    subtitle: z.string().optional(),
    authors: z.array(z.object({ id: z.string(), name: z.string(), title: z.string().optional(), affiliation: z.string().optional() }).strict()),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    summary: z.string(),
    identifier: z.string(),
    language: z.string(),
    keywords: z.array(z.string()),
    updated: z.number().int().nonnegative(),
  })
  .strict();
const entrySchema = z
  .object({
    key: z.union([hex, z.literal('')]),
    sources: z.array(z.object({ path: relPath, hash: hex }).strict()),
    outputs: z.array(relPath),
    entry: catalogEntrySchema.optional(),
  })
  .strict();
const fileSchema = z
  .object({
    format: z.literal(cacheFormat),
    briefs: z.record(z.string().regex(slugRe, 'not a brief slug'), entrySchema),
    series: z.object({ key: hex, outputs: z.array(relPath) }).strict().optional(),
  })
  .strict()
  .superRefine((data, ctx) => {
    for (const [slug, e] of Object.entries(data.briefs)) {
      if (e.entry && e.entry.slug !== slug) ctx.addIssue({ code: 'custom', path: ['briefs', slug, 'entry', 'slug'], message: `not ${slug}` });
    }
  });
type CacheFile = z.infer<typeof fileSchema>;

export class BuildCache {
  readonly file: string;
  readonly briefs: Map<string, CacheEntry>;
  /** Why an existing cache file was ignored (a warning for the build's report). */
  readonly ignored?: Diagnostic;
  /** The catalog's entry: set after the series steps ran. */
  series: SeriesEntry | undefined;

  /** The file's text as read, when it validated (an unchanged cache is not written again). */
  private readonly text?: string;

  /** `read` false: start empty, without looking at the file (a build that does not use the cache). `fileName`: a shard's manifest (src/build/shard.ts). */
  constructor(
    readonly outDir: string,
    read = true,
    fileName = cacheFileName,
  ) {
    this.file = path.join(outDir, fileName);
    const loaded = read ? loadCacheFile(this.file, outDir) : {};
    this.ignored = loaded.ignored;
    this.text = loaded.text;
    this.briefs = new Map(Object.entries(loaded.data?.briefs ?? {}));
    this.series = loaded.data?.series;
  }

  /** Whether these files (relative to the output folder) are all there. */
  onDisk(outputs: string[]): boolean {
    return outputs.every((o) => exists(path.join(this.outDir, o)));
  }

  /** Whether the series files were made from `key` and are all still there. */
  seriesFresh(key: string): boolean {
    return this.series?.key === key && this.onDisk(this.series.outputs);
  }

  /** True when the stored entry has this key and all its outputs exist. */
  isFresh(slug: string, key: string): boolean {
    const e = this.briefs.get(slug);
    return Boolean(e && e.key !== '' && e.key === key && this.onDisk(e.outputs));
  }

  set(slug: string, entry: CacheEntry): void {
    this.briefs.set(slug, entry);
  }

  /** Mark a brief's stored entry stale (its build failed) but keep its last good catalog entry and outputs. */
  invalidate(slug: string): void {
    const e = this.briefs.get(slug);
    if (e) this.briefs.set(slug, { ...e, key: '' });
  }

  /** Forget briefs whose folder is gone. */
  retain(slugs: Iterable<string>): void {
    const keep = new Set(slugs);
    for (const s of [...this.briefs.keys()]) if (!keep.has(s)) this.briefs.delete(s);
  }

  /**
   * Write the cache, unless it is the same as the file read (nothing to write: a read-only output
   * folder is fine). A folder in its place is left alone: a warning, and the next build rebuilds all.
   */
  save(): Diagnostic | undefined {
    const data: CacheFile = { format: cacheFormat, briefs: Object.fromEntries([...this.briefs.entries()].sort(([a], [b]) => (a < b ? -1 : 1))), series: this.series };
    const text = JSON.stringify(data);
    if (text === this.text) return undefined;
    if (this.text === undefined && !this.ignored && this.briefs.size === 0 && !this.series && !exists(this.file)) return undefined;
    if (isFolder(this.file)) {
      // Said when it was read (loadCacheFile); else it appeared during the build.
      return this.ignored ? undefined : {
        file: displayPath(this.file),
        line: 0,
        column: 0,
        severity: 'warning',
        message: 'The build cache was not written: a folder has its name. The next build rebuilds every brief',
        ruleId: 'cache-ignored',
        hint: 'Remove the folder.',
      };
    }
    writeAtomic(this.file, text);
    return undefined;
  }
}

/** The key of a brief: the files it read (with the hashes of the bytes read) and everything else that shapes it. */
export function cacheKey(sources: SourceHash[], context: unknown): string {
  const files = [...new Map(sources.map((s) => [s.path, s.hash])).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sha256(JSON.stringify({ files, context }));
}

/** A source's path as the cache keeps it (relative to the manuscript folder), or undefined when it is not inside. */
export function relativeSource(root: string, file: string): string | undefined {
  const rel = path.relative(root, file).split(path.sep).join('/');
  return isSafeRelative(rel) ? rel : undefined;
}

function isFolder(p: string): boolean {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function loadCacheFile(file: string, outDir: string): { data?: CacheFile; text?: string; ignored?: Diagnostic } {
  if (!exists(file)) return {};
  const ignore = (why: string, severity: 'warning' | 'info' = 'warning') => ({
    ignored: {
      file: displayPath(file),
      line: 0,
      column: 0,
      severity,
      message: `The build cache was ignored (${why}): every brief is rebuilt and the cache written again`,
      ruleId: 'cache-ignored',
      hint: severity === 'info' ? 'Nothing to do: the next build uses the new cache.' : 'Nothing to do: it is written again. If this keeps happening, something else writes into the output folder.',
    } satisfies Diagnostic,
  });
  if (isFolder(file)) {
    return {
      ignored: {
        file: displayPath(file),
        line: 0,
        column: 0,
        severity: 'warning' as const,
        message: 'The build cache is a folder: it was ignored and is not written, so every build rebuilds every brief',
        ruleId: 'cache-ignored',
        hint: 'Remove the folder.',
      },
    };
  }
  // Read like a manuscript file: a regular file inside the output folder, never a FIFO or device.
  const read = readSource(file, realRoots([outDir]), 'build cache');
  if (!read.ok) return ignore(read.diagnostic.message.replace(/^The build cache /, 'it '));
  let json: unknown;
  const text = read.file.bytes.toString('utf8');
  try {
    json = JSON.parse(text);
  } catch (e) {
    return ignore(`not valid JSON: ${(e as Error).message}`);
  }
  const format = (json as { format?: unknown } | null)?.format;
  if (typeof format === 'number' && format !== cacheFormat) return ignore(`written by ${format < cacheFormat ? 'an older' : 'a newer'} briefpress (format ${format})`, 'info');
  const v = fileSchema.safeParse(json, { jitless: true }); // as src/config/validate.ts
  if (!v.success) {
    const issue = v.error.issues[0]!;
    const where = issue.path.map(String).join('.') || 'the file';
    return ignore(`${where}: ${issue.message}`);
  }
  return { data: v.data, text };
}

/**
 * Hash of every file under some folders (a theme, briefpress' own src/), with paths relative to each
 * folder (`skip`: files and folders left out, by name and path). Files are read as manuscript files are (src/manuscript/source.ts): a symlink may lead only to
 * a file inside the folders, and a FIFO, device or socket is an error, never read.
 */
export function hashTree(dirs: string[], skip?: (name: string, file: string) => boolean, known?: Map<string, string>): string {
  const present = dirs.filter(exists);
  const roots = realRoots(present);
  const parts: string[] = [];
  const seen = new Set<string>();
  const walk = (root: string, dir: string) => {
    // (Node 20 makes four Dates per fs.Stats: the entries' types come from the folder listing, and
    // realpath is the one system call, not a stat per path component: ~10 ms less per build.)
    const real = realpathSync.native(dir);
    if (seen.has(real)) return; // a folder linked twice (or a loop): hashed once
    seen.add(real);
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const name = entry.name;
      const p = path.join(dir, name);
      if (skip?.(name, p)) continue;
      if (entry.isDirectory()) {
        walk(root, p);
        continue;
      }
      if (entry.isSymbolicLink()) {
        let target: string | undefined;
        try {
          target = realpathSync.native(p);
        } catch {
          // dangling: reported by readSource below
        }
        if (target && roots.some((r) => isInside(target, r)) && lstatSync(target).isDirectory()) {
          walk(root, p);
          continue;
        }
      }
      // A file this build has read already through the one safe reader (the theme's fonts: most of
      // its bytes), by its hash then: not read and hashed a second time (~8 ms a build).
      let hash = known?.get(p);
      if (hash === undefined) {
        const r = readSource(p, roots, 'theme file');
        if (!r.ok) throw new BriefpressError([r.diagnostic]);
        hash = r.file.hash;
      }
      parts.push(`${path.relative(root, p)}\0${hash}`);
    }
  };
  for (const d of present) walk(d, d);
  return sha256(parts.join('\n'));
}
