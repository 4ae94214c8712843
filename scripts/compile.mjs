// Compile src/ into lib/ (ESM .js, .d.ts, source maps; the preview's static files copied beside
// their module; the CLI bundled, scripts/bundle.mjs): `npm run compile`, run by `prepack` and by scripts/setup.sh. Skipped when lib/ is
// current (lib/.stamp, scripts/fingerprint.mjs) unless --force. lib/ is replaced whole, by a rename:
// a CLI running from lib/ meanwhile never sees a half-written folder.
import { spawnSync } from 'node:child_process';
import { cpSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { bundleCli, makeCodeCache } from './bundle.mjs';
import { fingerprint, libIsCurrent, root } from './fingerprint.mjs';

if (!process.argv.includes('--force') && libIsCurrent()) process.exit(0);
const stamp = fingerprint(); // before compiling: a source saved meanwhile makes lib/ stale, never current
const tmp = path.join(root, `lib.${process.pid}.tmp`);
const old = path.join(root, `lib.${process.pid}.old`);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', tmp], { stdio: 'inherit' });
if (r.status !== 0) {
  rmSync(tmp, { recursive: true, force: true });
  console.error('compile: tsc failed');
  process.exit(r.status ?? 1);
}
cpSync(path.join(root, 'src/preview/ui'), path.join(tmp, 'preview/ui'), { recursive: true });
// The message catalogues are data beside their module (src/i18n/messages.ts finds them there).
cpSync(path.join(root, 'src/i18n/messages'), path.join(tmp, 'i18n/messages'), { recursive: true });
// The CSL styles and locales briefpress ships, likewise (src/targets/cite/record.ts).
cpSync(path.join(root, 'src/targets/cite/csl'), path.join(tmp, 'targets/cite/csl'), { recursive: true });
// The CLI runs from one bundle of these modules and the packages they use (scripts/bundle.mjs). It
// only makes the CLI start sooner: without it (esbuild missing or failing) the CLI loads the modules.
try {
  await bundleCli(tmp);
} catch (e) {
  rmSync(path.join(tmp, 'cli', 'bundle'), { recursive: true, force: true });
  console.error(`compile: warning: the CLI's bundle was not made (${String(e.message).split('\n')[0]}); the CLI will load its modules one by one (~0.2 s slower to build)`);
}
writeFileSync(path.join(tmp, '.stamp'), `${stamp}\n`);
try {
  renameSync(path.join(root, 'lib'), old);
} catch {
  // no lib/ yet
}
renameSync(tmp, path.join(root, 'lib'));
rmSync(old, { recursive: true, force: true });
// The bundle's code cache, from a build of the sample (scripts/bundle.mjs): the CLI compiles less at
// each start. Made in lib/ itself: V8 keeps the file name the cache was made under (stack traces
// would name the temporary folder). Until it is there, the CLI runs the ES bundle.
if (!process.argv.includes('--no-code-cache')) console.error(`compile: ${makeCodeCache(path.join(root, 'lib'))}`);
