/**
 * `briefpress preview`: a local server (127.0.0.1 only) showing a brief's print layout page by page
 * (drawn in the page by PDFium, the renderer the build's page previews use), its web edition and its
 * EPUB (one document of its spine at a time, from the zip: ./epub.ts), rebuilt on every save and
 * refreshed through server-sent events. The browser is launched once and kept warm; builds go to a
 * temporary folder.
 *
 * Routes: `/` (the viewer), `/ui/<file>` (its files), `/vendor/<file>` (PDFium's module and
 * WebAssembly from node_modules), `/out/<slug>/<file>` (the built editions), `/book/<slug>/spine.json`
 * and `/book/<slug>/<path in the EPUB>` (the EPUB's reading order and files), `/api/state`, `/api/events` (SSE),
 * `POST /api/open` (the brief on screen), `POST /api/drawn` (the viewer drew a version: timing).
 */
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { BrowserPool } from '../browser/pool.js';
import { findManuscript } from '../manuscript/find.js';
import { readSeries } from '../manuscript/series.js';
import { packageRoot } from '../theme/theme.js';
import { BriefpressError, EnvironmentError, formatDiagnostic, hasErrors } from '../util/diagnostics.js';
import { isInside } from '../util/paths.js';
import { editionCsp } from '../targets/csp.js';
import { openBook } from './epub.js';
import { contentType, resolveInside, uiFiles, vendorFiles } from './files.js';
import { openInBrowser } from './open.js';
import { PreviewSession, type Edition } from './session.js';
import { watchFolders, type Watcher } from './watch.js';

export interface PreviewOptions {
  /** Manuscript folder (series) or one brief's folder (opened first). Default `manuscript`. */
  input?: string;
  /** Port on 127.0.0.1; 0 picks a free one. Default 4173. */
  port?: number;
  /** Progress lines (builds, errors, timings). Default: none. */
  log?: (line: string) => void;
  /** Pages printing at once in the warm browser. Default 2. */
  jobs?: number;
  /** Quiet time after a save before rebuilding, ms. Default 30. */
  debounceMs?: number;
  /** Open the page in the desktop browser (when there is a desktop and not in CI). Default false. */
  open?: boolean;
}

export interface PreviewServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  port: number;
  /** The temporary folder the editions are built into (removed by close()). */
  outDir: string;
  session: PreviewSession;
  close(): Promise<void>;
}

const api = { host: '127.0.0.1' };

export async function preview(options: PreviewOptions = {}): Promise<PreviewServer> {
  const input = options.input ?? 'manuscript';
  const log = options.log ?? (() => {});
  const loc = findManuscript(input);
  // As in a build: a folder of briefs/ that is not a brief is reported, and the others are previewed.
  if (hasErrors(loc.diagnostics) && loc.briefDirs.length === 0) throw new BriefpressError(loc.diagnostics);
  for (const d of loc.diagnostics) log(formatDiagnostic(d));
  const root = path.resolve(loc.root);
  const first = path.resolve(input) === root ? undefined : path.basename(loc.briefDirs[0]!);

  const outDir = mkdtempSync(path.join(os.tmpdir(), 'briefpress-preview-'));
  // Ctrl-C ends the process from inside Puppeteer (it kills Chromium, then exits 130) before
  // close() can run: remove the temporary editions on the way out regardless.
  const removeOut = () => rmSync(outDir, { recursive: true, force: true });
  process.once('exit', removeOut);
  const { launchPool } = await import('../browser/pool.js');
  const launch = () => launchPool(options.jobs ?? 2);
  let pool: Promise<BrowserPool> = launch();
  pool.catch(() => {});
  const getPool = async () => {
    const p = await pool;
    // Chromium died (killed, crashed): start another rather than failing every later build.
    if (!p.browser.connected) {
      await p.close().catch(() => {});
      pool = launch();
    }
    return pool;
  };

  const clients = new Set<ServerResponse>();
  let port = 0;
  let series = seriesName(root);
  const state = () => ({ series, first, briefs: session.briefs });
  const broadcast = () => {
    const msg = `event: state\ndata: ${JSON.stringify(state())}\n\n`;
    for (const c of clients) c.write(msg);
  };
  const session = new PreviewSession({ root, outDir, pool: getPool, onUpdate: broadcast, log });
  if (!session.briefs.length) throw new BriefpressError(loc.diagnostics);
  session.open(first ?? session.briefs[0]!.slug);

  const watched = [root, ...themeDirs(root).filter((d) => !isInside(d, root))];
  const watcher: Watcher = watchFolders(
    watched,
    (batch) => {
      if (batch.files.includes(path.join(root, 'series.yaml'))) series = seriesName(root);
      session.changed(batch);
    },
    { debounceMs: options.debounceMs },
  );

  const ui = uiFiles();
  const vendor = vendorFiles();
  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      log(`briefpress preview: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) send(res, 500, 'Internal error');
      else res.end();
    }
  });

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    // DNS rebinding: a page on another site resolving its name to 127.0.0.1 must not reach us.
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return send(res, 403, 'Forbidden host');
    const url = new URL(req.url ?? '/', `http://${host}`);
    const segments = url.pathname.split('/').slice(1);
    const [top, ...rest] = segments;

    if (req.method === 'POST') {
      if (!isSameOrigin(req, port) || !(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 403, 'Forbidden');
      return readJson(req, (body) => {
        const slug = typeof body.slug === 'string' ? body.slug : '';
        if (url.pathname === '/api/open') return send(res, session.open(slug, body.view as Edition) ? 204 : 404, '');
        if (url.pathname === '/api/drawn' && typeof body.version === 'number') {
          const ms = session.drawn(slug, body.version);
          return sendJson(res, { drawnMs: ms ?? null });
        }
        send(res, 404, 'Not found');
      });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed');

    if (url.pathname === '/' || url.pathname === '/index.html') return sendFile(req, res, ui.get('index.html')!, 'ui');
    if (top === 'ui' && rest.length === 1) {
      const file = ui.get(rest[0]!);
      return file ? sendFile(req, res, file, 'ui') : send(res, 404, 'Not found');
    }
    if (top === 'vendor' && rest.length === 1) {
      const file = vendor.get(rest[0]!);
      return file ? sendFile(req, res, file, 'vendor') : send(res, 404, 'Not found');
    }
    if (top === 'out') {
      const r = resolveInside(outDir, rest);
      return 'file' in r ? sendFile(req, res, r.file, 'edition') : send(res, r.status, r.status === 403 ? 'Forbidden' : 'Not found');
    }
    if (top === 'book' && rest.length >= 2) return void sendBook(req, res, rest).catch((e: unknown) => {
      log(`briefpress preview: the EPUB could not be read: ${(e as Error).message}`);
      if (!res.headersSent) send(res, 500, 'The EPUB could not be read');
      else res.end();
    });
    if (url.pathname === '/api/state') return sendJson(res, { ...state(), timings: session.timings });
    if (url.pathname === '/api/events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
      res.write(`retry: 500\nevent: state\ndata: ${JSON.stringify(state())}\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    send(res, 404, 'Not found');
  };

  /** `/book/<slug>/spine.json`: the EPUB's title and spine; `/book/<slug>/<path>`: one of its files. */
  const sendBook = async (req: IncomingMessage, res: ServerResponse, [slug, ...inside]: string[]) => {
    const epub = resolveInside(outDir, [slug!, `${slug}.epub`]);
    if (!('file' in epub)) return send(res, epub.status, epub.status === 403 ? 'Forbidden' : 'Not found');
    const book = await openBook(epub.file);
    if (inside.length === 1 && inside[0] === 'spine.json') return sendJson(res, { title: book.title, spine: book.spine.map((i) => i.path) });
    const parts: string[] = [];
    for (const raw of inside) {
      let p: string;
      try {
        p = decodeURIComponent(raw);
      } catch {
        return send(res, 403, 'Forbidden');
      }
      if (p === '' || p === '.' || p === '..' || /[\\/\0]/.test(p)) return send(res, 403, 'Forbidden');
      parts.push(p);
    }
    const name = parts.join('/');
    const bytes = await book.read(name);
    if (!bytes) return send(res, 404, 'Not found');
    const headers: Record<string, string> = { 'Content-Type': contentType(name) };
    if (/\.(html?|xhtml|svg|xml)$/i.test(name)) headers['Content-Security-Policy'] = outCsp;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : bytes);
  };

  const heartbeat = setInterval(() => {
    for (const c of clients) c.write(': ping\n\n');
  }, 15_000);
  heartbeat.unref();

  try {
    port = await listen(server, options.port ?? 4173);
  } catch (e) {
    clearInterval(heartbeat);
    watcher.close();
    await (await pool.catch(() => undefined))?.close();
    removeOut();
    process.off('exit', removeOut);
    throw e;
  }
  let closed = false;
  const url = `http://${api.host}:${port}/`;
  if (options.open) openInBrowser(url);
  return {
    url,
    port,
    outDir,
    session,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      watcher.close();
      for (const c of clients) c.end();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await session.idle().catch(() => {});
      await (await pool.catch(() => undefined))?.close();
      removeOut();
      process.off('exit', removeOut);
    },
  };
}

function listen(server: ReturnType<typeof createServer>, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new EnvironmentError(`Port ${port} on 127.0.0.1 is in use`, 'Pick another with --port N (0 picks a free one).') : e),
    );
    server.listen(port, api.host, () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

/** The theme folders outside the manuscript: a change to the stock theme rebuilds too. */
function themeDirs(root: string): string[] {
  const name = readSeries(root).value?.series.theme ?? 'csis';
  return [path.join(root, 'theme', name), path.join(packageRoot, 'templates', name)].filter((d) => existsSync(d) && statSync(d).isDirectory());
}

function seriesName(root: string): string {
  return readSeries(root).value?.series.name ?? path.basename(root);
}

function isSameOrigin(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

function readJson(req: IncomingMessage, fn: (body: Record<string, unknown>) => void): void {
  let data = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    data += chunk;
    if (data.length > 10_000) req.destroy();
  });
  req.on('end', () => {
    let body: unknown;
    try {
      body = JSON.parse(data || '{}');
    } catch {
      body = {};
    }
    fn(body && typeof body === 'object' ? (body as Record<string, unknown>) : {});
  });
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(status === 204 ? undefined : text);
}

function sendJson(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(value));
}

/** The viewer's own pages get a strict CSP that lets its own scripts run. */
const uiCsp = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'", // PDFium is WebAssembly
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline' blob:",
  "img-src 'self' data: blob:",
  "font-src 'self' data: blob:",
  "frame-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Built editions run no script, whatever they hold: a page, or an SVG image opened on its own (where
 * a script would run with the preview's origin and could call its API), gets the editions' policy,
 * framed only by the viewer. `X-Content-Type-Options: nosniff` is sent with every response.
 */
const outCsp = `${editionCsp({ inlineStyle: true })}; frame-ancestors 'self'`;

function sendFile(req: IncomingMessage, res: ServerResponse, file: string, kind: 'ui' | 'vendor' | 'edition'): void {
  const headers: Record<string, string> = { 'Content-Type': contentType(file) };
  if (kind === 'ui' && file.endsWith('.html')) headers['Content-Security-Policy'] = uiCsp;
  // Documents that could hold script; a PDF keeps the browser's own viewer, which the policy would block.
  if (kind === 'edition' && /\.(html?|xhtml|svg|xml)$/i.test(file)) headers['Content-Security-Policy'] = outCsp;
  res.writeHead(200, headers);
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
