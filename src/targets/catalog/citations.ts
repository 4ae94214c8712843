/**
 * Issue #15 in the catalog: each brief's citation files found beside its editions, the whole series'
 * `citations.bib` and `citations.ris` (the briefs' own files, in series order), and `sitemap.xml`
 * when the series names a `baseUrl` (never otherwise: no URL is invented).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Series } from '../../model/brief.js';
import { briefUrls } from '../meta.js';
import type { FeedBrief, EntryFiles } from './opds.js';
import { x } from 'xastscript';
import { indented, xmlDocument } from '../serialize.js';

export function addCitationFiles(files: EntryFiles, slug: string, has: (f: string) => boolean): void {
  if (has(`${slug}.bib`)) files.bib = `${slug}/${slug}.bib`;
  if (has(`${slug}.ris`)) files.ris = `${slug}/${slug}.ris`;
  if (has(`${slug}.csl.json`)) files.cslJson = `${slug}/${slug}.csl.json`;
}

/** `citations.bib` and `citations.ris`, when any brief has the file. */
export function seriesCitationFiles(outDir: string, briefs: FeedBrief[]): { name: string; data: string }[] {
  const out: { name: string; data: string }[] = [];
  for (const [key, name, sep] of [['bib', 'citations.bib', '\n'], ['ris', 'citations.ris', '\r\n']] as const) {
    const parts = briefs.flatMap((b) => (b.files[key] ? [readFileSync(path.join(outDir, b.files[key]!), 'utf8')] : []));
    if (parts.length) out.push({ name, data: parts.map((p) => p.replace(/\s+$/, '')).join(sep + sep) + sep });
  }
  return out;
}

/** The sitemap (sitemaps.org 0.9): the catalog page and every brief's web page, at their canonical URLs. */
export function sitemap(series: Series, briefs: FeedBrief[]): string | undefined {
  if (!series.baseUrl) return undefined;
  const urls = [
    { loc: series.baseUrl, lastmod: undefined as string | undefined },
    ...briefs.filter((b) => b.files.html).map((b) => ({ loc: briefUrls({ slug: b.slug, series })!.canonical, lastmod: new Date(b.updated * 1000).toISOString().slice(0, 10) })),
  ];
  return xmlDocument(
    x(
      'urlset',
      { xmlns: 'http://www.sitemaps.org/schemas/sitemap/0.9' },
      indented('  ', urls.map((u) => x('url', indented('    ', [x('loc', u.loc), u.lastmod !== undefined && x('lastmod', u.lastmod)])))),
    ),
  );
}
