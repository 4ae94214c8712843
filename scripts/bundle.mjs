// The CLI's bundle, made by scripts/compile.mjs from the compiled modules: `lib/cli/bundle/main.js`
// and the chunks it shares with the parts loaded on demand (one file per part: `import()` stays
// lazy). Node 20 loads ~580 ES modules for a build of the sample; resolving, reading and compiling
// them one by one cost ~0.25 s of the ~1.6 s a build takes. lib/cli/cli.js (the package's `bin`) and
// src/cli/bin.js run the bundle (src/cli/start.ts: only while every file it holds is as it was);
// the package's library entry (lib/api.js) stays unbundled.
//
// A module that finds its data beside itself (`import.meta.url`: the message catalogues, the CSL
// styles, the preview's files, PDFium's module) keeps finding it there: each such use is rewritten to
// the URL of the module's own compiled file, relative to the chunk it ends in.
//
// The same modules also go into one CommonJS file, `main.cjs`, with a V8 code cache beside it
// (`main.cjs.cache`, made by a build of the sample: `makeCodeCache`). ES modules cannot be given a
// code cache in Node 20, and V8 spent ~0.15 s of the sample's ~0.9 s on the main thread compiling
// the bundle's code; src/cli/start.ts runs `main.cjs` with its cache when the cache was made by this
// very Node and for these very bytes, else the ES bundle.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import zlib from 'node:zlib';

/** Bundle `<lib>/cli/main.js` into `<lib>/cli/bundle/`, with the list of the files it holds (inputs.json). */
export async function bundleCli(lib) {
  const { build } = await import('esbuild');
  const outdir = path.join(lib, 'cli', 'bundle');
  const ownModule = new RegExp(`^${escape(path.resolve(lib) + path.sep)}.*\\.js$`);
  // In the CommonJS file, a module's own `require` (made with createRequire, for the packages it
  // loads on first use) is the file's: esbuild bundles what it requires by name (citeproc-js, ~20 ms
  // to compile at each start, and then in the code cache), and leaves a require it cannot name
  // (`hyphen/${name}`) to Node.
  const keepImportMetaUrl = (ownRequire) => ({
    name: 'briefpress-import-meta-url',
    setup(b) {
      b.onLoad({ filter: ownModule }, (args) => {
        let contents = readFileSync(args.path, 'utf8');
        if (ownRequire) contents = contents.replace(/^const require = createRequire\(import\.meta\.url\);$/m, '');
        if (contents.includes('import.meta.url')) {
          const rel = path.relative(outdir, args.path).split(path.sep).join('/');
          contents = contents.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`);
        }
        return { contents, loader: 'js', resolveDir: path.dirname(args.path) };
      });
    },
  });
  // Two packages Puppeteer loads only on demand, for what briefpress never asks of it (its browser
  // downloader and launcher, its WebDriver BiDi mapper: briefpress starts Chromium itself and speaks
  // CDP to it), stay outside the bundle: loaded from node_modules if they ever are. With them went
  // ~200 files to check at each start (yargs, proxy agents, a QuickJS build ...).
  const lazyPackagesOutside = {
    name: 'briefpress-lazy-packages-outside',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        const fromPackage = args.importer.split(path.sep).includes('node_modules');
        if (fromPackage && /^(chromium-bidi|@puppeteer\/browsers)(\/|$)/.test(args.path)) return { path: args.path, external: true };
        return undefined;
      });
    },
  };
  const root = path.dirname(path.resolve(lib));
  const common = {
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node20',
    // The licence notices in files beside the chunks (<chunk>.LEGAL.txt), word for word: see below.
    legalComments: 'external',
    logLevel: 'warning',
    metafile: true,
  };
  const result = await build({
    ...common,
    entryPoints: { main: path.join(lib, 'cli', 'main.js') },
    outdir,
    splitting: true,
    format: 'esm',
    chunkNames: 'c-[hash]',
    plugins: [keepImportMetaUrl(false), lazyPackagesOutside],
    // The CommonJS packages inside call require() for Node's own modules.
    banner: { js: "import { createRequire as __bpCreateRequire } from 'node:module'; const require = __bpCreateRequire(import.meta.url);" },
  });
  // One CommonJS module (esbuild splits only ES modules): the parts loaded on demand stay lazy (their
  // top level runs at their first import()), and `import.meta.url` is the file's own URL, in the
  // same folder as the chunks. Written already wrapped as Node wraps a module (a function of
  // exports, require, module, __filename and __dirname), and strict, as the ES bundle is: V8
  // compiles the file's text as it is read (src/cli/start.ts), no 5 MB string joined first.
  const cjs = await build({
    ...common,
    entryPoints: [path.join(lib, 'cli', 'main.js')],
    outfile: path.join(outdir, 'main.cjs'),
    format: 'cjs',
    plugins: [keepImportMetaUrl(true), lazyPackagesOutside],
    logOverride: { 'unsupported-require-call': 'silent', 'require-resolve-not-external': 'silent' },
    define: { 'import.meta.url': '__bpBundleUrl' },
    banner: { js: "(function (exports, require, module, __filename, __dirname) { 'use strict'; const __bpBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
    footer: { js: '})' },
  });
  // esbuild writes every string, template and regular expression in ASCII (its default charset), but
  // not the comments it keeps in code. One such character makes V8 hold the whole chunk's source
  // as two bytes a character, and scan it so: the three largest chunks took 5.3 MB of heap instead
  // of 2.7. Written as \u{...} (in a comment, only text), the sample's build used ~8 % less CPU on
  // Node's main thread (1.00 s against 1.08 s, median of 5 each).
  for (const out of [...Object.keys(result.metafile.outputs), ...Object.keys(cjs.metafile.outputs)]) {
    if (!/\.c?js$/.test(out)) continue;
    const file = path.resolve(root, out);
    const text = readFileSync(file, 'utf8');
    if (/[^\x00-\x7f]/.test(text)) writeFileSync(file, text.replace(/[^\x00-\x7f]/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`));
  }
  // What it holds, for src/cli/start.ts to check each time before it runs the bundle: the ES
  // bundle's files (inputs.json), and those only main.cjs holds (inputs-cjs.json: citeproc-js).
  const describe = (rels) =>
    rels
      .map((rel) => path.resolve(root, rel))
      .sort()
      .map((file) => {
        const st = statSync(file);
        return { file: inputName(file, lib), size: st.size, mtimeMs: st.mtimeMs, sha1: createHash('sha1').update(readFileSync(file)).digest('hex') };
      });
  const write = (name, list) => writeFileSync(path.join(outdir, name), `${JSON.stringify(list, null, 0).replaceAll('},{', '},\n{')}\n`);
  const esm = Object.keys(result.metafile.inputs);
  write('inputs.json', describe(esm));
  write('inputs-cjs.json', describe(Object.keys(cjs.metafile.inputs).filter((rel) => !esm.includes(rel))));
}

/**
 * The code cache of `<lib>/cli/bundle/main.cjs`: V8's bytecode of every function a build of the
 * repository's sample compiles (its three editions when a Chromium is found, else the web page and
 * the EPUB), written when that build exits (src/cli/start.ts, BRIEFPRESS_CODE_CACHE_OUT), then
 * checked: a fresh process must accept it. Beside it, `main.cjs.cache.json` says which Node made
 * it and for which bytes of main.cjs. Returns what happened, in a sentence; throws nothing.
 */
export function makeCodeCache(lib) {
  const bundle = path.join(lib, 'cli', 'bundle', 'main.cjs');
  const cache = `${bundle}.cache`;
  const meta = `${cache}.json`;
  // Written beside, then renamed: the cache whole before its record (which the CLI reads first).
  const part = `${cache}.${process.pid}.tmp`;
  const drop = () => {
    for (const f of [meta, cache, part, `${meta}.${process.pid}.tmp`]) rmSync(f, { force: true });
  };
  drop();
  const root = path.dirname(path.resolve(lib));
  const manuscript = path.join(root, 'manuscript');
  if (!existsSync(bundle)) return 'no code cache: no main.cjs';
  if (!existsSync(path.join(manuscript, 'series.yaml'))) return 'no code cache: no sample manuscript to build';
  const out = mkdtempSync(path.join(os.tmpdir(), 'briefpress-code-cache-'));
  try {
    let made;
    for (const formats of ['html,epub,pdf', 'html,epub']) {
      rmSync(part, { force: true });
      const r = spawnSync(process.execPath, [path.join(lib, 'cli', 'cli.js'), 'build', manuscript, '--out', path.join(out, formats), '--format', formats, '--quiet'], {
        encoding: 'utf8',
        timeout: 180_000,
        env: { ...process.env, BRIEFPRESS_CODE_CACHE_OUT: part, BRIEFPRESS_TRACE: '' },
      });
      if (r.status === 0 && existsSync(part)) {
        made = formats;
        break;
      }
    }
    if (!made) return 'no code cache: the sample did not build';
    const check = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `import { compileBundle } from ${JSON.stringify(pathToFileURL(path.join(lib, 'cli', 'start.js')).href)}; import { readFileSync } from 'node:fs'; process.stdout.write(compileBundle(${JSON.stringify(bundle)}, readFileSync(${JSON.stringify(bundle)}, 'latin1'), readFileSync(${JSON.stringify(part)})).cachedDataRejected ? 'rejected' : 'accepted');`],
      { encoding: 'utf8' },
    );
    if (check.stdout !== 'accepted') {
      drop();
      return `no code cache: V8 ${check.stdout || 'failed to read it'}`;
    }
    const sha1 = (file) => createHash('sha1').update(readFileSync(file)).digest('hex');
    // CRC-32s too, where this Node has zlib.crc32: src/cli/start.ts checks those (faster), else the SHA-1s.
    const crc = (file) => (zlib.crc32 ? { crc32: zlib.crc32(readFileSync(file)).toString(16) } : {});
    const record = { node: process.version, v8: process.versions.v8, arch: process.arch, platform: process.platform, size: statSync(bundle).size, sha1: sha1(bundle), cacheSha1: sha1(part), ...crc(bundle), ...Object.fromEntries(Object.entries(crc(part)).map(([, v]) => ['cacheCrc32', v])) };
    renameSync(part, cache);
    writeFileSync(`${meta}.${process.pid}.tmp`, `${JSON.stringify(record)}\n`);
    renameSync(`${meta}.${process.pid}.tmp`, meta);
    return `code cache made (${(statSync(cache).size / 2 ** 20).toFixed(1)} MB, from a build of the sample: ${made})`;
  } catch (e) {
    drop();
    return `no code cache: ${String(e.message).split('\n')[0]}`;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** `lib:<path>` for a module of `lib`, `npm:<path under the first node_modules/>` for a package's file. */
function inputName(file, lib) {
  const inLib = path.relative(lib, file);
  if (!inLib.startsWith('..') && !path.isAbsolute(inLib)) return `lib:${inLib.split(path.sep).join('/')}`;
  const parts = file.split(path.sep);
  const at = parts.indexOf('node_modules');
  if (at < 0) throw new Error(`${file}: a bundled file neither in lib/ nor under node_modules/`);
  return `npm:${parts.slice(at + 1).join('/')}`;
}

function escape(s) {
  return s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}
