/**
 * The print sandbox: raw HTML in a brief, hostile HTML and a hostile asset list fed straight to the
 * print function. Nothing outside the page and its vetted assets may be answered or reach the PDF.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPool, type BrowserPool } from '../src/browser/pool.js';
import { findChromium } from '../src/browser/find.js';
import { allowedRoots, observePrints, printOrigin, printWith, Printer, type PrintReport } from '../src/targets/pdf.js';
import { renderPage } from '../src/targets/html.js';
import { EnvironmentError } from '../src/util/diagnostics.js';
import { buildPdfs, fixtures, pdftext, readManuscript, run, sample, searchable } from './helpers/pdf.js';

const passwd = readFileSync('/etc/passwd', 'utf8').split('\n')[0]!.split(':')[0]!; // e.g. "root"
const hostname = readFileSync('/etc/hostname', 'utf8').trim();

let tmp: string;
let pool: BrowserPool;
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'briefpress-sandbox-'));
  pool = await launchPool(2);
});
afterAll(async () => {
  await pool?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Every URL the print answered must be the page or one of its assets. */
function expectOnlyOwnFiles(report: { served: string[] }, slug: string, hrefs: string[]) {
  const allowed = new Set([`${printOrigin}/${slug}/index.html`, ...hrefs.map((h) => new URL(h, `${printOrigin}/${slug}/`).href)]);
  expect(report.served.length).toBeGreaterThan(0);
  for (const url of report.served) expect(allowed.has(url), url).toBe(true);
}

describe('a series with rawHtml: true', () => {
  it('refuses images outside the manuscript before printing', async () => {
    const m = await readManuscript(path.join(fixtures, 'pdf-sandbox'));
    const diags = m.failed.get('hostile-images');
    expect(diags?.map((d) => d.ruleId).sort()).toEqual(['image-missing', 'image-outside']);
  });

  it('prints the hostile brief with none of its raw HTML reaching the PDF or the network', async () => {
    const reports: PrintReport[] = [];
    const stop = observePrints((r) => reports.push(r));
    try {
      const { manuscript } = await buildPdfs(path.join(fixtures, 'pdf-sandbox'), tmp, pool);
      const brief = manuscript.briefs.find((b) => b.slug === 'hostile')!;
      const text = searchable(pdftext(path.join(tmp, 'hostile', 'hostile.pdf')));
      expect(text).toContain('SANDBOX-BODY-MARKER');
      expect(text).toContain('Styled paragraph.');
      expect(text).not.toContain('SCRIPT-RAN-MARKER');
      expect(text).not.toMatch(new RegExp(`${passwd}:x?:0`));
      expect(text).not.toContain(hostname);
      const report = reports.find((r) => r.slug === 'hostile')!;
      const page = renderPage(brief, { variant: 'print', theme: manuscript.theme, version: 'test' });
      expectOnlyOwnFiles(report, 'hostile', page.assets.map((a) => a.href));
      expect(report.served.some((u) => u.includes('example.com'))).toBe(false);
      // Links stay live: a URI link annotation, though the page was never fetched.
      const qdf = run('qpdf', ['--qdf', '--object-streams=disable', path.join(tmp, 'hostile', 'hostile.pdf'), '-']);
      expect(qdf).toContain('/URI (https://example.com/page)');
    } finally {
      stop();
    }
  });
});

describe('the print function itself (no sanitizer in front of it)', () => {
  it('answers only the page and its vetted assets, and runs no script', async () => {
    const m = await readManuscript(sample);
    const brief = m.briefs[0]!;
    const rendered = renderPage(brief, { variant: 'print', theme: m.theme, version: 'test' });
    const outside = path.join(tmp, 'outside-secret.txt');
    writeFileSync(outside, 'OUTSIDE-SECRET-MARKER');
    // Without the page's Content-Security-Policy (which would stop most of these before they reach
    // the printer's request filter): the filter must hold on its own.
    expect(rendered.html).toMatch(/<meta http-equiv="Content-Security-Policy"[^>]*>/);
    const hostile = rendered.html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '').replace(
      '<div class="brief-body">',
      `<div class="brief-body"><p>HOSTILE-PAGE-MARKER</p>
<iframe src="file:///etc/passwd"></iframe>
<iframe src="secret.txt"></iframe>
<iframe src="escape.txt"></iframe>
<img src="file:///etc/hostname" alt="a">
<img src="../../../../etc/hostname" alt="b">
<img src="http://127.0.0.1:9/x.png" alt="c">
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="d">
<link rel="stylesheet" href="http://example.com/x.css">
<link rel="stylesheet" href="https://example.com/y.css">
<link rel="stylesheet" href="../../../../etc/x.css">
<object data="file:///etc/passwd"></object>
<embed src="https://example.com/e.swf">
<script>document.write('SCRIPT-RAN-MARKER')</script>
<noscript><p>NOSCRIPT-SHOWN-MARKER</p></noscript>`,
    );
    const assets = [
      ...rendered.assets,
      { href: 'secret.txt', path: '/etc/passwd', mediaType: 'text/plain' },
      { href: 'escape.txt', path: outside, mediaType: 'text/plain' },
      { href: '../up.css', data: 'body{}', mediaType: 'text/css' },
      { href: 'file:///etc/hostname', path: '/etc/hostname', mediaType: 'text/plain' },
    ];
    // Twice on one printer: the first print loads the page, the second swaps it into the page shown
    // (same style sheets): the sandbox must hold either way.
    const own = await launchPool(1);
    try {
      for (const way of ['loaded', 'swapped']) {
        const result = await printWith(own, { html: hostile, assets }, { slug: brief.slug, allowedRoots: allowedRoots(brief, m.theme) });
        const file = path.join(tmp, `direct-${way}.pdf`);
        writeFileSync(file, result.pdf);
        const text = searchable(pdftext(file));
        expect(text).toContain('HOSTILE-PAGE-MARKER');
        expect(text).toContain('NOSCRIPT-SHOWN-MARKER'); // scripts are off, so <noscript> shows
        expect(text).not.toContain('SCRIPT-RAN-MARKER');
        expect(text).not.toContain('OUTSIDE-SECRET-MARKER');
        expect(text).not.toMatch(new RegExp(`${passwd}:x?:0`));
        expect(text).not.toContain(hostname);

        if (way === 'loaded') expectOnlyOwnFiles(result, brief.slug, rendered.assets.map((a) => a.href));
        else expect(result.served, 'a swapped page loads no style sheet or font again').toEqual([]);
        const refused = result.blocked.map((b) => b.url);
        // The hostile asset entries are refused up front ...
        expect(refused).toEqual(expect.arrayContaining(['secret.txt', 'escape.txt', '../up.css', 'file:///etc/hostname']));
        // ... and the requests the page made for them, or for anything else, are aborted. (Chromium
        // itself drops http:// stylesheets on an https page as mixed content: they never get this far.)
        expect(refused).toEqual(
          expect.arrayContaining([
            `${printOrigin}/${brief.slug}/secret.txt`,
            `${printOrigin}/${brief.slug}/escape.txt`,
            `${printOrigin}/etc/hostname`,
            `${printOrigin}/etc/x.css`,
            'http://127.0.0.1:9/x.png',
            'https://example.com/y.css',
          ]),
        );
        // Fonts still loaded from the theme's packages.
        expect(result.fontsLoaded.some((f) => f.startsWith('Source Serif 4'))).toBe(true);
      }
    } finally {
      await own.close();
    }
  });

  it('answers nothing between prints: a printer does not serve the last print\'s files again', async () => {
    // The printers are kept for the whole build; the pool has 2, both have printed by now.
    const printers = pool.lender('printer', Printer.open, (p) => p.close());
    const tries = await Promise.all(
      [0, 1].map(() =>
        printers.use(async (printer) => {
          const js = await printer.page.evaluate(() => 1 + 1); // DevTools still evaluates
          const again = await printer.page.goto(`${printOrigin}/hostile/index.html`).then(
            () => 'loaded',
            (e: Error) => e.message,
          );
          return { js, again };
        }),
      ),
    );
    for (const t of tries) {
      expect(t.js).toBe(2);
      expect(t.again).toMatch(/ERR_BLOCKED_BY_CLIENT/);
    }
  });
});

describe('a missing browser', () => {
  it('is an EnvironmentError with an install hint, not a crash', () => {
    expect(() => findChromium({ PATH: '', PUPPETEER_EXECUTABLE_PATH: '/nonexistent/chromium' })).toThrow(EnvironmentError);
    try {
      findChromium({ PUPPETEER_EXECUTABLE_PATH: '/nonexistent/chromium' });
    } catch (e) {
      expect((e as EnvironmentError).message).toContain('/nonexistent/chromium');
      expect((e as EnvironmentError).hint).toMatch(/Chromium/);
    }
  });
});
