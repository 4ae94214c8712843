import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * briefpress' own folder (templates/, src/, package.json): the nearest folder above this module
 * with briefpress' package.json. Searched, not assumed: the CLI runs this code from a bundle in
 * node_modules/.cache/briefpress/ (src/cli/bin.js).
 */
export const packageRoot = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      if (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).name === 'briefpress') return dir;
    } catch {
      // no package.json here, or not ours: go up
    }
    if (path.dirname(dir) === dir) return path.resolve(from, '../..');
  }
}

