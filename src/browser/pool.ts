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
   * The pool's lender of pages of one kind (say, printers set up once for printing): at most
   * `limit` of them (default: the pool's size), opened on demand by `open`, kept between uses.
   */
  lender<T>(kind: string, open: (browser: Browser) => Promise<T>, close: (item: T) => Promise<void>, limit?: number): Lender<T>;
  close(): Promise<void>;
  readonly browser: Browser;
  /** Pages at work at once (`--jobs`). */
  readonly size: number;
}

/**
 * At most `size` items (pages, or pages wrapped in their set-up), opened on demand and lent one
 * user at a time. An item whose user threw is closed and replaced: it may be left half set up.
 */
export class Lender<T> {
  private idle: T[] = [];
  private opened = 0;
  private waiters: { resolve: (item: T) => void; reject: (e: unknown) => void }[] = [];

  constructor(
    readonly size: number,
    private readonly open: () => Promise<T>,
    private readonly dispose: (item: T) => Promise<void>,
  ) {}

  async use<R>(fn: (item: T) => Promise<R>): Promise<R> {
    const item = await this.acquire();
    let healthy = false;
    try {
      const r = await fn(item);
      healthy = true;
      return r;
    } finally {
      if (healthy) this.release(item);
      else {
        this.opened--;
        await this.dispose(item).catch(() => {});
        // Someone may be waiting for this slot: open a fresh item for them.
        const w = this.waiters.shift();
        if (w) this.acquire().then(w.resolve, w.reject);
      }
    }
  }

  private async acquire(): Promise<T> {
    const item = this.idle.pop();
    if (item !== undefined) return item;
    if (this.opened < this.size) {
      this.opened++;
      try {
        return await this.open();
      } catch (e) {
        this.opened--;
        throw e;
      }
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private release(item: T): void {
    const w = this.waiters.shift();
    if (w) w.resolve(item);
    else this.idle.push(item);
  }
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
    browser = await puppeteer.launch({ executablePath, args, userDataDir, headless: true, pipe: true, timeout: 60_000, protocolTimeout: 120_000 });
  } catch (e) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw new EnvironmentError(`Chromium (${executablePath}) did not start: ${(e as Error).message.split('\n')[0]}`, 'Check that it runs: `' + executablePath + ' --headless --no-sandbox --dump-dom about:blank`.');
  }
  // Puppeteer's own SIGINT handler exits the process: remove the profile folder on any exit.
  const removeProfile = () => rmSync(userDataDir, { recursive: true, force: true });
  process.once('exit', removeProfile);
  const plain = new Lender<Page>(size, () => browser.newPage(), (p) => p.close());
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const lenders = new Map<string, Lender<any>>();

  function withPage<T>(fn: (page: Page) => Promise<T>): Promise<T> {
    return plain.use(async (page) => {
      try {
        return await fn(page);
      } finally {
        page.removeAllListeners('request');
      }
    });
  }

  return {
    browser,
    size,
    withPage,
    lender<T>(kind: string, open: (browser: Browser) => Promise<T>, close: (item: T) => Promise<void>, limit = size): Lender<T> {
      let l = lenders.get(kind) as Lender<T> | undefined;
      if (!l) lenders.set(kind, (l = new Lender<T>(limit, () => open(browser), close)));
      return l;
    },
    async close() {
      await browser.close().catch(() => {});
      process.removeListener('exit', removeProfile);
      removeProfile();
    },
  };
}

