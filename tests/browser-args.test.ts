/**
 * src/browser/args.ts writes out Puppeteer's default Chromium arguments (so Chromium can be spawned
 * before Puppeteer loads): they must stay what puppeteer.defaultArgs() gives, or the PDFs could change.
 */
import puppeteer from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { defaultLaunchArgs } from '../src/browser/args.js';
import { chromiumArgs, launchPool } from '../src/browser/pool.js';
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
  it('opens no tab of its own: no renderer runs until a page is asked for', async () => {
    // Every renderer seen from the launch on (Puppeteer's `about:blank` tab started one at once, which
    // was closed unused after ~0.3 s: measured ~60 MB and ~0.1 s of CPU).
    const seen = new Set<number>();
    const look = () => {
      for (const pid of descendants(process.pid)) if (cmdline(pid).includes('--type=renderer')) seen.add(pid);
    };
    const sampler = setInterval(look, 5);
    const pool = await launchPool(1);
    try {
      await new Promise((r) => setTimeout(r, 600));
      look();
      expect([...seen]).toEqual([]);
      expect((await pool.browser.pages()).length).toBe(0);
      const page = await pool.browser.newPage();
      await page.setContent('<p>x</p>');
      look();
      expect(seen.size).toBeGreaterThan(0); // the test sees renderers when there are some
      await page.close();
    } finally {
      clearInterval(sampler);
      await pool.close();
    }
  });
});
