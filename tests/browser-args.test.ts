/**
 * src/browser/args.ts writes out Puppeteer's default Chromium arguments (so Chromium can be spawned
 * before Puppeteer loads): they must stay what puppeteer.defaultArgs() gives, or the PDFs could change.
 */
import { readdirSync } from 'node:fs';
import puppeteer from 'puppeteer-core';
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { defaultLaunchArgs } from '../src/browser/args.js';
import { chromiumArgs, launchPool, openPage } from '../src/browser/pool.js';
import { cmdline, descendants } from './helpers/faults.js';

describe('Chromium launch arguments', () => {
  const cases: [string, string[], NodeJS.ProcessEnv][] = [
    ['/tmp/briefpress-chromium-x', [...chromiumArgs], {}],
    ['/tmp/briefpress-chromium-x', [...chromiumArgs, '--no-sandbox'], {}],
    ['/tmp/p', [], {}],
    ['/tmp/p', ['about:blank'], {}],
  ];
  it.each(cases)('are puppeteer.defaultArgs() for %s %j', (dir, extra) => {
    expect(defaultLaunchArgs(dir, extra, {})).toEqual(puppeteer.defaultArgs({ headless: true, userDataDir: dir, args: [...extra] }));
  });
  it('follow the environment Puppeteer reads', () => {
    const saved = { ...process.env };
    try {
      for (const env of [{ PUPPETEER_DANGEROUS_NO_SANDBOX: 'true' }, { PUPPETEER_TEST_EXPERIMENTAL_CHROME_FEATURES: 'true' }]) {
        Object.assign(process.env, env);
        expect(defaultLaunchArgs('/tmp/p', [...chromiumArgs], env)).toEqual(puppeteer.defaultArgs({ headless: true, userDataDir: '/tmp/p', args: [...chromiumArgs] }));
        for (const k of Object.keys(env)) delete process.env[k];
      }
    } finally {
      process.env = saved;
    }
  });
});

describe('the browser a build starts', () => {
  it('uses the tab it opens as it starts for the first page asked for: no renderer is started to be closed unused', async () => {
    // Every renderer seen from the launch on (before, the first tab was closed at once, and each page
    // a build asked for started a renderer of its own: ~60 MB and ~0.1 s of CPU for nothing).
    const seen = new Set<number>();
    const look = () => {
      for (const pid of descendants(process.pid)) if (cmdline(pid).includes('--type=renderer')) seen.add(pid);
    };
    const sampler = setInterval(look, 5);
    const pool = await launchPool(1);
    try {
      const first = await openPage(pool.browser);
      await first.setRequestInterception(true);
      first.on('request', (r) => void (r.url().startsWith('https://briefpress.invalid/') ? r.respond({ status: 200, contentType: 'text/html', body: '<p>x</p>' }) : r.continue()));
      // A navigation to another site, as the printer's: it stays in the first tab's renderer.
      await first.goto('https://briefpress.invalid/x/index.html');
      await new Promise((r) => setTimeout(r, 300));
      look();
      expect(seen.size).toBe(1);
      expect(await pool.browser.pages()).toEqual([first]);
      const second = await openPage(pool.browser);
      await second.setContent('<p>y</p>');
      look();
      expect(second).not.toBe(first);
      expect(seen.size).toBe(2);
      await second.close();
    } finally {
      clearInterval(sampler);
      await pool.close();
    }
  });
});

describe('pages kept for many uses', () => {
  it('are tidied between uses: the garbage a use left in the renderer is collected before the next', async () => {
    const heapOf = async (page: Page) => {
      const cdp = await page.createCDPSession();
      const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
      await cdp.detach();
      return usedSize;
    };
    // The renderer may collect the garbage by itself, before it is measured (seen once in 8 runs of
    // the whole suite on a loaded machine): then that try shows nothing, and a fresh browser tries again.
    let left = 0;
    let after = 0;
    for (let attempt = 0; attempt < 4 && left <= 20 * 2 ** 20; attempt++) {
      const pool = await launchPool(1);
      try {
        // The cover page is tidied after every 4th use (src/browser/pool.ts, tidyEvery): the 4th leaves garbage.
        const covers = pool.lender('cover', openPage, (p) => p.close(), 1, (p) => p);
        for (let i = 0; i < 3; i++) await covers.use((page) => page.evaluate(() => 1));
        await covers.use(async (page) => {
          // ~30 MB that lives long enough to reach V8's old generation, then is garbage.
          await page.evaluate(() => {
            (window as unknown as { junk?: unknown[] }).junk = Array.from({ length: 300_000 }, (_, i) => ({ i, s: `text ${i}`, a: [i, i + 1] }));
          });
          // Young garbage made meanwhile moves it to the old generation, then it is let go.
          await page.evaluate(() => {
            let n = 0;
            for (let i = 0; i < 2_000_000; i++) n += [i].length;
            (window as unknown as { junk?: unknown[] }).junk = undefined;
            return n;
          });
          left = await heapOf(page);
        });
        after = await covers.use((page) => heapOf(page));
      } finally {
        await pool.close();
      }
    }
    expect(left).toBeGreaterThan(20 * 2 ** 20);
    expect(after).toBeLessThan(left / 3);
  });

  it('keeps its profile in memory: nothing is written into the profile folder (--incognito)', async () => {
    const pool = await launchPool(1);
    try {
      const browserPid = descendants(process.pid).find((pid) => /--user-data-dir=/.test(cmdline(pid).join(' ')) && !cmdline(pid).some((a) => a.startsWith('--type=')));
      expect(browserPid).toBeDefined();
      const profile = /--user-data-dir=([^,\s]+)/.exec(cmdline(browserPid!).join(' '))![1]!;
      // Pages used as a build uses them: one with a site's address (a printer's), one set with content
      // and a script (a cover page's), a print; then the storage a page could ask for.
      const page = await openPage(pool.browser);
      await page.setRequestInterception(true);
      page.on('request', (r) => void (r.url().startsWith('https://briefpress.invalid/') ? r.respond({ status: 200, contentType: 'text/html', body: '<p>x</p>' }) : r.continue()));
      await page.goto('https://briefpress.invalid/x/index.html');
      await page.evaluate(() => {
        localStorage.setItem('k', 'v');
        document.cookie = 'c=1';
      });
      await page.pdf();
      const other = await openPage(pool.browser);
      await other.setContent('<canvas></canvas>');
      await other.evaluate(() => document.querySelector('canvas')!.toDataURL('image/png'));
      await new Promise((r) => setTimeout(r, 500));
      expect(readdirSync(profile, { recursive: true })).toEqual([]);
    } finally {
      await pool.close();
    }
  });
});
