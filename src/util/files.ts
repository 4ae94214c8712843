import { readFileSync, statSync } from 'node:fs';

/**
 * Theme files and fonts are the same for every brief of a build: read each once per process (and again
 * when it changes, for the preview). Only for those: manuscript images would grow the cache unbounded.
 */
const fileCache = new Map<string, { mtimeMs: number; size: number; bytes: Buffer }>();

export function readCached(file: string): Buffer {
  const st = statSync(file);
  const hit = fileCache.get(file);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.bytes;
  const bytes = readFileSync(file);
  fileCache.set(file, { mtimeMs: st.mtimeMs, size: st.size, bytes });
  return bytes;
}

/** An edition asset's bytes: fonts and stylesheets from the cache, anything else from disk. */
export function readAsset(file: string, mediaType: string): Buffer {
  return mediaType.startsWith('font/') || mediaType === 'text/css' ? readCached(file) : readFileSync(file);
}
