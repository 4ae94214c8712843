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
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Bundle `<lib>/cli/main.js` into `<lib>/cli/bundle/`, with the list of the files it holds (inputs.json). */
export async function bundleCli(lib) {
  const { build } = await import('esbuild');
  const outdir = path.join(lib, 'cli', 'bundle');
  const ownModule = new RegExp(`^${escape(path.resolve(lib) + path.sep)}.*\\.js$`);
  const keepImportMetaUrl = {
    name: 'briefpress-import-meta-url',
    setup(b) {
      b.onLoad({ filter: ownModule }, (args) => {
        let contents = readFileSync(args.path, 'utf8');
        if (contents.includes('import.meta.url')) {
          const rel = path.relative(outdir, args.path).split(path.sep).join('/');
          contents = contents.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`);
        }
        return { contents, loader: 'js', resolveDir: path.dirname(args.path) };
      });
    },
  };
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
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: path.join(lib, 'cli', 'main.js') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'c-[hash]',
    // The CommonJS packages inside call require() for Node's own modules.
    banner: { js: "import { createRequire as __bpCreateRequire } from 'node:module'; const require = __bpCreateRequire(import.meta.url);" },
    // The licence notices in files beside the chunks (<chunk>.LEGAL.txt), word for word: see below.
    legalComments: 'external',
    plugins: [keepImportMetaUrl, lazyPackagesOutside],
    logLevel: 'warning',
    metafile: true,
  });
  // esbuild writes every string, template and regular expression in ASCII (its default charset), but
  // not the comments it keeps in code. One such character makes V8 hold the whole chunk's source
  // as two bytes a character, and scan it so: the three largest chunks took 5.3 MB of heap instead
  // of 2.7. Written as \u{...} (in a comment, only text), the sample's build used ~8 % less CPU on
  // Node's main thread (1.00 s against 1.08 s, median of 5 each).
  for (const out of Object.keys(result.metafile.outputs)) {
    if (!out.endsWith('.js')) continue;
    const file = path.resolve(root, out);
    const text = readFileSync(file, 'utf8');
    if (/[^\x00-\x7f]/.test(text)) writeFileSync(file, text.replace(/[^\x00-\x7f]/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`));
  }
  // What it holds, for src/cli/start.ts to check each time before it runs the bundle.
  const inputs = Object.keys(result.metafile.inputs)
    .map((rel) => path.resolve(root, rel))
    .sort()
    .map((file) => {
      const st = statSync(file);
      return { file: inputName(file, lib), size: st.size, mtimeMs: st.mtimeMs, sha1: createHash('sha1').update(readFileSync(file)).digest('hex') };
    });
  writeFileSync(path.join(outdir, 'inputs.json'), `${JSON.stringify(inputs, null, 0).replaceAll('},{', '},\n{')}\n`);
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
