/**
 * What the series catalog shows of each brief, always from the manuscript as this build read it:
 * - a brief built now: from its Brief;
 * - a brief unchanged since its last build: from its front matter and author files (read by the scan
 *   and readSeries; no Markdown), which give exactly the same entry (a test compares the catalogs);
 * - a brief that fails now: it keeps its last good editions, so it keeps their catalog entry, the one
 *   remembered in the build cache, on three conditions: the cache validated in full (else there is no
 *   entry to remember), every file that build wrote is still on disk, and its number is still its own.
 *   The number is the one the manuscript gives it now when its front matter still numbers it; else the
 *   remembered number, kept only if no other brief of the series claims it (then it leaves the catalog
 *   until it builds again).
 */
import { frontMatterSchema } from '../config/schema.js';
import type { SeriesSource } from '../manuscript/series.js';
import type { Brief, Series } from '../model/brief.js';
import type { CatalogEntry } from '../targets/types.js';
import { uuidV5 } from '../util/hash.js';
import type { ScannedBrief } from './scan.js';

/** A brief's identifier when its front matter gives none: a UUID from the series' namespace and the slug. */
export function defaultIdentifier(series: Series, slug: string): string {
  return `urn:uuid:${uuidV5(`${series.identifier.namespace}/${slug}`)}`;
}

export function catalogEntry(b: Brief, number: number, updated: number): CatalogEntry {
  return {
    slug: b.slug,
    number,
    title: b.title,
    subtitle: b.subtitle,
    authors: b.authors.map((a) => ({ id: a.id, name: a.name, title: a.title, affiliation: a.affiliation })),
    date: b.date,
    summary: b.summary,
    identifier: b.identifier,
    language: b.language,
    keywords: b.keywords,
    updated,
  };
}

/**
 * The entry of a brief that is not rebuilt, from its front matter and author files (the fields a full
 * read takes from them, the same way). Undefined when the front matter does not validate or names an
 * author the series does not have (then the brief is rebuilt, and its full read says why).
 */
export function entryFromFrontMatter(s: ScannedBrief, src: SeriesSource, number: number, updated: (date: string) => number): CatalogEntry | undefined {
  if (!s.frontMatter) return undefined;
  const v = frontMatterSchema.safeParse(s.frontMatter, { jitless: true }); // as src/config/validate.ts
  if (!v.success) return undefined;
  const fm = v.data;
  const authors: CatalogEntry['authors'] = [];
  for (const ref of fm.authors) {
    const id = typeof ref === 'string' ? ref : ref.id;
    const a = src.authors.get(id);
    if (!a) return undefined;
    authors.push({ id: a.id, name: a.config.name, title: (typeof ref === 'string' ? undefined : ref.title) ?? a.config.title, affiliation: a.config.affiliation });
  }
  return {
    slug: s.slug,
    number,
    title: fm.title,
    subtitle: fm.subtitle,
    authors,
    date: fm.date,
    summary: fm.summary.trim(),
    identifier: fm.identifier ?? defaultIdentifier(src.series, s.slug),
    language: fm.language ?? src.series.language,
    keywords: fm.keywords,
    updated: updated(fm.date),
  };
}

/**
 * The catalog's entries in series order. `current` holds the entries of the briefs that are built or
 * unchanged now (numbered by the plan); `remembered` the last good entries of the briefs that fail now
 * (already checked: cache valid, outputs on disk) with the number the plan gives them, if any.
 */
export function catalogEntries(current: CatalogEntry[], remembered: { entry: CatalogEntry; number?: number }[], claimed: Set<number>): CatalogEntry[] {
  const entries = [...current];
  const taken = new Set<number>([...claimed, ...current.map((e) => e.number)]);
  // A failing brief the manuscript still numbers keeps that number; the others their remembered one if free.
  for (const r of remembered.filter((x) => x.number !== undefined)) {
    entries.push({ ...r.entry, number: r.number! });
    taken.add(r.number!);
  }
  for (const r of remembered.filter((x) => x.number === undefined).sort((a, b) => (a.entry.slug < b.entry.slug ? -1 : 1))) {
    if (taken.has(r.entry.number)) continue;
    entries.push(r.entry);
    taken.add(r.entry.number);
  }
  return entries.sort((a, b) => a.number - b.number || (a.slug < b.slug ? -1 : 1));
}
