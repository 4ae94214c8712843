/**
 * The incremental cache (dist/.briefpress-cache.json): an unchanged brief is not rebuilt; editing one
 * brief rebuilds only it (and the neighbours whose links show its title); a theme change, a change of
 * formats or a deleted output rebuilds what it touches.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSeries } from '../scripts/synthetic-series.js';
import { build, cacheFileName, type BuildResult } from '../src/api.js';
import { repoRoot, runCli } from './helpers/cli.js';

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function fresh(n: number) {
  const root = makeSeries(n);
  made.push(path.dirname(root));
  return { root, out: path.join(path.dirname(root), 'dist') };
}
const built = (r: BuildResult) => r.briefs.filter((b) => b.ok && !b.cached).map((b) => b.slug).sort();
const cached = (r: BuildResult) => r.briefs.filter((b) => b.cached).map((b) => b.slug).sort();
const html = ['html'];

describe('incremental builds', () => {
  it('reuses unchanged briefs and rebuilds an edited one', async () => {
    const { root, out } = fresh(4);
    const first = await build({ input: root, outDir: out, formats: html });
    expect(built(first)).toEqual(['brief-001', 'brief-002', 'brief-003', 'brief-004']);
    const page = path.join(out, 'brief-001/index.html');
    const mtime = statSync(page).mtimeMs;

    const again = await build({ input: root, outDir: out, formats: html });
    expect(again.ok).toBe(true);
    expect(built(again)).toEqual([]);
    expect(cached(again)).toHaveLength(4);
    expect(statSync(page).mtimeMs).toBe(mtime);

    // A body edit: only that brief.
    const file = path.join(root, 'briefs/brief-001/brief.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace('Secretary Kerry is in Sochi', 'Secretary Kerry is in Sochi today'));
    const edited = await build({ input: root, outDir: out, formats: html });
    expect(built(edited)).toEqual(['brief-001']);
    expect(readFileSync(page, 'utf8')).toContain('Sochi today');

    // A title edit: that brief and its neighbour, whose "Next" link shows the title.
    const third = path.join(root, 'briefs/brief-003/brief.md');
    writeFileSync(third, readFileSync(third, 'utf8').replace(/^title: .*$/m, 'title: Renamed Question'));
    const renamed = await build({ input: root, outDir: out, formats: html });
    expect(built(renamed)).toEqual(['brief-002', 'brief-003', 'brief-004']);
    expect(readFileSync(path.join(out, 'brief-002/index.html'), 'utf8')).toContain('Renamed Question');
    expect(readFileSync(path.join(out, 'index.html'), 'utf8')).toContain('Renamed Question');
  });

  it('rebuilds a brief whose output was deleted, or whose author file changed', async () => {
    const { root, out } = fresh(3);
    await build({ input: root, outDir: out, formats: html });
    unlinkSync(path.join(out, 'brief-002/style.css'));
    const r = await build({ input: root, outDir: out, formats: html });
    expect(built(r)).toEqual(['brief-002']);
    expect(statSync(path.join(out, 'brief-002/style.css')).size).toBeGreaterThan(0);

    // The sample briefs carry their own bio, but the author file is still an input (name, title).
    const author = path.join(root, 'authors/jeffrey-mankoff.md');
    writeFileSync(author, readFileSync(author, 'utf8').replace(/^name: .*$/m, 'name: Jeffrey Mankoff Jr.'));
    const r2 = await build({ input: root, outDir: out, formats: html });
    expect(built(r2)).toHaveLength(3);
    expect(readFileSync(path.join(out, 'brief-001/index.html'), 'utf8')).toContain('Jeffrey Mankoff Jr.');
  });

  it('keys a brief on every image file it read, even two with the same bytes', async () => {
    const { root, out } = fresh(1);
    const dir = path.join(root, 'briefs/brief-001');
    const dot = readFileSync(path.join(repoRoot, 'tests/fixtures/broken/image-alt/briefs/sample/dot.png'));
    writeFileSync(path.join(dir, 'a.png'), dot);
    writeFileSync(path.join(dir, 'b.png'), dot);
    const file = path.join(dir, 'brief.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace('Secretary Kerry is in Sochi', '![A dot](a.png) ![The same dot](b.png) Secretary Kerry is in Sochi'));
    await build({ input: root, outDir: out, formats: html });
    const page = path.join(out, 'brief-001/index.html');
    expect(new Set(readFileSync(page, 'utf8').match(/images\/[0-9a-f]+\.png/g))).toHaveProperty('size', 1);
    // The second file changes: the brief is rebuilt, now with two images.
    writeFileSync(path.join(dir, 'b.png'), readFileSync(path.join(repoRoot, 'tests/fixtures/epub/briefs/rich-features/chart.png')));
    const r = await build({ input: root, outDir: out, formats: html });
    expect(built(r)).toEqual(['brief-001']);
    expect(new Set(readFileSync(page, 'utf8').match(/images\/[0-9a-f]+\.png/g))).toHaveProperty('size', 2);
  });

  it('rebuilds everything when the theme or the formats change, or with --force', async () => {
    const { root, out } = fresh(3);
    await build({ input: root, outDir: out, formats: html });
    // The series' own copy of a theme file wins over the stock one: a theme change.
    const themeDir = path.join(root, 'theme/csis');
    mkdirSync(themeDir, { recursive: true });
    cpSync(path.join(repoRoot, 'templates/csis/style.css'), path.join(themeDir, 'style.css'));
    writeFileSync(path.join(themeDir, 'style.css'), '\n.title { letter-spacing: 0; }\n', { flag: 'a' });
    const themed = await build({ input: root, outDir: out, formats: html });
    expect(built(themed)).toHaveLength(3);
    expect(readFileSync(path.join(out, 'brief-003/style.css'), 'utf8')).toContain('letter-spacing: 0; }');
    expect(built(await build({ input: root, outDir: out, formats: html }))).toEqual([]);

    const epub = await build({ input: root, outDir: out, formats: ['html', 'epub'] });
    expect(built(epub)).toHaveLength(3);

    const forced = runCli(['build', root, '--out', out, '--format', 'html,epub', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/3 built, 0 unchanged, 0 failed/);
    const cli = runCli(['build', root, '--out', out, '--format', 'html,epub']);
    expect(cli.code).toBe(0);
    expect(cli.stderr).toMatch(/0 built, 3 unchanged, 0 failed/);
  });

  it('rebuilds when a font of the theme changes, even to bytes of the same size and time', async () => {
    // The theme's key takes the hashes of the fonts the theme read as it loaded (they are not read
    // twice): a font edited between two builds is read, and hashed, anew by the second.
    const { root, out } = fresh(1);
    const name = 'fonts/source-serif-4/source-serif-4-latin-400-normal.woff2';
    const own = path.join(root, 'theme/csis', name);
    mkdirSync(path.dirname(own), { recursive: true });
    const bytes = readFileSync(path.join(repoRoot, 'templates/csis', name));
    writeFileSync(own, bytes);
    await build({ input: root, outDir: out, formats: html });
    const { mtime } = statSync(own);
    const changed = Buffer.from(bytes);
    changed[changed.length - 1] = changed[changed.length - 1]! ^ 1;
    writeFileSync(own, changed);
    utimesSync(own, mtime, mtime);
    const r = await build({ input: root, outDir: out, formats: html });
    expect(built(r)).toEqual(['brief-001']);
    expect(readFileSync(path.join(out, 'brief-001/fonts', path.basename(name))).equals(changed)).toBe(true);
    expect(built(await build({ input: root, outDir: out, formats: html }))).toEqual([]);
  });

  it('does not trust an entry of a brief whose last build failed', async () => {
    const { root, out } = fresh(2);
    await build({ input: root, outDir: out, formats: html });
    const file = path.join(root, 'briefs/brief-002/brief.md');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace('- id: jeffrey-mankoff', '- id: nobody'));
    const broken = await build({ input: root, outDir: out, formats: html });
    expect(broken.ok).toBe(false);
    expect(built(broken)).toEqual([]);
    // The last good editions stay on disk and in the catalog.
    expect(readFileSync(path.join(out, 'index.html'), 'utf8')).toContain('brief-002/index.html');
    writeFileSync(file, good);
    const fixed = await build({ input: root, outDir: out, formats: html });
    expect(fixed.ok).toBe(true);
    expect(built(fixed)).toEqual(['brief-002']);
    expect(JSON.parse(readFileSync(path.join(out, cacheFileName), 'utf8')).briefs['brief-002'].key).not.toBe('');
  });

  it('survives a corrupt cache file by rebuilding', async () => {
    const { root, out } = fresh(2);
    await build({ input: root, outDir: out, formats: html });
    writeFileSync(path.join(out, cacheFileName), '{ not json');
    const r = await build({ input: root, outDir: out, formats: html });
    expect(r.ok).toBe(true);
    expect(built(r)).toHaveLength(2);
    expect(r.diagnostics.map((d) => d.ruleId)).toEqual(['cache-ignored']);
  });
});

describe('hashTree (the build key of the theme and of briefpress\' own code)', () => {
  it('changes with any file it reads, and not with the names it is told to skip', async () => {
    const { hashTree } = await import('../src/build/cache.js');
    const os = await import('node:os');
    const { mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'briefpress-hashtree-'));
    try {
      mkdirSync(path.join(dir, 'sub'));
      writeFileSync(path.join(dir, 'a.js'), 'one');
      writeFileSync(path.join(dir, 'sub', 'b.js'), 'two');
      writeFileSync(path.join(dir, 'a.js.map'), '{}');
      writeFileSync(path.join(dir, 'a.d.ts'), 'export {};');
      const skip = (name: string) => name.endsWith('.map') || name.endsWith('.d.ts');
      const all = hashTree([dir]);
      const code = hashTree([dir], skip);
      writeFileSync(path.join(dir, 'a.js.map'), '{"mappings":""}');
      writeFileSync(path.join(dir, 'a.d.ts'), 'export declare const x: 1;');
      expect(hashTree([dir], skip)).toBe(code);
      expect(hashTree([dir])).not.toBe(all);
      writeFileSync(path.join(dir, 'sub', 'b.js'), 'three');
      expect(hashTree([dir], skip)).not.toBe(code);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
