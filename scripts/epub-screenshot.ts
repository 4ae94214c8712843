/**
 * Look at an EPUB the way a reader will: open it in a real reading engine (epub.js, from npm) in
 * headless Chromium and save the first pages as PNGs.
 *
 *   node --import tsx scripts/epub-screenshot.ts dist/kerry-in-russia/kerry-in-russia.epub /tmp/shots [pages=10]
 *
 * Everything is served from a made-up origin by request interception: the reader page, epub.js,
 * JSZip and the book. Any other request is refused, so nothing reaches the network.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchPool } from '../src/browser/pool.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const origin = 'http://epub-preview.invalid';

async function main(): Promise<void> {
  const [epub, outDir = 'epub-shots', pagesArg = '10'] = process.argv.slice(2);
  if (!epub) {
    console.error('usage: node --import tsx scripts/epub-screenshot.ts book.epub [out-dir] [pages]');
    process.exitCode = 2;
    return;
  }
  const pages = Number(pagesArg);
  mkdirSync(outDir, { recursive: true });
  const files: Record<string, { body: Buffer; type: string }> = {
    '/': { body: readFileSync(path.join(here, 'epub-reader.html')), type: 'text/html' },
    '/epub.min.js': { body: readFileSync(require.resolve('epubjs/dist/epub.min.js')), type: 'text/javascript' },
    '/jszip.min.js': { body: readFileSync(require.resolve('jszip/dist/jszip.min.js')), type: 'text/javascript' },
    '/book.epub': { body: readFileSync(epub), type: 'application/epub+zip' },
  };
  const pool = await launchPool(1);
  try {
    await pool.withPage(async (page) => {
      page.on('console', (m) => {
        if (m.type() === 'error') console.error(`reader: ${m.text()}`);
      });
      await page.setViewport({ width: 600, height: 900, deviceScaleFactor: 1 });
      await page.setRequestInterception(true);
      page.on('request', (req) => {
        const url = new URL(req.url());
        const file = url.origin === origin ? files[url.pathname] : undefined;
        if (file) void req.respond({ status: 200, contentType: file.type, body: file.body });
        else if (url.protocol === 'blob:' || url.protocol === 'data:') void req.continue();
        else void req.abort('blockedbyclient');
      });
      await page.goto(`${origin}/`, { waitUntil: 'load' });
      let href = await page.evaluate('window.openBook()');
      for (let i = 1; i <= pages; i++) {
        const shot = path.join(outDir, `page-${String(i).padStart(2, '0')}.png`);
        await page.screenshot({ path: shot as `${string}.png` });
        console.log(`${shot}  ${String(href)}`);
        const next = (await page.evaluate('window.turnPage()')) as { href: string; moved: boolean; atEnd: boolean };
        if (!next.moved) break;
        href = next.href;
        if (next.atEnd) {
          await page.screenshot({ path: path.join(outDir, `page-${String(i + 1).padStart(2, '0')}.png`) as `${string}.png` });
          console.log(`${path.join(outDir, `page-${String(i + 1).padStart(2, '0')}.png`)}  ${String(href)} (last)`);
          break;
        }
      }
      await page.setRequestInterception(false);
    });
  } finally {
    await pool.close();
  }
}

await main();
