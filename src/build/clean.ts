/**
 * Briefs removed from the manuscript: a whole-series build removes what they left in the output
 * folder. Only what the cache records briefpress wrote for that brief (`outputs`, inside
 * `<outDir>/<slug>/`) is removed, then the folders that this leaves empty: a folder that also holds
 * files of someone else keeps them (and is named in the build's report), a folder the cache does not
 * know is never touched, and nothing is followed through a symlink.
 */
import { lstatSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { CacheEntry } from './cache.js';

export interface RemovedBrief {
  slug: string;
  /** Files removed, relative to the output folder (`/`-separated). */
  files: string[];
  /** What is left in `<outDir>/<slug>/` (relative to it): files briefpress did not write, or could not remove. */
  kept: string[];
  /** Recorded files that could not be removed (a read-only folder): the next build tries again. */
  failed: string[];
}

/** Remove the recorded outputs of the cached briefs that are not in `present`. */
export function removeGoneBriefs(outDir: string, briefs: ReadonlyMap<string, CacheEntry>, present: ReadonlySet<string>): RemovedBrief[] {
  const removed: RemovedBrief[] = [];
  for (const [slug, entry] of briefs) {
    if (present.has(slug)) continue;
    const dir = path.join(outDir, slug);
    if (!isRealFolder(dir)) {
      removed.push({ slug, files: [], kept: [], failed: [] }); // nothing there (or not a folder briefpress made): forgotten
      continue;
    }
    const files: string[] = [];
    const failed: string[] = [];
    for (const o of entry.outputs) {
      if (!o.startsWith(`${slug}/`)) continue; // only inside the brief's own folder
      const p = path.join(outDir, ...o.split('/'));
      // Every folder on the way is a real folder, not a symlink to somewhere else.
      if (!foldersAreReal(dir, path.dirname(p))) continue;
      let st;
      try {
        st = lstatSync(p);
      } catch {
        continue; // gone already
      }
      if (st.isDirectory()) continue;
      try {
        rmSync(p);
        files.push(o);
      } catch {
        failed.push(o);
      }
    }
    removeEmptyFolders(dir);
    removed.push({ slug, files, kept: isRealFolder(dir) ? listFiles(dir) : [], failed });
  }
  return removed;
}

function isRealFolder(p: string): boolean {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

function foldersAreReal(top: string, dir: string): boolean {
  for (let d = dir; ; d = path.dirname(d)) {
    if (!isRealFolder(d)) return false;
    if (d === top || path.dirname(d) === d) return d === top;
  }
}

/** Remove the empty folders under `dir`, and `dir` when it is left empty. */
function removeEmptyFolders(dir: string): void {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (isRealFolder(p)) removeEmptyFolders(p);
  }
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // not removable: it is reported as kept
  }
}

function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (isRealFolder(p)) out.push(...listFiles(p, `${prefix}${name}/`));
    else out.push(`${prefix}${name}`);
  }
  return out;
}
