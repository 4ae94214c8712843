/**
 * The chosen stack's floor, for `npm run bench` (scripts/bench.ts): what Node, Puppeteer and Chromium
 * cost before briefpress does anything of its own. It prints each given HTML file (pandoc's standalone
 * HTML of a brief, the peer chain's own print input) to a PDF the way briefpress drives Chromium (the
 * same executable and flags, spawned with a DevTools pipe, Puppeteer's browser entry connected to it,
 * the first tab reused), one browser for all the files, and nothing else: no Markdown, no web page,
 * no EPUB, no cover, no fonts of a theme, no previews, no post-process, no catalog.
 *
 *   node scripts/bench-floor.mjs <lib dir of the measured package> <out dir> <file.html>...
 *
 * Against the peer chain in the same run it says how much of any target is left for briefpress' own
 * work: the sample's floor came out at ~0.95-1.0x the peer's whole chain (2026-12-03), so a
 * one-brief target of 1.3x leaves ~0.1 s for everything briefpress adds.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [lib, out, ...files] = process.argv.slice(2);
if (!lib || !out || files.length === 0) {
  console.error('usage: node scripts/bench-floor.mjs <lib dir> <out dir> <file.html>...');
  process.exit(2);
}
const from = (rel) => import(pathToFileURL(path.join(lib, rel)).href);
const [{ defaultLaunchArgs }, { chromiumArgs }, { findChromium }] = await Promise.all([from('browser/args.js'), from('browser/pool.js'), from('browser/find.js')]);
const profile = mkdtempSync(path.join(os.tmpdir(), 'briefpress-floor-'));
const extra = [...chromiumArgs];
if (process.getuid?.() === 0) extra.push('--no-sandbox');
const chromium = spawn(findChromium(), [...defaultLaunchArgs(profile, extra), '--remote-debugging-pipe'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'], detached: true });
try {
  const [{ default: puppeteer }, { PipeTransport }] = await Promise.all([import('puppeteer-core/internal/puppeteer-core-browser.js'), import('puppeteer-core/internal/node/PipeTransport.js')]);
  const browser = await puppeteer.connect({ transport: new PipeTransport(chromium.stdio[3], chromium.stdio[4]), defaultViewport: null });
  const [page] = await browser.pages();
  for (const file of files) {
    await page.goto(pathToFileURL(path.resolve(file)).href, { waitUntil: 'load' });
    writeFileSync(path.join(out, `${path.basename(file, '.html')}.pdf`), await page.pdf({ printBackground: true }));
  }
  // Done once the PDFs are written: Chromium is ended below, as a build ends it (no wait for its own shutdown).
  browser.disconnect();
} finally {
  try {
    process.kill(-chromium.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  rmSync(profile, { recursive: true, force: true });
}
// As the CLI does (src/cli/start.ts): Puppeteer leaves a timer of up to 100 ms behind a closed session.
process.exit(0);
