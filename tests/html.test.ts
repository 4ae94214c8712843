/**
 * The web edition end to end: build the sample, open it in a real headless Chromium, run axe-core,
 * check it reads on a phone, and that it carries the whole text of the brief.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/api.js';
import { launchPool, type BrowserPool } from '../src/browser/pool.js';
import { repoRoot } from './helpers/cli.js';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
// The brief as published (a copy of the seed text handed to the project).
const seed = readFileSync(path.join(repoRoot, 'tests/fixtures/seed/kerry-in-russia.txt'), 'utf8');

let out: string;
let pool: BrowserPool;
let page: string;

beforeAll(async () => {
  out = mkdtempSync(path.join(os.tmpdir(), 'bp-html-'));
  const r = await build({ input: path.join(repoRoot, 'manuscript'), outDir: out, formats: ['html'] });
  expect(r.ok).toBe(true);
  page = path.join(out, 'kerry-in-russia', 'index.html');
  pool = await launchPool(1);
});

afterAll(async () => {
  await pool?.close();
  rmSync(out, { recursive: true, force: true });
});

describe('web edition', () => {
  it('is one standalone page with its CSS and fonts beside it', () => {
    const html = readFileSync(page, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<html lang="en"');
    const files = readdirSync(path.join(out, 'kerry-in-russia'), { recursive: true }).map(String);
    expect(files).toContain('style.css');
    expect(files).toContain('fonts.css');
    expect(files.some((f) => f.startsWith('fonts') && f.endsWith('.woff2'))).toBe(true);
    // every local reference resolves to a file beside the page
    for (const m of html.matchAll(/(?:href|src)="([^"#:]+)"/g)) {
      if (m[1] === '../index.html') continue; // the series catalog, written by the catalog step
      expect(files).toContain(m[1]);
    }
  });

  it('has 0 axe-core violations (WCAG 2.x A/AA)', async () => {
    const violations = await pool.withPage(async (p) => {
      // The page forbids script (its CSP): the test's own axe is let in past it.
      await p.setBypassCSP(true);
      try {
        await p.goto(pathToFileURL(page).href, { waitUntil: 'load' });
        await p.addScriptTag({ content: axeSource });
        return await p.evaluate(async () => {
          // @ts-expect-error axe is injected above
          const r = await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa', 'best-practice'] });
          return r.violations.map((v: { id: string; nodes: unknown[] }) => `${v.id} (${v.nodes.length})`);
        });
      } finally {
        await p.setBypassCSP(false);
      }
    });
    expect(violations).toEqual([]);
  });

  it('reads on a phone: no sideways scrolling, body text at least 16 px, fonts loaded from the edition', async () => {
    const r = await pool.withPage(async (p) => {
      await p.setViewport({ width: 375, height: 800, deviceScaleFactor: 1 });
      await p.goto(pathToFileURL(page).href, { waitUntil: 'load' });
      await p.evaluate(() => document.fonts.ready.then(() => undefined));
      const res = await p.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        width: window.innerWidth,
        font: parseFloat(getComputedStyle(document.querySelector('.brief-body p')!).fontSize),
        serif: document.fonts.check('16px "Source Serif 4"'),
      }));
      await p.setViewport({ width: 800, height: 600 });
      return res;
    });
    expect(r.scroll).toBeLessThanOrEqual(r.width);
    expect(r.font).toBeGreaterThanOrEqual(16);
    expect(r.serif).toBe(true);
  });

  it('holds every word of the brief, its bio, disclaimer and copyright', async () => {
    const text = await pool.withPage(async (p) => {
      await p.goto(pathToFileURL(page).href, { waitUntil: 'load' });
      return p.evaluate(() => document.body.innerText);
    });
    const norm = (s: string) => s.replace(/\s+/g, ' ');
    const pageText = norm(text);
    // every paragraph of the seed, with its Q/A prefix turned into the theme's label
    for (const para of seed.split(/\n\s*\n/).map((s) => s.trim()).filter(Boolean)) {
      if (para === 'John Kerry in Russia' || para.startsWith('Jeffrey Mankoff\n')) continue;
      const body = norm(para.replace(/^([QA]\d): /, '$1 '));
      expect(pageText, para.slice(0, 40)).toContain(body);
    }
    expect(pageText).toContain('John Kerry in Russia');
    expect(pageText).toContain('Jeffrey Mankoff');
    expect(pageText).toContain('May 12, 2015');
  });
});
