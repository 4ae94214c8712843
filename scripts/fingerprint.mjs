// The fingerprint of what lib/ is compiled from: every file under src/, the two tsconfigs and the compile
// scripts (path, size, modification time). (The dependencies the CLI's bundle holds are checked
// each time it runs: src/cli/start.ts.) scripts/compile.mjs writes it to lib/.stamp; src/cli/bin.js runs lib/
// only when the sources still have it, so a stale lib/ is never what runs in this repository.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const stampFile = path.join(root, 'lib', '.stamp');

export function fingerprint() {
  const h = createHash('sha256');
  const add = (p) => {
    const s = statSync(p);
    h.update(`${path.relative(root, p)}\0${s.size}\0${s.mtimeMs}\n`);
  };
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else add(p);
    }
  };
  walk(path.join(root, 'src'));
  for (const f of ['tsconfig.json', 'tsconfig.build.json', 'scripts/compile.mjs', 'scripts/bundle.mjs']) add(path.join(root, f));
  return h.digest('hex');
}

/** True when lib/ was compiled from the sources as they are now. */
export function libIsCurrent() {
  try {
    return readFileSync(stampFile, 'utf8').trim() === fingerprint();
  } catch {
    return false;
  }
}
