/**
 * Which code the CLI runs: the compiled modules one by one (`./main.js`), or their bundle
 * (`./bundle/main.js`, made by scripts/bundle.mjs at compile time) when it holds exactly what those
 * modules would load. Node 20 loads ~580 ES modules for a build; the bundle is a few dozen files and
 * starts a build ~0.2 s sooner (10-12 % of the sample's build).
 *
 * The bundle also holds the dependencies (unified, micromark, Puppeteer's core, citeproc ...). A
 * dependency updated or patched in node_modules (`npm update`, a security fix, patch-package) must be
 * what runs (issue #12), so before the bundle is used every file it was made from is checked against
 * the file Node would load now (bundle/inputs.json: path, size, modification time, SHA-1): the
 * same size and time, or else the same SHA-1. One file differs or is missing, and the modules load
 * one by one, as if there were no bundle. The check costs ~5 ms (a stat per file; the hashes are read
 * only for files whose time differs, as in a fresh install of the package: ~20 ms more).
 *
 * Kept to Node's own modules: it runs before anything else is loaded.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** One file the bundle was made from: where, relative to the package or to a node_modules folder. */
export interface BundleInput {
  /** `lib:cli/main.js` (briefpress' compiled module) or `npm:yaml/dist/index.js` (under node_modules). */
  file: string;
  size: number;
  mtimeMs: number;
  sha1: string;
}

type Main = (argv: string[]) => Promise<number>;

const here = path.dirname(fileURLToPath(import.meta.url)); // lib/cli
const lib = path.dirname(here);

/** The CLI's `main`: from the bundle when it is current, else from the modules. */
export async function loadMain(): Promise<Main> {
  const t = performance.now();
  const reason = bundleMismatch(lib);
  const mod = (await import(pathToFileURL(path.join(here, reason ? 'main.js' : 'bundle/main.js')).href)) as { main: Main };
  if (process.env.BRIEFPRESS_TRACE) process.stderr.write(`briefpress: ${reason ? `running the modules (${reason})` : 'running the bundle'}; checked in ${Math.round(performance.now() - t)} ms\n`);
  return mod.main;
}

/**
 * Why the bundle under `<lib>/cli/bundle` cannot stand for the modules now (a sentence), or
 * undefined when every file it was made from is as it was.
 */
export function bundleMismatch(libDir: string): string | undefined {
  let inputs: BundleInput[];
  try {
    inputs = JSON.parse(readFileSync(path.join(libDir, 'cli', 'bundle', 'inputs.json'), 'utf8')) as BundleInput[];
  } catch {
    return 'no bundle';
  }
  const packageDirs = new Map<string, string | undefined>();
  for (const input of inputs) {
    const file = locate(input.file, libDir, packageDirs);
    if (!file) return `${input.file.slice(4)} is not installed`;
    const st = statSync(file, { throwIfNoEntry: false });
    if (!st) return `${input.file.slice(4)} is missing`;
    if (st.size !== input.size) return `${input.file.slice(4)} changed`;
    if (st.mtimeMs === input.mtimeMs) continue;
    if (createHash('sha1').update(readFileSync(file)).digest('hex') !== input.sha1) return `${input.file.slice(4)} changed`;
  }
  return undefined;
}

/**
 * The file an input names: `lib:` under the compiled lib/; `npm:<package>/<path>` in the first
 * node_modules folder holding that package, from briefpress' own folder upwards (Node's search).
 */
function locate(name: string, libDir: string, packageDirs: Map<string, string | undefined>): string | undefined {
  const rest = name.slice(4);
  if (name.startsWith('lib:')) return path.join(libDir, rest);
  const parts = rest.split('/');
  const pkg = parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  if (!packageDirs.has(pkg)) {
    let found: string | undefined;
    for (let dir = libDir; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'node_modules', pkg);
      if (statSync(path.join(candidate, 'package.json'), { throwIfNoEntry: false })) {
        found = candidate;
        break;
      }
      if (path.dirname(dir) === dir) break;
    }
    packageDirs.set(pkg, found);
  }
  const dir = packageDirs.get(pkg);
  return dir && path.join(dir, rest.slice(pkg.length + 1));
}
