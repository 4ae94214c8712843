/**
 * The incremental cache: `<outDir>/.briefpress-cache.json`. A brief is rebuilt unless its key (a hash of
 * every input that shapes its editions) matches the stored one AND every file it wrote is still there.
 *
 * The key covers: the content of every file the brief read last time (brief.md, images, authors,
 * series.yaml, boilerplate: `Brief.sources`), the theme's files, the formats, briefpress' version and
 * source code, SOURCE_DATE_EPOCH, the brief's number and its neighbours' links. Hashing brief.md first
 * lets an unchanged brief skip parsing entirely: its head (title, date, number) and catalog entry are
 * stored here too.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CatalogEntry } from '../targets/types.js';
import { sha256 } from '../util/hash.js';
import { writeAtomic } from '../util/write.js';
import type { BriefHead } from './scan.js';

export const cacheFileName = '.briefpress-cache.json';
const cacheFormat = 1;

export interface CacheEntry {
  /** Hash of all inputs; empty after a failed build (the files on disk may be half old, half new). */
  key: string;
  /** Files read last time (absolute) — hashed again to compute the key. */
  sources: string[];
  /** Files written, relative to the output folder. */
  outputs: string[];
  /** sha256 of brief.md and the head read from it. */
  briefHash: string;
  head: BriefHead;
  /** What the catalog shows of this brief (kept when a later build fails, while its files remain). */
  entry: CatalogEntry;
}

interface CacheFile {
  format: number;
  briefs: Record<string, CacheEntry>;
  /** The series-level files (catalog) and the key of what they were made from. */
  series?: SeriesEntry;
}

export interface SeriesEntry {
  key: string;
  /** Output files, relative to the output folder. */
  outputs: string[];
}

export class BuildCache {
  readonly file: string;
  readonly briefs: Map<string, CacheEntry>;
  /** A cache file was there when the build started. */
  readonly existed: boolean;
  private readonly hashes = new Map<string, string>();
  /** The catalog's entry: set after the series steps ran. */
  series: SeriesEntry | undefined;

  constructor(readonly outDir: string) {
    this.file = path.join(outDir, cacheFileName);
    this.existed = existsSync(this.file);
    const data = readCacheFile(this.file);
    this.briefs = new Map(Object.entries(data?.briefs ?? {}));
    this.series = data?.series;
  }

  /** Whether the series files were made from `key` and are all still there. */
  seriesFresh(key: string): boolean {
    return this.series?.key === key && this.series.outputs.every((f) => existsSync(path.join(this.outDir, f)));
  }

  /** A remembered head for this brief.md content, so the scan can skip YAML. */
  head(slug: string, briefHash: string): BriefHead | undefined {
    const e = this.briefs.get(slug);
    return e && e.briefHash === briefHash ? e.head : undefined;
  }

  /** sha256 of a file's bytes (memoised for the build: series files are shared by every brief). */
  hashFile(file: string): string {
    let h = this.hashes.get(file);
    if (h === undefined) {
      try {
        h = sha256(readFileSync(file));
      } catch {
        h = 'missing';
      }
      this.hashes.set(file, h);
    }
    return h;
  }

  /** Seed the memo with a hash computed elsewhere (brief.md, hashed by the scan). */
  knowHash(file: string, hash: string): void {
    this.hashes.set(file, hash);
  }

  /** The key of a brief given the files it reads and everything else that shapes its output. */
  key(sources: string[], context: unknown): string {
    const files = [...new Set(sources)].sort().map((f) => [f, this.hashFile(f)]);
    return sha256(JSON.stringify({ files, context }));
  }

  /** True when the stored entry has this key and all its outputs exist. */
  isFresh(slug: string, key: string): boolean {
    const e = this.briefs.get(slug);
    return Boolean(e && e.key === key && e.outputs.every((o) => existsSync(path.join(this.outDir, o))));
  }

  set(slug: string, entry: CacheEntry): void {
    this.briefs.set(slug, entry);
  }

  /** Mark a brief's stored entry stale (its build failed) but keep its catalog entry. */
  invalidate(slug: string): void {
    const e = this.briefs.get(slug);
    if (e) this.briefs.set(slug, { ...e, key: '' });
  }

  /** Forget briefs whose folder is gone. */
  retain(slugs: Iterable<string>): void {
    const keep = new Set(slugs);
    for (const s of [...this.briefs.keys()]) if (!keep.has(s)) this.briefs.delete(s);
  }

  save(): void {
    const data: CacheFile = { format: cacheFormat, briefs: Object.fromEntries([...this.briefs.entries()].sort(([a], [b]) => (a < b ? -1 : 1))), series: this.series };
    writeAtomic(this.file, JSON.stringify(data));
  }
}

function readCacheFile(file: string): CacheFile | undefined {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    return data.format === cacheFormat && data.briefs && typeof data.briefs === 'object' ? data : undefined;
  } catch {
    return undefined;
  }
}

/** Hash of every file under some folders (a theme), with paths relative to each folder. */
export function hashTree(dirs: string[]): string {
  const parts: string[] = [];
  const walk = (root: string, dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(root, p);
      else parts.push(`${path.relative(root, p)}\0${sha256(readFileSync(p))}`);
    }
  };
  for (const d of dirs) if (existsSync(d)) walk(d, d);
  return sha256(parts.join('\n'));
}
