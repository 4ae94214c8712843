/**
 * The one place that launches Chromium. One browser per build, a small pool of pages shared by every
 * PDF and preview; never one launch per document (FACTS.md: launch costs 1-2 s).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { EnvironmentError } from '../util/diagnostics.js';
import { findChromium } from './find.js';

export interface BrowserPool {
  /** Run `fn` with a page from the pool (at most `size` at once); the page is reset afterwards. */
  withPage<T>(fn: (page: Page) => Promise<T>): Promise<T>;
  /**
   * Like withPage, for work that needs the page drawn (screenshots): the page is brought to the
   * front, one at a time. A background tab gets no frames, and a screenshot in it never ends.
   */
  withVisiblePage<T>(fn: (page: Page) => Promise<T>): Promise<T>;
  /** Run `fn` with `page` (pooled or not) brought to the front, one such call at a time. */
  inFront<T>(page: Page, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly browser: Browser;
}

/** Flags that keep Chromium off the network and working as root (FACTS.md). */
export const chromiumArgs = [
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-dev-shm-usage',
  '--font-render-hinting=none',
];

export async function launchPool(size = 2): Promise<BrowserPool> {
  const executablePath = findChromium();
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'briefpress-chromium-'));
  const args = [...chromiumArgs];
  if (process.getuid?.() === 0 || process.env.BRIEFPRESS_NO_SANDBOX) args.push('--no-sandbox');
  let browser: Browser;
  try {
    browser = await puppeteer.launch({ executablePath, args, userDataDir, headless: true, timeout: 60_000, protocolTimeout: 120_000 });
  } catch (e) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw new EnvironmentError(`Chromium (${executablePath}) did not start: ${(e as Error).message.split('\n')[0]}`, 'Check that it runs: `' + executablePath + ' --headless --no-sandbox --dump-dom about:blank`.');
  }
  // Puppeteer's own SIGINT handler exits the process: remove the profile folder on any exit.
  const removeProfile = () => rmSync(userDataDir, { recursive: true, force: true });
  process.once('exit', removeProfile);
  const idle: Page[] = [];
  let front: Promise<unknown> = Promise.resolve();
  let open = 0;
  const waiters: ((p: Page) => void)[] = [];
  const acquire = async (): Promise<Page> => {
    const p = idle.pop();
    if (p) return p;
    if (open < size) {
      open++;
      return browser.newPage();
    }
    return new Promise((resolve) => waiters.push(resolve));
  };
  const release = (p: Page) => {
    const w = waiters.shift();
    if (w) w(p);
    else idle.push(p);
  };
  async function withPage<T>(fn: (page: Page) => Promise<T>): Promise<T> {
    const page = await acquire();
    let healthy = true;
    try {
      return await fn(page);
    } catch (e) {
      healthy = false;
      throw e;
    } finally {
      if (healthy) {
        page.removeAllListeners('request');
        release(page);
      } else {
        // A page that failed mid-way may hold interception state: replace it.
        await page.close().catch(() => {});
        release(await browser.newPage());
      }
    }
  }

  function inFront<T>(page: Page, fn: () => Promise<T>): Promise<T> {
    const run = front.then(async () => {
      await page.bringToFront();
      return fn();
    });
    front = run.catch(() => undefined);
    return run;
  }

  return {
    browser,
    withPage,
    inFront,
    withVisiblePage(fn) {
      return withPage((page) => inFront(page, () => fn(page)));
    },
    async close() {
      await browser.close().catch(() => {});
      process.removeListener('exit', removeProfile);
      removeProfile();
    },
  };
}

