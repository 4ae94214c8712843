/**
 * Look at the live preview the way an editor will: serve a temporary copy of a manuscript with
 * `preview()`, open it in headless Chromium and save screenshots of its states (pages, spreads, an
 * error overlay, the web edition, the EPUB).
 *
 *   node --import tsx scripts/preview-screenshots.ts [manuscript] [out-dir]
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { preview } from '../src/api.js';
import { launchPool } from '../src/browser/pool.js';

async function main(): Promise<void> {
  const [input = 'manuscript', outDir = 'preview-shots'] = process.argv.slice(2);
  mkdirSync(outDir, { recursive: true });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'briefpress-preview-shots-'));
  const ms = path.join(tmp, 'manuscript');
  cpSync(input, ms, { recursive: true });
  const server = await preview({ input: ms, port: 0, log: (l) => console.log(l) });
  const viewer = await launchPool(1);
  try {
    const page = await viewer.browser.newPage();
    await page.setViewport({ width: 1440, height: 900 });
    await page.goto(server.url, { waitUntil: 'load' });
    await page.waitForFunction(() => Number(document.body.dataset.pages) > 0, { timeout: 90_000 });
    const shot = async (name: string) => {
      await new Promise((r) => setTimeout(r, 400));
      await page.screenshot({ path: path.join(outDir, `${name}.png`) });
      console.log(`  ${path.join(outDir, `${name}.png`)}`);
    };
    await shot('1-pages');
    await page.click('#spread');
    await shot('2-spreads');
    await page.click('#spread');
    await page.keyboard.press('0');

    const brief = server.session.briefs[0]!.slug;
    const file = path.join(ms, 'briefs', brief, 'brief.md');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace(/^date: .*$/m, 'date: May 12th'));
    await page.waitForSelector('#overlay:not([hidden])', { timeout: 60_000 });
    await shot('3-error-overlay');
    writeFileSync(file, good);
    await page.waitForSelector('#overlay[hidden]', { timeout: 60_000 });

    await page.click('#tab-web');
    await shot('4-web');
    await page.click('#tab-epub');
    await page.waitForSelector('#epub-book iframe', { timeout: 30_000 });
    await new Promise((r) => setTimeout(r, 1000));
    await page.click('#epub-next');
    await shot('5-epub');
  } finally {
    await viewer.close();
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
