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
 * Where the compile step left one, the bundle runs as one CommonJS file with V8's code cache
 * (`runCachedBundle`): Node 20 cannot give ES modules a code cache, and compiling the bundle's code
 * had cost ~0.15 s of Node's main thread in a build of the sample.
 *
 * Kept to Node's own modules: it runs before anything else is loaded.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import zlib from 'node:zlib';

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
  // main.cjs also holds files the ES bundle does not (inputs-cjs.json): checked likewise.
  const cached = reason || bundleMismatch(lib, 'inputs-cjs.json') ? undefined : runCachedBundle(path.join(here, 'bundle'));
  const mod = cached ?? ((await import(pathToFileURL(path.join(here, reason ? 'main.js' : 'bundle/main.js')).href)) as { main: Main });
  if (process.env.BRIEFPRESS_TRACE) {
    const what = reason ? `the modules (${reason})` : cached ? `the bundle (main.cjs, its code cache ${cached.cache})` : 'the bundle';
    process.stderr.write(`briefpress: running ${what}; checked in ${Math.round(performance.now() - t)} ms\n`);
  }
  return mod.main;
}

/**
 * End the process with `code` once its output is written. A command is done when `main` returns,
 * but Puppeteer leaves a timer behind each page whose session closed (it waits up to 100 ms for the
 * frame to be swapped), and it kept a build of one brief alive 0-50 ms after its last file was
 * written (its printer page closes after the print, to free the renderer's memory). Everything
 * left at this point runs from the exit handlers (the profile's removal, the trace) or dies with
 * the process (the previews' worker).
 */
export async function exitWhenWritten(code: number): Promise<never> {
  process.exitCode = code;
  // BRIEFPRESS_TRACE's report (src/util/trace.ts), written now so that it is flushed below. By its
  // symbol: the bundle holds its own copy of that module.
  (globalThis as Record<symbol, (() => void) | undefined>)[Symbol.for('briefpress.trace.report')]?.();
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((resolve) => (s.destroyed || !s.writable ? resolve() : s.write('', () => resolve())))));
  process.exit(code);
}

/** What `<bundle>/main.cjs.cache.json` records: the Node that made the code cache, and main.cjs's bytes then. */
interface CodeCacheMeta {
  node: string;
  v8: string;
  arch: string;
  platform: string;
  size: number;
  sha1: string;
  /** The SHA-1 of main.cjs.cache. */
  cacheSha1: string;
  /** The CRC-32s of both (hex), checked instead where Node has zlib.crc32 (20.15 on). */
  crc32?: string;
  cacheCrc32?: string;
}

const sha1 = (data: Buffer) => createHash('sha1').update(data).digest('hex');
/** zlib's CRC-32 (Node 20.15 on): ~2 ms for main.cjs and its cache together, against 13 ms for their SHA-1s. */
const crc32 = (zlib as unknown as { crc32?: (data: Buffer) => number }).crc32;
/** Whether `data` is what the record says: by CRC-32 where Node has it, else by SHA-1. */
const matches = (data: Buffer, crc: string | undefined, sha: string) => (crc32 && crc !== undefined ? crc32(data).toString(16) === crc : sha1(data) === sha);

/** import() from the bundle's script goes to Node's own loader (undefined in an older Node 20: the ES bundle runs). */
const mainContextLoader = (vm.constants as unknown as { USE_MAIN_CONTEXT_DEFAULT_LOADER?: unknown } | undefined)?.USE_MAIN_CONTEXT_DEFAULT_LOADER;

/**
 * V8's flags while the bundle is compiled from its cache and its modules run (and when the cache is
 * written: V8 takes a cache only under the flags it was made with, and a build that makes one
 * leaves V8's flags as they are, src/util/young.ts): the young generation does not grow. The CLI's
 * heap caps (./heap.ts, src/util/young.ts) let it grow again from the first garbage collection
 * reported, up to their cap; without them it doubled from 2 to 16 MB while the modules ran and the
 * build began (no collection is reported to the code in between), and the sample's build peaked
 * ~15 MB higher.
 */
const readingFlags = '--semi-space-growth-factor=1';

/** main.cjs (its text, wrapped as Node wraps a module) compiled with its code cache, if given (V8's flags left as `readingFlags`). */
export function compileBundle(file: string, source: string, cachedData: Buffer | undefined): vm.Script {
  v8.setFlagsFromString(readingFlags);
  return new vm.Script(source, { filename: file, cachedData, importModuleDynamically: mainContextLoader as never });
}

/**
 * The bundle as one CommonJS file run with its V8 code cache (scripts/bundle.mjs): only when the
 * cache was made by this Node (version, V8, platform) for main.cjs as it is now, and is itself as it
 * was made (CRC-32s of both, or SHA-1s in a Node before 20.15). Else undefined (the ES bundle runs). V8 may still refuse the cache
 * (`cache: 'refused'`: run with other V8 flags): it then compiles as it would anyway.
 * With BRIEFPRESS_CODE_CACHE_OUT set (scripts/bundle.mjs makes the cache so), runs main.cjs
 * without a cache and writes one there when the process exits.
 */
export function runCachedBundle(bundleDir: string): { main: Main; cache: 'used' | 'refused' | 'to be written' } | undefined {
  const file = path.join(bundleDir, 'main.cjs');
  const out = process.env.BRIEFPRESS_CODE_CACHE_OUT;
  if (!mainContextLoader) return undefined;
  let source: string;
  let cachedData: Buffer | undefined;
  try {
    // ASCII (scripts/bundle.mjs writes it so): read as Latin-1, the cheaper decoding.
    if (out) source = readFileSync(file, 'latin1');
    else {
      const meta = JSON.parse(readFileSync(`${file}.cache.json`, 'utf8')) as CodeCacheMeta;
      if (meta.node !== process.version || meta.v8 !== process.versions.v8 || meta.arch !== process.arch || meta.platform !== process.platform) return undefined;
      if (statSync(file).size !== meta.size) return undefined;
      const bytes = readFileSync(file);
      cachedData = readFileSync(`${file}.cache`);
      // Both checked, whatever their times (~2 ms): V8 checks only the source's length, and a cache
      // damaged on disk, or left from other bytes of the same length, is not refused but kills the
      // process ("Fatal error ... unreachable code", measured with 64 bytes changed).
      if (!matches(bytes, meta.crc32, meta.sha1) || !matches(cachedData, meta.cacheCrc32, meta.cacheSha1)) return undefined;
      source = bytes.toString('latin1');
    }
  } catch {
    return undefined;
  }
  const module = { exports: {} as { main?: Main } };
  const script = compileBundle(file, source, cachedData);
  cachedData = undefined;
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, Module.createRequire(file), module, file, bundleDir);
  if (typeof module.exports.main !== 'function') throw new Error(`${file}: no main()`);
  if (out) {
    // Every function the build compiles goes into the cache, those it ran only once too: V8 would
    // otherwise drop their bytecode in a later collection (the cache came out 3.8-4.5 MB, run to run).
    v8.setFlagsFromString('--no-flush-bytecode');
    process.on('exit', () => {
      v8.setFlagsFromString('--flush-bytecode');
      v8.setFlagsFromString(readingFlags);
      writeFileSync(out, script.createCachedData());
    });
  }
  return { main: module.exports.main, cache: out ? 'to be written' : script.cachedDataRejected ? 'refused' : 'used' };
}

/**
 * Why the bundle under `<lib>/cli/bundle` cannot stand for the modules now (a sentence), or
 * undefined when every file it was made from is as it was.
 */
export function bundleMismatch(libDir: string, list = 'inputs.json'): string | undefined {
  let inputs: BundleInput[];
  try {
    inputs = JSON.parse(readFileSync(path.join(libDir, 'cli', 'bundle', list), 'utf8')) as BundleInput[];
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
  // Joined as strings: the paths are already normal, and path.join per input (~600 of them, twice)
  // cost ~10 ms of the check in a build's first, single-threaded moments. (Node's fs takes `/` on
  // Windows too.)
  if (name.startsWith('lib:')) return `${libDir}/${rest}`;
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
  return dir && `${dir}/${rest.slice(pkg.length + 1)}`;
}
