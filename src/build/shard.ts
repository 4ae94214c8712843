/**
 * Past one machine: `build --shard I/N` builds the briefs of the I-th of N shards of a series, and
 * `catalog` (`build --catalog-only`) merges the shards' outputs into one catalog.
 *
 * A brief's shard depends on its slug alone (the first 32 bits of its sha256, modulo N): adding or
 * removing briefs never moves another brief to another shard, so each shard's content-hash cache stays
 * valid. Numbers and neighbour links still come from the whole series (every shard scans it all), so a
 * brief's editions are the same bytes whichever machine built them.
 *
 * A shard writes its briefs' editions and, instead of `.briefpress-cache.json`, its manifest
 * `.briefpress-shard-I-of-N.json`: the same format (the cache entry of each of its briefs: the hashes
 * of the bytes read, the files written and the catalog entry), so a shard's folder kept between CI runs
 * is also its cache. The merge reads every manifest in the output folder into the build cache, takes
 * each brief whose editions are all there and whose key matches the manuscript as unchanged (a brief no
 * shard built is an error, and keeps its last good editions in the catalog as a failed brief does),
 * writes the catalog and the cache, then removes the manifests it merged: the folder is then what one
 * build on one machine writes, byte for byte (tests/shard.test.ts).
 */
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { sha256 } from '../util/hash.js';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** A bad command line (exit 2), found past argument parsing. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `I/N` -> the shard, or undefined when the spec is not two whole numbers with 1 <= I <= N <= 10000. */
export function parseShard(spec: string): Shard | undefined {
  const m = /^\s*(\d{1,5})\s*\/\s*(\d{1,5})\s*$/.exec(spec);
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return index >= 1 && count >= 1 && index <= count && count <= 10_000 ? { index, count } : undefined;
}

/** The shard (1-based) a brief belongs to among `count`. */
export function shardOf(slug: string, count: number): number {
  return (parseInt(sha256(slug).slice(0, 8), 16) % count) + 1;
}

export function shardFileName(s: Shard): string {
  return `.briefpress-shard-${s.index}-of-${s.count}.json`;
}

const manifestRe = /^\.briefpress-shard-(\d+)-of-(\d+)\.json$/;

/** The shard manifests in an output folder, in shard order. */
export function shardManifests(outDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(outDir);
  } catch {
    return [];
  }
  const order = (n: string) => manifestRe.exec(n)!.slice(1).map(Number) as [number, number];
  return names
    .filter((n) => manifestRe.test(n))
    .sort((a, b) => order(a)[1] - order(b)[1] || order(a)[0] - order(b)[0])
    .map((n) => path.join(outDir, n));
}

/** Remove merged manifests (their entries are in the build cache now). */
export function removeManifests(files: string[]): void {
  for (const f of files) rmSync(f, { force: true });
}
