#!/usr/bin/env node
// briefpress is written in TypeScript. The CLI runs it as one bundle made by esbuild (a dependency,
// through tsx) in node_modules/.cache/briefpress/<fingerprint of src/>/: made again, in about
// 1 s, whenever a file under src/ changes, so there is no compile step to forget. Starting from
// the bundle takes ~0.3 s against ~0.8 s through tsx's loader. The dependencies are bundled too (one
// file to read and compile instead of hundreds of small modules: ~0.4 s less CPU per build), but
// esbuild and tsx, which find files of their own at run time, and chromium-bidi (Firefox's protocol,
// never used). Puppeteer is bundled through its environment-neutral entry (src/browser/pool.ts): its
// ~130 modules cost ~0.25 s of CPU to load one by one, ~0.04 s bundled. If the bundle cannot be made (no
// esbuild, a read-only node_modules), the sources run through tsx as before.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const src = path.join(root, 'src');

/** A fingerprint of src/: every file's path, size and modification time. */
function fingerprint() {
  const h = createHash('sha256');
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|js|mjs)$/.test(e.name)) {
        const s = statSync(p);
        h.update(`${path.relative(src, p)}\0${s.size}\0${s.mtimeMs}\n`);
      }
    }
  };
  walk(src);
  return h.digest('hex').slice(0, 16);
}

async function bundled() {
  if (process.env.BRIEFPRESS_NO_BUNDLE) return undefined;
  const cache = path.join(root, 'node_modules', '.cache', 'briefpress');
  const dir = path.join(cache, fingerprint());
  const entry = path.join(dir, 'main.js');
  if (existsSync(entry)) {
    // Its folder's time is its last use: folders unused for a day are removed (below).
    try {
      const now = new Date();
      utimesSync(dir, now, now);
    } catch {
      // a read-only node_modules: the bundle still runs
    }
    return entry;
  }
  try {
    const { build } = await import('esbuild');
    const tmp = `${dir}.${process.pid}.tmp`;
    await build({
      entryPoints: [path.join(src, 'cli', 'main.ts')],
      bundle: true,
      splitting: true, // the lazy imports stay lazy: a chunk each
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external: ['chromium-bidi', 'esbuild', 'tsx', 'fsevents', 'bufferutil', 'utf-8-validate'],
      banner: { js: "import { createRequire as __bpCreateRequire } from 'node:module'; const require = __bpCreateRequire(import.meta.url);" },
      outdir: tmp,
      logLevel: 'silent',
    });
    writeFileSync(path.join(tmp, 'package.json'), '{"type":"module"}\n');
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another process made it first
    }
    // Bundles of other sources not used for a day go (only a CLI running for over a day from a
    // bundle nothing else started since could miss a lazy chunk).
    for (const old of readdirSync(cache)) {
      const p = path.join(cache, old);
      if (p !== dir && Date.now() - statSync(p).mtimeMs > 86_400_000) rmSync(p, { recursive: true, force: true });
    }
    return existsSync(entry) ? entry : undefined;
  } catch {
    return undefined;
  }
}

const entry = await bundled();
let main;
if (entry) ({ main } = await import(pathToFileURL(entry).href));
else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('./main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
