/**
 * The preview's plain functions: which files it may serve, which briefs a save affects, which
 * files are editor noise, when it tries to open a desktop browser, and that the watcher batches.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInside, uiFiles, vendorFiles } from '../src/preview/files.js';
import { openInBrowser } from '../src/preview/open.js';
import { affectedBriefs } from '../src/preview/session.js';
import { isNoise, watchFolders } from '../src/preview/watch.js';

let tmp: string;
let out: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'briefpress-preview-units-'));
  out = path.join(tmp, 'out');
  mkdirSync(path.join(out, 'a-brief'), { recursive: true });
  writeFileSync(path.join(out, 'a-brief', 'index.html'), '<p>ok</p>');
  writeFileSync(path.join(out, '.briefpress-cache.json'), '{}');
  writeFileSync(path.join(tmp, 'secret.txt'), 'secret');
  symlinkSync(path.join(tmp, 'secret.txt'), path.join(out, 'a-brief', 'link.txt'));
  symlinkSync(tmp, path.join(out, 'up'));
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('resolveInside', () => {
  it('finds a built file', () => {
    expect(resolveInside(out, ['a-brief', 'index.html'])).toEqual({ file: path.join(out, 'a-brief', 'index.html') });
    expect(resolveInside(out, ['a-brief', 'index%2Ehtml'])).toEqual({ file: path.join(out, 'a-brief', 'index.html') });
  });
  it('refuses paths that leave the folder, however written', () => {
    for (const segs of [['..', 'secret.txt'], ['%2e%2e', 'secret.txt'], ['..%2fsecret.txt'], ['a-brief', '..%5c..%5csecret.txt'], ['a-brief', '.'], ['a-brief', ''], ['%00'], ['%E0%A4%A']]) {
      expect(resolveInside(out, segs), segs.join('/')).toEqual({ status: 403 });
    }
  });
  it('refuses symlinks that lead out', () => {
    expect(resolveInside(out, ['a-brief', 'link.txt'])).toEqual({ status: 403 });
    expect(resolveInside(out, ['up', 'secret.txt'])).toEqual({ status: 403 });
  });
  it('hides dot files and folders, and misses what is not there', () => {
    expect(resolveInside(out, ['.briefpress-cache.json'])).toEqual({ status: 404 });
    expect(resolveInside(out, ['a-brief'])).toEqual({ status: 404 });
    expect(resolveInside(out, ['nope.pdf'])).toEqual({ status: 404 });
    expect(resolveInside(out, [])).toEqual({ status: 404 });
  });
});

describe('served files', () => {
  it('the UI is a flat folder of real files and PDFium comes from node_modules', () => {
    const ui = uiFiles();
    expect([...ui.keys()]).toEqual(expect.arrayContaining(['index.html', 'preview.js', 'pdf-view.js', 'epub-view.js', 'preview.css']));
    const vendor = vendorFiles();
    expect([...vendor.keys()].sort()).toEqual(['pdfium.mjs', 'pdfium.wasm']);
    for (const f of vendor.values()) expect(f).toContain(`${path.sep}node_modules${path.sep}`);
  });
});

describe('affectedBriefs', () => {
  const root = path.join(os.tmpdir(), 'briefpress-affected-');
  let ms: string;
  const briefs = new Map<string, string>();
  beforeAll(() => {
    ms = mkdtempSync(root);
    for (const [slug, authors] of [
      ['one', 'authors:\n  - ann\n'],
      ['two', 'authors:\n  - id: bob\n    bio: Then.\n'],
      ['three', 'authors: [ann, bob]\n'],
    ] as const) {
      const dir = path.join(ms, 'briefs', slug);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'brief.md'), `---\ntitle: ${slug}\n${authors}date: 2020-01-01\n---\n\nBody.\n`);
      briefs.set(slug, dir);
    }
  });
  afterAll(() => rmSync(ms, { recursive: true, force: true }));
  const hit = (...files: string[]) => [...affectedBriefs(files.map((f) => path.join(ms, f)), ms, briefs).slugs].sort();

  it('a brief file affects that brief only', () => {
    expect(hit('briefs/two/brief.md')).toEqual(['two']);
    expect(hit('briefs/two/chart.png')).toEqual(['two']);
    expect(affectedBriefs([path.join(ms, 'briefs/two/chart.png')], ms, briefs).rescan).toBe(false);
    expect(affectedBriefs([path.join(ms, 'briefs/two/brief.md')], ms, briefs).rescan).toBe(false);
    expect([...affectedBriefs([path.join(ms, 'briefs/two/brief.md')], ms, briefs).retitle]).toEqual(['two']);
    expect(affectedBriefs([path.join(ms, 'briefs/four')], ms, briefs).rescan).toBe(true);
  });
  it('an author file affects the briefs naming that author', () => {
    expect(hit('authors/ann.md')).toEqual(['one', 'three']);
    expect(hit('authors/bob.md')).toEqual(['three', 'two']);
    expect(hit('authors/carol.md')).toEqual([]);
  });
  it('series files and the theme affect every brief', () => {
    expect(hit('series.yaml')).toEqual(['one', 'three', 'two']);
    expect(hit('boilerplate/disclaimer.md')).toEqual(['one', 'three', 'two']);
    expect(hit('theme/csis/print.css')).toEqual(['one', 'three', 'two']);
  });
});

describe('watch', () => {
  it('ignores editor noise', () => {
    for (const f of ['.brief.md.swp', 'brief.md~', '4913', '#brief.md#', '.brief.md.123.tmp', 'x.bak']) expect(isNoise(f), f).toBe(true);
    for (const f of ['brief.md', 'chart-2015.png', 'series.yaml', 'print.css']) expect(isNoise(f), f).toBe(false);
  });
  it('reports a burst of changes as one batch, deep in the tree', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'briefpress-watch-'));
    mkdirSync(path.join(dir, 'briefs', 'x'), { recursive: true });
    const batches: string[][] = [];
    const w = watchFolders([dir], (b) => batches.push(b.files), { debounceMs: 150 });
    try {
      await new Promise((r) => setTimeout(r, 100));
      writeFileSync(path.join(dir, 'briefs', 'x', 'brief.md'), 'a');
      writeFileSync(path.join(dir, 'series.yaml'), 'b');
      writeFileSync(path.join(dir, 'briefs', 'x', '.brief.md.swp'), 'c');
      const t = Date.now();
      while (batches.length === 0 && Date.now() - t < 5000) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      w.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((f) => path.basename(f)).sort()).toEqual(['brief.md', 'series.yaml']);
  });
});

describe('openInBrowser', () => {
  it('does not try in CI or without a display', () => {
    expect(openInBrowser('http://127.0.0.1:1/', { CI: 'true', DISPLAY: ':0' }, 'linux')).toBe(false);
    expect(openInBrowser('http://127.0.0.1:1/', {}, 'linux')).toBe(false);
  });
});
