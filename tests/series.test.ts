/**
 * Series builds: numbering (front matter, else date order, ties by slug), duplicate numbers,
 * prev/next/catalog links, one brief's build, failure isolation through the CLI, and `briefpress new`.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSeries } from '../scripts/synthetic-series.js';
import { build } from '../src/api.js';
import { runCli } from './helpers/cli.js';

const made: string[] = [];
const series = (briefs: Parameters<typeof makeSeries>[0]) => {
  const root = makeSeries(briefs);
  made.push(path.dirname(root));
  return root;
};
const outOf = (root: string) => path.join(path.dirname(root), 'dist');
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

const numbersOf = (r: Awaited<ReturnType<typeof build>>) => Object.fromEntries(r.briefs.map((b) => [b.slug, b.number]));

describe('numbering', () => {
  it('numbers by date when no brief gives a number, ties broken by slug', async () => {
    const root = series([
      { slug: 'c-brief', title: 'C', date: '2015-03-01' },
      { slug: 'b-brief', title: 'B', date: '2015-01-01' },
      { slug: 'a-brief', title: 'A', date: '2015-03-01' },
    ]);
    const r = await build({ input: root, outDir: outOf(root), formats: ['html'] });
    expect(r.ok).toBe(true);
    expect(numbersOf(r)).toEqual({ 'a-brief': 2, 'b-brief': 1, 'c-brief': 3 });
    const page = readFileSync(path.join(outOf(root), 'a-brief/index.html'), 'utf8');
    expect(page).toContain('No. 2');
    expect(page).toMatch(/<a href="\.\.\/b-brief\/index\.html" rel="prev">/);
    expect(page).toMatch(/<a href="\.\.\/c-brief\/index\.html" rel="next">/);
    expect(page).toContain('href="../index.html"');
    const first = readFileSync(path.join(outOf(root), 'b-brief/index.html'), 'utf8');
    expect(first).not.toContain('rel="prev"');
    const last = readFileSync(path.join(outOf(root), 'c-brief/index.html'), 'utf8');
    expect(last).not.toContain('rel="next"');
  });

  it('lets front matter numbers win; the others take the lowest free numbers in date order', async () => {
    const root = series([
      { slug: 'early', title: 'Early', date: '2015-01-01' },
      { slug: 'pinned', title: 'Pinned', date: '2015-06-01', number: 1 },
      { slug: 'late', title: 'Late', date: '2015-09-01' },
      { slug: 'ten', title: 'Ten', date: '2014-01-01', number: 10 },
    ]);
    const r = await build({ input: root, outDir: outOf(root), formats: ['html'] });
    expect(numbersOf(r)).toEqual({ early: 2, pinned: 1, late: 3, ten: 10 });
    const late = readFileSync(path.join(outOf(root), 'late/index.html'), 'utf8');
    expect(late).toMatch(/href="\.\.\/early\/index\.html" rel="prev"/);
    expect(late).toMatch(/href="\.\.\/ten\/index\.html" rel="next"/);
  });

  it('reports two briefs with the same number at their `number:` lines and builds the rest', async () => {
    const root = series([
      { slug: 'one', title: 'One', date: '2015-01-01', number: 4 },
      { slug: 'two', title: 'Two', date: '2015-02-01', number: 4 },
      { slug: 'three', title: 'Three', date: '2015-03-01' },
    ]);
    const r = await build({ input: root, outDir: outOf(root), formats: ['html'] });
    expect(r.ok).toBe(false);
    const bad = r.briefs.filter((b) => !b.ok).map((b) => b.slug).sort();
    expect(bad).toEqual(['one', 'two']);
    const d = r.briefs.find((b) => b.slug === 'two')!.diagnostics[0]!;
    expect(d.ruleId).toBe('duplicate-slug');
    expect(d.file).toMatch(/briefs[\\/]two[\\/]brief\.md$/);
    const lines = readFileSync(path.join(root, 'briefs/two/brief.md'), 'utf8').split('\n');
    expect(lines[d.line - 1]).toMatch(/^number: 4/);
    expect(d.column).toBe('number: '.length + 1);
    expect(d.message).toContain(path.join('one', 'brief.md'));
    expect(r.briefs.find((b) => b.slug === 'three')).toMatchObject({ ok: true, number: 1 });
    expect(existsSync(path.join(outOf(root), 'three/index.html'))).toBe(true);
    expect(existsSync(path.join(outOf(root), 'one/index.html'))).toBe(false);
  });
});

describe('one brief of a series', () => {
  it('builds only that brief, numbered and linked in its series, and leaves the catalog alone', async () => {
    const root = series(3);
    const out = outOf(root);
    const r = await build({ input: path.join(root, 'briefs/brief-002'), outDir: out, formats: ['html'] });
    expect(r.briefs.map((b) => [b.slug, b.number])).toEqual([['brief-002', 2]]);
    expect(r.seriesFiles).toEqual([]);
    expect(existsSync(path.join(out, 'index.html'))).toBe(false);
    expect(existsSync(path.join(out, 'brief-001'))).toBe(false);
    const page = readFileSync(path.join(out, 'brief-002/index.html'), 'utf8');
    expect(page).toMatch(/href="\.\.\/brief-001\/index\.html" rel="prev"/);
    expect(page).toMatch(/href="\.\.\/brief-003\/index\.html" rel="next"/);
  });
});

describe('failure isolation (CLI)', () => {
  it('builds the good briefs, prints the broken one\'s positioned error and exits 1', () => {
    const root = series(3);
    const broken = path.join(root, 'briefs/brief-002/brief.md');
    writeFileSync(broken, readFileSync(broken, 'utf8').replace('- id: jeffrey-mankoff', '- id: nobody-here'));
    const out = outOf(root);
    const r = runCli(['build', root, '--out', out, '--format', 'html']);
    expect(r.code).toBe(1);
    const line = r.stderr.split('\n').find((l) => l.includes('author-missing'));
    expect(line).toMatch(/brief-002[\\/]brief\.md:\d+:\d+  error  Author `nobody-here` has no file authors\/nobody-here\.md  author-missing$/);
    expect(r.stderr).toMatch(/✗ brief-002: not built/);
    expect(r.stderr).toMatch(/2 built, 0 unchanged, 1 failed/);
    expect(existsSync(path.join(out, 'brief-001/index.html'))).toBe(true);
    expect(existsSync(path.join(out, 'brief-003/index.html'))).toBe(true);
    expect(existsSync(path.join(out, 'brief-002/index.html'))).toBe(false);
    const catalog = readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(catalog).toContain('brief-001/index.html');
    expect(catalog).toContain('brief-003/index.html');
    expect(catalog).not.toContain('brief-002/');
  });
});

describe('briefpress new', () => {
  it('scaffolds the next brief of the series, which then builds', async () => {
    const root = series(2);
    const r = runCli(['new', 'iran-deal', root, '--title', 'The Iran Deal: What Next?', '--author', 'jeffrey-mankoff']);
    expect(r.stderr).toContain('No. 3');
    expect(r.code).toBe(0);
    const text = readFileSync(path.join(root, 'briefs/iran-deal/brief.md'), 'utf8');
    const d = new Date();
    const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    expect(text).toMatch(/^---\n/);
    expect(text).toContain('title: "The Iran Deal: What Next?"');
    expect(text).toContain(`date: ${today}`);
    expect(text).toContain('number: 3');
    expect(text).toContain('- jeffrey-mankoff');
    expect(text).toMatch(/\n## .+\?\n/);
    const b = await build({ input: root, outDir: outOf(root), formats: ['html'] });
    expect(b.ok).toBe(true);
    expect(b.briefs.find((x) => x.slug === 'iran-deal')).toMatchObject({ ok: true, number: 3 });
    const page = readFileSync(path.join(outOf(root), 'iran-deal/index.html'), 'utf8');
    expect(page).toContain('The Iran Deal: What Next?');
    expect(page).toContain('Q1');
  });

  it('takes the title from the slug and the author from the latest brief by default', () => {
    const root = series(1);
    const r = runCli(['new', 'kerry-in-sochi', root]);
    expect(r.code).toBe(0);
    const text = readFileSync(path.join(root, 'briefs/kerry-in-sochi/brief.md'), 'utf8');
    expect(text).toContain('title: Kerry in Sochi');
    expect(text).toContain('- jeffrey-mankoff');
    expect(text).toContain('number: 2');
  });

  it('refuses an existing slug, an invalid slug and an unknown author, writing nothing', () => {
    const root = series(1);
    const before = readFileSync(path.join(root, 'briefs/brief-001/brief.md'), 'utf8');
    const dup = runCli(['new', 'brief-001', root]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already has a brief `brief-001`  duplicate-slug/);
    expect(readFileSync(path.join(root, 'briefs/brief-001/brief.md'), 'utf8')).toBe(before);
    const bad = runCli(['new', 'Bad_Slug', root]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/`Bad_Slug` is not a valid slug  slug-invalid/);
    expect(bad.stderr).toMatch(/hint: Use lower-case letters/);
    expect(existsSync(path.join(root, 'briefs/Bad_Slug'))).toBe(false);
    const who = runCli(['new', 'fine-slug', root, '--author', 'nobody']);
    expect(who.code).toBe(1);
    expect(who.stderr).toMatch(/No author `nobody` in authors\/  author-missing/);
    expect(who.stderr).toMatch(/Known authors: jeffrey-mankoff/);
    expect(existsSync(path.join(root, 'briefs/fine-slug'))).toBe(false);
    const none = runCli(['new']);
    expect(none.code).toBe(2);
  });
});


describe('a brief built in its series or alone', () => {
  it('gets the same bytes in every file (cover, EPUB, PDF, previews, web page): no state leaks between briefs', async () => {
    // Three briefs of one series share the browser's cover page, printers and previewers; the third
    // is then built alone in a fresh browser.
    const root = series(3);
    const all = await build({ input: root, outDir: outOf(root), cache: false });
    expect(all.ok).toBe(true);
    const alone = path.join(path.dirname(root), 'alone');
    const one = await build({ input: path.join(root, 'briefs', 'brief-003'), outDir: alone, cache: false });
    expect(one.ok).toBe(true);
    const files = one.briefs[0]!.files.map((f) => path.relative(alone, f.path));
    expect(files).toEqual(expect.arrayContaining(['brief-003/cover.png', 'brief-003/brief-003.epub', 'brief-003/brief-003.pdf', 'brief-003/pages/page-1.png', 'brief-003/index.html']));
    for (const f of files) expect(readFileSync(path.join(alone, f)).equals(readFileSync(path.join(outOf(root), f))), f).toBe(true);
  });
});

describe('--no-previews', () => {
  it('builds the PDF without page previews, removes the previews an earlier build left, and rebuilds when the choice changes', async () => {
    const root = series(1);
    const out = outOf(root);
    const pages = path.join(out, 'brief-001', 'pages');
    expect((await build({ input: root, outDir: out, formats: ['pdf'] })).ok).toBe(true);
    expect(existsSync(path.join(pages, 'page-1.png'))).toBe(true);
    const r = runCli(['build', root, '--out', out, '--format', 'pdf', '--no-previews']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('1 built, 0 unchanged'); // another choice: not the cached editions
    expect(existsSync(path.join(out, 'brief-001', 'brief-001.pdf'))).toBe(true);
    expect(existsSync(path.join(pages, 'page-1.png'))).toBe(false);
    expect(existsSync(path.join(pages, 'page-2.png'))).toBe(false);
  });
});
