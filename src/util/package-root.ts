import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * briefpress' own folder (templates/, package.json): the nearest folder above this module with
 * briefpress' package.json. The code runs from src/ (in the repository) or from the compiled lib/.
 * Its own module, light to load: `--version` needs only this.
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
