/**
 * The one place that launches Chromium. One browser per build, a small pool of pages shared by every
 * PDF and preview; never one launch per document (FACTS.md: launch costs 1-2 s).
 *
 * Faults are ours to handle, fast:
 * - We start Chromium ourselves (Puppeteer's default arguments, a DevTools pipe) and connect
 *   Puppeteer to it: no signal handlers of Puppeteer's (the CLI owns SIGINT/SIGTERM/SIGHUP), the
 *   process is ours to kill (its whole process group), and a pipe that carries anything but
 *   DevTools messages is an error naming the executable, not a crash of Node.
 * - Every use of a page races its work against the page's renderer crashing, the browser quitting
 *   or hanging, and a time budget proportionate to the work: a crashed renderer fails only the work
 *   it was doing (the page is replaced), within a second, not after a two-minute protocol timeout.
 * - A browser that quits is started again once (the work it was doing is done again on the new
 *   one); if it quits again, or stops answering (a watchdog asks it every few seconds while work is
 *   in progress), it is gone for good: every use fails with `BrowserGone`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, CDPSession, ConnectionTransport, Page } from 'puppeteer-core';
import { defaultLaunchArgs } from './args.js';
import { bodyParts, streamingConnections } from './respond.js';
import { EnvironmentError } from '../util/diagnostics.js';
import { BrowserFault, BrowserGone } from '../util/faults.js';
import { findChromium } from './find.js';
import { traced } from '../util/trace.js';

/**
 * How long Chromium may take to start and answer its first message: 60 s. A warm start takes
 * 0.2-0.7 s, but the first start on a fresh machine (its binary and data read from a cold disk) can
 * take 20 s (seen here with the page cache dropped). BRIEFPRESS_LAUNCH_TIMEOUT (seconds) sets another budget (the tests use 3).
 */
export const launchTimeoutMs = Math.max(1, Number(process.env.BRIEFPRESS_LAUNCH_TIMEOUT) || 60) * 1000;
/** A browser that has not answered a ping for this long (while work is in progress) has stopped. */
export const hangTimeoutMs = 8_000;
const pingEveryMs = 2_000;
/** Opening (and setting up) a page. */
const openTimeoutMs = 45_000;
/** Closing a page or the browser before it is killed. */
const closeTimeoutMs = 5_000;
/** The budget of a use that names none. */
export const defaultUseTimeoutMs = 60_000;

export interface UseOptions {
  /** What the work is, for messages: `printing kerry-in-russia`. */
  what?: string;
  /** Time budget of the work (ms); default 60 s. */
  timeoutMs?: number;
}

export interface BrowserPool {
  /** Run `fn` with a page from the pool (at most `size` at once); the page is reset afterwards. */
  withPage<T>(fn: (page: Page) => Promise<T>, opts?: UseOptions): Promise<T>;
  /**
   * The pool's lender of pages of one kind (say, printers set up once for printing): at most
   * `limit` of them (default: the pool's size), opened on demand by `open`, kept between uses.
   * `pageOf` names an item's page, so that a crash of its renderer fails its use at once.
   */
  lender<T>(kind: string, open: (browser: Browser) => Promise<T>, close: (item: T) => Promise<void>, limit?: number, pageOf?: (item: T) => Page): Lender<T>;
  /**
   * Resolves once no page of `kind` (a kind used once: see `PoolOptions.useOnce`) is open or being
   * closed: at once if there is none, or if pages of that kind are kept between uses.
   */
  closedOnce?(kind: string): Promise<void>;
  close(): Promise<void>;
  /** The browser now (after a restart, the new one). */
  readonly browser: Browser;
  /** Pages at work at once (`--jobs`). */
  readonly size: number;
  /** The browser's process id now. */
  readonly pid: number | undefined;
}

/** How a lender learns of faults: what makes a use fail early, and whether to do it again. */
export interface LenderHooks<T> {
  /** A promise that rejects when `item` can no longer do its work (its renderer crashed ...). */
  watch?(item: T, what: string): { failed: Promise<never>; stop(): void };
  /** Whether work that failed with `e` is worth doing once more on a fresh item (the browser was restarted). */
  retry?(e: unknown): boolean;
  /** Run before an item is opened (say, wait for a browser restart). */
  ready?(): Promise<void>;
  /** False for an idle item that can no longer work (its renderer crashed meanwhile): it is replaced. */
  alive?(item: T): boolean;
  /**
   * What an error of the work means: Puppeteer's "Target closed" may come a moment before the news
   * of what closed it (the renderer crashed, the browser quit): wait for that news.
   */
  explain?(e: unknown, failed: Promise<never> | undefined, what: string): Promise<unknown>;
  /**
   * Let go of what an item kept from its last uses (collect its renderer's garbage), between two
   * uses: every `tidyEvery` uses (see Lender). An item whose tidying fails is closed and replaced.
   */
  tidy?(item: T): Promise<void>;
}

/**
 * At most `size` items (pages, or pages wrapped in their set-up), opened on demand and lent one
 * user at a time. An item whose user threw is closed and replaced: it may be left half set up.
 */
export class Lender<T> {
  private idle: T[] = [];
  private opened = 0;
  private waiters: { resolve: (item: T) => void; reject: (e: unknown) => void }[] = [];
  /** Uses since each item was opened (for `recycleAfter`). */
  private uses = new Map<T, number>();
  /** Items being opened by warm(): a use waits for one of them rather than open another. */
  private warming = 0;

  constructor(
    readonly size: number,
    private readonly open: () => Promise<T>,
    private readonly dispose: (item: T) => Promise<void>,
    private readonly hooks: LenderHooks<T> = {},
    /** Close an item after this many uses and open a fresh one (what a page holds on to goes with it). */
    private readonly recycleAfter = Infinity,
    /** Tidy an item (`hooks.tidy`) after every this many uses, before its next (not one about to be recycled). */
    private readonly tidyEvery = Infinity,
  ) {}

  async use<R>(fn: (item: T) => Promise<R>, opts: UseOptions = {}, retried = false): Promise<R> {
    const what = opts.what ?? 'working';
    let item: T;
    try {
      item = await this.acquire();
    } catch (e) {
      const failure = this.hooks.explain ? await this.hooks.explain(e, undefined, what) : e;
      if (!retried && this.hooks.retry?.(failure)) return this.use(fn, opts, true);
      throw failure;
    }
    const watch = this.hooks.watch?.(item, what);
    let timer: NodeJS.Timeout | undefined;
    const budget = opts.timeoutMs ?? defaultUseTimeoutMs;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new BrowserFault(`Chromium took more than ${Math.round(budget / 1000)} s ${what}`, 'A page this slow is stuck: build again; if it happens again, report it with the brief.')), budget);
    });
    const work = fn(item);
    work.catch(() => {}); // when a fault wins the race, the work's own failure comes later: no one waits for it
    let failure: unknown;
    try {
      const r = await Promise.race(watch ? [work, watch.failed, timeout] : [work, timeout]);
      this.release(item);
      return r;
    } catch (e) {
      failure = this.hooks.explain ? await this.hooks.explain(e, watch?.failed, what) : e;
    } finally {
      clearTimeout(timer);
      watch?.stop();
    }
    await this.discard(item);
    if (!retried && this.hooks.retry?.(failure)) return this.use(fn, opts, true);
    throw failure;
  }

  /**
   * Open one item ahead of its first use, if none is idle and there is room: Chromium sets up the
   * page (its renderer process, the page's set-up calls) while Node still reads and renders the
   * brief. Not a use (an item closed after one use serves its use). A failure is forgotten: the
   * use opens another and reports its own. Nothing to do once an item is open or opening: a use
   * that came first opens its own (a build of one brief opened a second printer that way, and its
   * renderer, never used).
   */
  warm(): void {
    if (this.opened > 0 || this.warming > 0) return;
    this.opened++;
    this.warming++;
    void (async () => {
      await this.hooks.ready?.();
      return this.open();
    })().then(
      (fresh) => {
        this.warming--;
        this.uses.set(fresh, 0);
        const w = this.waiters.shift();
        if (w) w.resolve(fresh);
        else this.idle.push(fresh);
      },
      () => {
        this.warming--;
        this.opened--;
        const w = this.waiters.shift();
        if (w) this.acquire().then(w.resolve, w.reject);
      },
    );
  }

  /** Forget the idle items (their browser is gone): the next uses open fresh ones. */
  reset(): void {
    const idle = this.idle;
    this.idle = [];
    for (const item of idle) void this.discard(item);
  }

  private async discard(item: T): Promise<void> {
    if (!this.uses.delete(item)) return;
    this.opened--;
    this.disposing++;
    await traced('page.close', () => withTimeout(this.dispose(item), closeTimeoutMs)).catch(() => {});
    this.disposing--;
    // Someone may be waiting for this slot: open a fresh item for them.
    const w = this.waiters.shift();
    if (w) this.acquire().then(w.resolve, w.reject);
    this.checkEmpty();
  }

  /** Items being closed. */
  private disposing = 0;
  private emptied: (() => void)[] = [];

  /** Resolves once no item is open, opening or closing (at once if none is). */
  empty(): Promise<void> {
    if (this.opened === 0 && this.disposing === 0) return Promise.resolve();
    return new Promise((resolve) => this.emptied.push(resolve));
  }

  private checkEmpty(): void {
    if (this.opened !== 0 || this.disposing !== 0) return;
    const waiting = this.emptied;
    this.emptied = [];
    for (const resolve of waiting) resolve();
  }

  private async acquire(): Promise<T> {
    let item: T | undefined;
    while ((item = this.idle.pop()) !== undefined) {
      if (this.hooks.alive?.(item) ?? true) return item;
      void this.discard(item);
    }
    if (this.opened < this.size && this.warming === 0) {
      this.opened++;
      try {
        await this.hooks.ready?.();
        const fresh = await this.open();
        this.uses.set(fresh, 0);
        return fresh;
      } catch (e) {
        this.opened--;
        // A waiter may be next in line for this slot: let it try.
        const w = this.waiters.shift();
        if (w) this.acquire().then(w.resolve, w.reject);
        this.checkEmpty();
        throw e;
      }
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private release(item: T): void {
    const n = (this.uses.get(item) ?? 0) + 1;
    this.uses.set(item, n);
    if (n >= this.recycleAfter) {
      void this.discard(item);
      return;
    }
    const tidy = this.hooks.tidy;
    if (tidy && n % this.tidyEvery === 0) {
      // The next use waits for it (a renderer runs one task at a time anyway).
      void withTimeout(tidy(item), closeTimeoutMs).then(
        () => this.handOver(item),
        () => this.discard(item),
      );
      return;
    }
    this.handOver(item);
  }

  /** `item` to the first use waiting, else to the idle ones. */
  private handOver(item: T): void {
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
  // Nothing here draws on a GPU (PDFs, canvases in software): its process is a thread of the
  // browser's instead, ~30 MB less at a build's peak (the same bytes out).
  '--in-process-gpu',
  // Nor does anything need the GPU's software stand-in (SwiftShader): without it the browser does
  // not start SwiftShader's Vulkan in that thread. Its own memory 20.8 -> 7.8 MiB; the peak of the
  // whole build 294 -> 277 MiB for the sample (6 builds each, in turn, every one lower), 374 -> 359
  // for the 41k-word report, 456 -> 438 for 20 briefs; the time the same (the sample 1.04x in 12
  // pairs, the report 1.01x in 4, 20 briefs 0.92x in 4); every output byte for byte the same (the
  // sample, the report, 20 briefs, the northbridge theme). Canvases and PDFs are drawn by Skia
  // in software either way.
  '--disable-software-rasterizer',
  // Nothing is fetched from the network either (every request is answered by us or refused): the
  // network service is a thread of the browser's too, not a process of its own (~10 MB less).
  '--enable-features=NetworkServiceInProcess2',
  // With both in the browser, nothing is left for the zygote of unsandboxed helper processes: it is
  // not started (renderers come from the other zygote as before; ~9 MB less).
  '--no-unsandboxed-zygote',
  // Its profile in memory only: nothing is written into the profile folder (75 files and folders
  // before: cookie and storage databases, GPU shader caches ...), the browser process starts with
  // less work (its CPU 265 -> 210 ms, median of 4 builds of the sample) and the folder is removed
  // in no time at the end. The same bytes out.
  '--incognito',
];

export interface PoolOptions {
  /** Things worth telling the user that are not failures (the browser was restarted). */
  onNote?: (message: string) => void;
  /**
   * Pages of these kinds (`printer`, `cover`) are closed after each use instead of kept: a build of
   * one brief uses each once, and a renderer kept idle to the end holds 40-60 MB.
   */
  useOnce?: readonly string[];
}

/** A Chromium we started: its process (leader of its own process group), profile and connection. */
interface Chromium {
  browser: Browser;
  proc: ChildProcess;
  userDataDir: string;
  /** Resolves with the reason once it has quit or lost its connection. */
  died: Promise<string>;
  exited: Promise<void>;
}

function hintFor(executablePath: string): string {
  return `Check that it runs: \`${executablePath} --headless --no-sandbox --dump-dom about:blank\`, or point PUPPETEER_EXECUTABLE_PATH at another Chromium.`;
}

/** Kill a Chromium's whole process group (it leads its own: renderers and helpers go with it). */
function killGroup(proc: ChildProcess): void {
  // Once it has exited its id (and group) may be another's: what it left dies with its pipes.
  if (proc.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
  try {
    process.kill(-proc.pid, 'SIGKILL');
  } catch {
    try {
      proc.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Index of the first byte from `from` that is not JSON white space, or -1. */
function firstNonSpace(b: Buffer, from: number): number {
  for (let i = from; i < b.length; i++) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
  }
  return -1;
}

/** The DevTools pipe (fd 3 to Chromium, fd 4 from it): NUL-separated JSON, checked before Puppeteer sees it. */
class CheckedPipe implements ConnectionTransport {
  onmessage?: (message: string) => void;
  onclose?: () => void;
  /** The bytes of the message in progress. */
  private pending: Buffer[] = [];
  /** Whether the message in progress has shown its first byte (checked: `{`). */
  private begun = false;
  private closed = false;

  constructor(
    private readonly write: NodeJS.WritableStream,
    read: NodeJS.ReadableStream,
    private readonly onJunk: (sample: string) => void,
  ) {
    read.on('data', (b: Buffer) => this.dispatch(b));
    read.on('close', () => this.shut());
    read.on('error', () => this.shut());
    write.on('error', () => this.shut());
  }

  send(message: string): void {
    if (this.closed) return;
    const parts = bodyParts(message);
    if (parts) for (const part of parts) this.write.write(part);
    else this.write.write(message);
    this.write.write('\0');
  }

  /**
   * Linear in the bytes received: a message (say, 70 page previews as base64: ~9 MB) arrives in
   * 64 kB reads, so the bytes of a message are joined once, at its end, and each read is searched
   * for the end once (joining and searching everything pending on every read was quadratic).
   */
  private dispatch(buffer: Buffer): void {
    if (this.closed) return;
    let start = 0;
    for (;;) {
      // Every message is a JSON object: anything else at the start is not DevTools talking.
      if (!this.begun) {
        const first = firstNonSpace(buffer, start);
        if (first === -1) break;
        if (buffer[first] !== 0x7b) return this.junk(Buffer.concat([...this.pending, buffer.subarray(start)]));
        this.begun = true;
      }
      const end = buffer.indexOf(0, start);
      if (end === -1) break;
      const bytes = this.pending.length ? Buffer.concat([...this.pending, buffer.subarray(start, end)]) : buffer.subarray(start, end);
      this.pending = [];
      this.begun = false;
      start = end + 1;
      const message = bytes.toString('utf8');
      try {
        JSON.parse(message);
      } catch {
        return this.junk(Buffer.from(message));
      }
      setImmediate(() => this.onmessage?.(message));
    }
    if (start < buffer.length) this.pending.push(buffer.subarray(start));
  }

  private junk(bytes: Buffer): void {
    this.onJunk(bytes.subarray(0, 60).toString('utf8').replace(/[^\x20-\x7e]/g, '?'));
    this.shut();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private shut(): void {
    if (this.closed) return;
    this.closed = true;
    setImmediate(() => this.onclose?.());
  }

  close(): void {
    this.closed = true;
  }
}

/** Each browser's first tab (Chromium opens it as it starts) until a use takes it (openPage). */
const initialPages = new WeakMap<Browser, Promise<Page | undefined>>();

/**
 * A page for a new use: the tab Chromium opened as it started, the first time, else a new one.
 * Measured on the sample: a printer opened in the first tab starts printing ~0.1 s sooner (no page
 * to create while Chromium starts the cover's renderer), and the build starts one renderer fewer
 * (the first tab's was closed unused: ~60 MB for ~0.3 s and ~0.1 s of CPU).
 */
export async function openPage(browser: Browser): Promise<Page> {
  const initial = initialPages.get(browser);
  if (initial) {
    initialPages.delete(browser);
    const page = await initial;
    if (page && !page.isClosed()) return page;
  }
  return browser.newPage();
}

/**
 * Puppeteer's environment-neutral entry: the driver without its Node launchers and browser downloader
 * (@puppeteer/browsers, yargs, proxy agents ...), which a Chromium we spawn ourselves does not need:
 * ~0.15 s less CPU to load. Connecting over our own pipe transport needs nothing else.
 */
let puppeteerLoaded: Promise<typeof import('puppeteer-core/internal/puppeteer-core-browser.js').default> | undefined;
function loadPuppeteer() {
  return (puppeteerLoaded ??= import('puppeteer-core/internal/puppeteer-core-browser.js').then((m) => m.default));
}

/** Start Chromium with a DevTools pipe and connect Puppeteer to it; fail within `launchTimeoutMs`, naming the executable. */
async function startChromium(executablePath: string): Promise<Chromium> {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'briefpress-chromium-'));
  const extra = [...chromiumArgs];
  if (process.getuid?.() === 0 || process.env.BRIEFPRESS_NO_SANDBOX) extra.push('--no-sandbox');
  // What puppeteer.launch({ headless: true, pipe: true }) would run (src/browser/args.ts): spawned
  // before Puppeteer is loaded, which then loads while Chromium starts.
  const args = [...defaultLaunchArgs(userDataDir, extra), '--remote-debugging-pipe'];
  const stderr: string[] = [];
  let proc: ChildProcess;
  try {
    // Its own process group: a Ctrl-C in the terminal reaches us, not it, and we can kill it whole.
    proc = spawn(executablePath, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], detached: true, env: process.env });
  } catch (e) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw new EnvironmentError(`Chromium (${executablePath}) did not start: ${(e as Error).message}`, hintFor(executablePath));
  }
  proc.stderr!.on('data', (b: Buffer) => {
    stderr.push(...b.toString('utf8').split('\n').filter(Boolean));
    if (stderr.length > 20) stderr.splice(0, stderr.length - 20);
  });
  const exited = new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve();
    proc.once('exit', () => resolve());
    proc.once('error', () => resolve());
  });
  let junk: ((sample: string) => void) | undefined;
  const junked = new Promise<never>((_, reject) => {
    junk = (sample) => reject(new EnvironmentError(`Chromium (${executablePath}) did not speak the DevTools protocol on its pipe: it wrote \`${sample}\``, hintFor(executablePath)));
  });
  const transport = new CheckedPipe(proc.stdio[3] as NodeJS.WritableStream, proc.stdio[4] as NodeJS.ReadableStream, (s) => junk!(s));
  const quit = new Promise<never>((_, reject) => {
    proc.once('error', (e) => reject(new EnvironmentError(`Chromium (${executablePath}) did not start: ${e.message}`, hintFor(executablePath))));
    proc.once('exit', (code, signal) => {
      const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const last = stderr.filter((l) => !/^\s*$/.test(l)).slice(-3).join(' / ');
      reject(new EnvironmentError(`Chromium (${executablePath}) ${why} as it started${last ? `: ${last}` : ''}`, hintFor(executablePath)));
    });
  });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EnvironmentError(`Chromium (${executablePath}) did not answer within ${launchTimeoutMs / 1000} s of starting`, hintFor(executablePath))), launchTimeoutMs);
  });
  let browser: Browser;
  try {
    // A pipe already shut (junk, or Chromium quit while Puppeteer loaded) is not connected to: a
    // connection over it would wait out its protocol timeout, keeping Node alive.
    // No viewport of Puppeteer's (its default is 800 x 600, set on every page by a DevTools call):
    // the headless shell's window is 800 x 600 already. One call less per page, the same pages,
    // PDFs, covers and previews byte for byte (the sample, the report, 20 briefs, northbridge);
    // the sample 0.97x and 0.98x (12 and 16 pairs, within the noise).
    const connecting = loadPuppeteer().then((puppeteer) => transport.isClosed ? Promise.reject(new Error('the DevTools pipe closed')) : puppeteer.connect({ transport, defaultViewport: null, protocolTimeout: 300_000 }) as unknown as Promise<Browser>);
    connecting.catch(() => {});
    browser = await Promise.race([connecting, junked, quit, late]);
  } catch (e) {
    let error = e;
    if (!(e instanceof EnvironmentError)) {
      // The pipe closed first (the process is exiting): its exit status says more.
      error = await withTimeout(quit, 1000).catch((q: unknown) =>
        q instanceof EnvironmentError ? q : new EnvironmentError(`Chromium (${executablePath}) did not start: ${(e as Error).message.split('\n')[0]}`, hintFor(executablePath)),
      );
    }
    killGroup(proc);
    await withTimeout(exited, closeTimeoutMs).catch(() => {});
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  } finally {
    clearTimeout(timer);
  }
  junked.catch(() => {});
  quit.catch(() => {});
  // Its messages go through our pipe, which writes large response bodies itself (./respond.ts).
  const connection = (browser as unknown as { _connection?: object })._connection;
  if (connection) streamingConnections.add(connection);
  // The tab Chromium opens as it starts (`about:blank`) is the first page asked for (openPage): its
  // renderer starts with the browser, and the page's first navigation stays in it. Any other is closed.
  initialPages.set(
    browser,
    browser.pages().then(
      (pages) => {
        for (const extra of pages.slice(1)) void extra.close().catch(() => undefined);
        return pages[0];
      },
      () => undefined,
    ),
  );
  const died = new Promise<string>((resolve) => {
    proc.once('exit', (code, signal) => resolve(signal ? `it was killed by ${signal}` : `it exited with code ${code}`));
    // The pipe closes before the exit is known: give the exit a moment to tell how it ended.
    browser.once('disconnected', () => setTimeout(() => resolve('its DevTools connection closed'), 1000).unref());
  });
  return { browser, proc, userDataDir, died, exited };
}

export async function launchPool(size = 2, options: PoolOptions = {}): Promise<BrowserPool> {
  const executablePath = findChromium();
  let current = await startChromium(executablePath);
  /** Profile folders and processes to clean up if Node exits without closing the pool. */
  const started = new Set<Chromium>([current]);
  const cleanUp = () => {
    for (const c of started) {
      killGroup(c.proc);
      try {
        rmSync(c.userDataDir, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        // a helper process still writing: close() tries again
      }
    }
  };
  process.once('exit', cleanUp);

  let closing = false;
  let restarts = 0;
  let gone: BrowserGone | undefined;
  /** Resolves (to the new browser) once a restart after a death has finished. */
  let restarting: Promise<void> | undefined;
  let inFlight = 0;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const lenders = new Map<string, Lender<any>>();
  /** Rejects with the current browser's death; replaced on restart. */
  let death: { promise: Promise<never>; reject: (e: Error) => void; reason?: Error };
  /** The uses in progress, told of a death (see `watch`). */
  const deathListeners = new Set<(e: Error) => void>();
  const newDeath = () => {
    let reject!: (e: Error) => void;
    const promise = new Promise<never>((_, r) => (reject = r));
    const d: typeof death = { promise, reject };
    promise.catch((e: Error) => {
      d.reason = e;
      for (const listener of [...deathListeners]) listener(e);
    });
    death = d;
  };
  newDeath();

  /** A death of this browser (not one we caused): restart once, else gone for good. */
  const watchDeath = (c: Chromium) => {
    void c.died.then((reason) => {
      if (closing || c !== current) return;
      for (const l of lenders.values()) l.reset();
      if (gone) return death.reject(gone);
      if (restarts >= 1) {
        gone = new BrowserGone(`Chromium (${executablePath}) quit again (${reason}) after it was restarted once: the briefs left are not built`, 'Look for a cause outside briefpress (memory, another process killing it), then build again: finished briefs are kept.');
        return death.reject(gone);
      }
      restarts++;
      options.onNote?.(`Chromium quit unexpectedly (${reason}); starting it again`);
      const dead = death;
      restarting = startChromium(executablePath).then(
        (fresh) => {
          started.add(fresh);
          current = fresh;
          newDeath();
          watchDeath(fresh);
          restarting = undefined;
        },
        (e: Error) => {
          const again = e.message.startsWith(`Chromium (${executablePath}) `) ? `it ${e.message.slice(`Chromium (${executablePath}) `.length)}` : e.message;
          gone = new BrowserGone(
            `Chromium (${executablePath}) quit again (${again}) after it was restarted once: the briefs left are not built`,
            'Look for a cause outside briefpress (memory, another process killing it), then build again: finished briefs are kept.',
          );
          restarting = undefined;
        },
      );
      dead.reject(new Died(reason));
    });
  };
  watchDeath(current);

  // The watchdog: while work is in progress, the browser must answer a ping within hangTimeoutMs.
  let lastAnswer = Date.now();
  let lastTick = Date.now();
  let pinging = false;
  const watchdog = setInterval(() => {
    const now = Date.now();
    // Node itself starved (a machine far over-committed): the time it could not look is not held against the browser.
    if (now - lastTick > 2 * pingEveryMs) lastAnswer += now - lastTick - pingEveryMs;
    lastTick = now;
    if (closing || gone || restarting || inFlight === 0) {
      lastAnswer = now;
      return;
    }
    const c = current;
    if (Date.now() - lastAnswer > hangTimeoutMs) {
      gone = new BrowserGone(
        `Chromium (${executablePath}, process ${c.proc.pid}) stopped answering: no reply for ${hangTimeoutMs / 1000} s`,
        'Something stopped or starved it (a debugger, SIGSTOP, a machine out of memory): build again; finished briefs are kept.',
      );
      death.reject(gone);
      killGroup(c.proc);
      return;
    }
    if (pinging) return;
    pinging = true;
    c.browser
      .version()
      .then(
        () => (lastAnswer = Date.now()),
        () => {},
      )
      .finally(() => (pinging = false));
  }, pingEveryMs);
  watchdog.unref();

  const explain = async (e: unknown, failed: Promise<never> | undefined, what: string): Promise<unknown> => {
    if (e instanceof EnvironmentError) return e;
    const name = (e as Error)?.name ?? '';
    const message = (e as Error)?.message ?? '';
    const closed = name === 'TargetCloseError' || /Target closed|Session closed|Connection closed|Page crashed|detached|Execution context was destroyed|Cannot find context/i.test(message);
    // A command the renderer could not carry out (Page.printToPDF's "Printing failed" when its renderer
    // was killed a moment before): the browser's fault, not ours.
    const refused = name === 'ProtocolError' || /^Protocol error \(/.test(message);
    if (!closed && !refused) return e;
    // The news of what closed it comes within moments: the page's crash, or its browser's death.
    const news = failed ?? death.promise;
    let timer: NodeJS.Timeout | undefined;
    const later = new Promise<Error>((resolve) => {
      const reason = closed ? `Chromium closed the page while ${what}` : `Chromium failed while ${what} (${message.split('\n')[0]})`;
      timer = setTimeout(() => resolve(new BrowserFault(reason, 'Build again: only the briefs that failed are built.')), 3000);
    });
    const found = await Promise.race([news.catch((f: Error) => f), later]);
    clearTimeout(timer);
    return found;
  };

  const ready = async () => {
    if (restarting) await restarting;
    if (gone) throw gone;
    if (closing) throw new BrowserFault('the browser is closing');
  };

  /** Pages whose renderer crashed (while at work or idle). */
  const crashed = new WeakSet<Page>();
  function hooksFor<T>(pageOf?: (item: T) => Page): LenderHooks<T> {
    return {
      ready,
      explain,
      alive: (item) => {
        const page = pageOf?.(item);
        return !page || (!crashed.has(page) && !page.isClosed());
      },
      retry: (e) => e instanceof Died && !gone && !closing,
      tidy: pageOf ? (item) => traced('page.tidy', () => collectGarbage(pageOf(item))) : undefined,
      watch(item, what) {
        inFlight++;
        if (inFlight === 1) lastAnswer = Date.now();
        const page = pageOf?.(item);
        let reject!: (e: Error) => void;
        const failed = new Promise<never>((_, r) => (reject = r));
        failed.catch(() => {});
        const onCrash = () => reject(new BrowserFault(`Chromium's renderer crashed while ${what}`, 'Build again: only the briefs that failed are built. If it happens again, report it with the brief.'));
        // A page closed under us: its browser died (reported as such below), or something closed it.
        const onClose = () => setTimeout(() => reject(new BrowserFault(`Chromium closed the page while ${what}`)), 200);
        // on, not once: Puppeteer's once() wraps the handler, which off(handler) then does not remove
        // (each use left a listener on a page kept all build long, and the use's result with it).
        page?.on('error', onCrash);
        page?.on('close', onClose);
        // Not a reaction on death.promise (pending all build long: every use's result would be kept
        // through it, the covers' and previews' PNGs of a whole series): a listener dropped at stop().
        const onDeath = (e: Error) => reject(e instanceof Died ? new Died(e.reason, what) : e);
        if (death.reason) onDeath(death.reason);
        else deathListeners.add(onDeath);
        return {
          failed,
          stop() {
            deathListeners.delete(onDeath);
            inFlight--;
            page?.off('error', onCrash);
            page?.off('close', onClose);
          },
        };
      },
    };
  }

  const openGuarded = <T>(open: (browser: Browser) => Promise<T>, pageOf?: (item: T) => Page) => async () => {
    const c = current;
    const item = await withTimeout(Promise.race([open(c.browser), death.promise]), openTimeoutMs, () => new BrowserFault(`Chromium did not open a page within ${openTimeoutMs / 1000} s`));
    const page = pageOf?.(item);
    page?.once('error', () => crashed.add(page));
    return item;
  };

  const lender = <T>(kind: string, open: (browser: Browser) => Promise<T>, close: (item: T) => Promise<void>, limit = size, pageOf?: (item: T) => Page): Lender<T> => {
    let l = lenders.get(kind) as Lender<T> | undefined;
    if (!l) lenders.set(kind, (l = new Lender<T>(limit, openGuarded(open, pageOf), close, hooksFor(pageOf), options.useOnce?.includes(kind) ? 1 : recycleAfter(kind), tidyEvery(kind))));
    return l;
  };

  return {
    get browser() {
      return current.browser;
    },
    get pid() {
      return current.proc.pid;
    },
    size,
    withPage<T>(fn: (page: Page) => Promise<T>, opts?: UseOptions): Promise<T> {
      return lender<Page>('page', openPage, (p) => p.close(), size, (p) => p).use(async (page) => {
        try {
          return await fn(page);
        } finally {
          page.removeAllListeners('request');
        }
      }, opts);
    },
    lender,
    closedOnce(kind: string): Promise<void> {
      const l = lenders.get(kind);
      return l && options.useOnce?.includes(kind) ? l.empty() : Promise.resolve();
    },
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(watchdog);
      if (restarting) await restarting.catch(() => {});
      const c = current;
      death.reject(new BrowserFault('the browser was closed'));
      // At once, by force: the profile is a throwaway folder removed just below, so there is nothing for
      // Chromium to save, and a polite Browser.close (it writes its profile, then quits) costs 0.3-0.5 s
      // at the end of every build. Every piece of work is finished or dropped by now.
      if (c.proc.exitCode === null && c.proc.signalCode === null) killGroup(c.proc);
      await withTimeout(c.exited, closeTimeoutMs).catch(() => {});
      void c.browser.disconnect().catch(() => {});
      process.removeListener('exit', cleanUp);
      cleanUp();
      for (let i = 0; i < 10 && [...started].some((s) => existsSync(s.userDataDir)); i++) {
        await new Promise((r) => setTimeout(r, 100));
        cleanUp();
      }
    },
  };
}

/** The browser died under a piece of work (`what`): done again on the restarted browser, or reported. */
class Died extends BrowserFault {
  constructor(
    readonly reason: string,
    what?: string,
  ) {
    super(`Chromium quit${what ? ` while ${what}` : ''} (${reason})`, 'Build again: finished briefs are kept.');
  }
}

/**
 * Pages drawn in again and again keep some of what they drew (the cover page's decoded fonts and
 * images): a fresh one every so many uses keeps memory flat.
 * A printer's renderer grows by ~0.7 MB a print (40 -> 115 MB over 100 prints of the 200-brief
 * series, measured 2026-12-02): recycled every 30 prints (a fresh printer loads the page again
 * instead of swapping: ~100 ms, ~3 ms a brief).
 */
function recycleAfter(kind: string): number {
  const env = Number(process.env.BRIEFPRESS_RECYCLE_PAGES);
  if (Number.isInteger(env) && env > 0) return env;
  return kind === 'printer' ? 30 : kind === 'cover' ? 50 : Infinity;
}

/**
 * Pages kept for many uses are tidied between some of them: their renderer's garbage is collected
 * (V8's and Blink's heaps together), which its own collector leaves for later. The cover page draws
 * each cover from a new SVG image with its fonts inline, and grew ~1.7 MB a cover; a printer ~0.7 MB
 * a print. Peak memory of the whole build, 3 runs each (2026-12-02): the 200-brief series 571 MiB
 * (547-595) against 683 MiB (657-700) untidied, 20 briefs 467 against 511 MiB. A collection takes
 * ~20-40 ms of the renderer's CPU: every 4 covers and 8 prints held memory as low as every cover
 * and every 5 prints (575 MiB, 20 briefs 471).
 */
function tidyEvery(kind: string): number {
  const raw = process.env.BRIEFPRESS_TIDY_PAGES;
  if (raw !== undefined && raw !== '') {
    const env = Number(raw);
    if (Number.isInteger(env) && env >= 0) return env === 0 ? Infinity : env;
  }
  return kind === 'printer' ? 8 : kind === 'cover' ? 4 : Infinity;
}

/** One DevTools session per page for its tidying (opened on first use, gone with the page). */
const tidySessions = new WeakMap<Page, Promise<CDPSession>>();

/** A full garbage collection in `page`'s renderer (V8's heap and Blink's, which V8 traces together). */
export async function collectGarbage(page: Page): Promise<void> {
  let session = tidySessions.get(page);
  if (!session) {
    tidySessions.set(page, (session = page.createCDPSession()));
    session.catch(() => tidySessions.delete(page));
  }
  await (await session).send('HeapProfiler.collectGarbage');
}

function withTimeout<T>(p: Promise<T>, ms: number, error?: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(error?.() ?? new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
