/**
 * The build cache can never change an edition (issue 11): through the real CLI, a damaged cache of
 * each kind is ignored or outvoted by the manuscript (exit 0, a message, no hang), a file edited while
 * a build runs is rebuilt by the next build (web page, EPUB and PDF show the new text), `--force`
 * rewrites the cache, and a brief whose front matter breaks keeps its editions and its catalog entry.
 * Every case ends by comparing the catalog (catalog.json, opds.xml, index.html) and the web pages
 * with the titles and numbers of the brief.md files on disk.
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSeries, syntheticBrief, type SyntheticBrief } from '../scripts/synthetic-series.js';
import { cacheFileName } from '../src/api.js';
import { bin, repoRoot } from './helpers/cli.js';
import { openEpub } from './helpers/epub.js';
import { pdftext, searchable } from './helpers/pdf.js';

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI, asynchronously: killed (by its pid) after `timeoutMs`, so a hang fails the test instead of stalling it. */
function cli(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; onStderr?: (all: string) => void } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1', ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      opts.onStderr?.(stderr);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr: code === null ? `${stderr}\n(killed: the build hung)` : stderr });
    });
  });
}

function series(briefs: number | SyntheticBrief[] = 3) {
  const root = makeSeries(briefs);
  made.push(path.dirname(root));
  return { root, out: path.join(path.dirname(root), 'dist'), cacheFile: path.join(path.dirname(root), 'dist', cacheFileName) };
}
/**
 * A series of three briefs built once (html), copied for each case: the manuscript and the output
 * folder move together, and the cache (paths relative to each) stays valid after the move.
 */
let template: Promise<string> | undefined;
async function built() {
  template ??= (async () => {
    const { root, out } = series();
    const r = await build(root, out);
    expect(r.code, r.stderr).toBe(0);
    return path.dirname(root);
  })();
  const from = await template;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'briefpress-cache-faults-'));
  made.push(dir);
  cpSync(from, dir, { recursive: true });
  return { root: path.join(dir, 'manuscript'), out: path.join(dir, 'dist'), cacheFile: path.join(dir, 'dist', cacheFileName) };
}
const numbered = (n: number): SyntheticBrief[] => Array.from({ length: n }, (_, i) => ({ ...syntheticBrief(i), number: i + 1 }));
const build = (root: string, out: string, extra: string[] = [], env?: NodeJS.ProcessEnv) => cli(['build', root, '--out', out, '--format', 'html', ...extra], { env });
const readJson = (f: string) => JSON.parse(readFileSync(f, 'utf8'));
const editCache = (file: string, edit: (c: any) => void) => {
  const c = readJson(file);
  edit(c);
  writeFileSync(file, JSON.stringify(c));
};

/** Title and number of every brief, as its brief.md says (numbers: front matter, else date order as synthetic briefs are dated). */
function manuscriptBriefs(root: string): { slug: string; number: number; title: string }[] {
  const briefs = readdirSync(path.join(root, 'briefs'))
    .sort()
    .map((slug) => {
      const text = readFileSync(path.join(root, 'briefs', slug, 'brief.md'), 'utf8');
      const title = JSON.parse(/^title: (.*)$/m.exec(text)![1]!) as string;
      const number = /^number: (\d+)$/m.exec(text)?.[1];
      return { slug, title, date: /^date: (.*)$/m.exec(text)![1]!, number: number ? Number(number) : undefined };
    });
  // Every synthetic series here is either all numbered or all by date.
  return briefs.sort((a, b) => (a.date < b.date ? -1 : 1)).map((b, i) => ({ slug: b.slug, title: b.title, number: b.number ?? i + 1 }));
}

/** The catalog (JSON, OPDS, page) and every web page say what the manuscript says: titles, numbers, nothing else. */
function expectCatalogMatches(root: string, out: string, expected = manuscriptBriefs(root)) {
  const catalog = readJson(path.join(out, 'catalog.json'));
  expect(catalog.briefs.map((b: { slug: string; number: number; title: string }) => ({ slug: b.slug, number: b.number, title: b.title }))).toEqual(expected);
  const opds = readFileSync(path.join(out, 'opds.xml'), 'utf8');
  const opdsTitles = [...opds.matchAll(/<entry>[\s\S]*?<title>([^<]*)<\/title>/g)].map((m) => m[1]);
  expect([...opdsTitles].sort()).toEqual(expected.map((b) => b.title).sort());
  const index = readFileSync(path.join(out, 'index.html'), 'utf8');
  for (const b of expected) {
    expect(index).toContain(b.title);
    const page = readFileSync(path.join(out, b.slug, 'index.html'), 'utf8');
    expect(page).toContain(b.title);
    expect(page).toContain(`No. ${b.number}`);
  }
  for (const f of ['catalog.json', 'opds.xml', 'index.html']) expect(readFileSync(path.join(out, f), 'utf8')).not.toContain('Tampered');
}

const summary = (r: Run) => /(\d+) built, (\d+) unchanged, (\d+) failed/.exec(r.stderr)?.slice(1, 4).map(Number);

describe('a damaged build cache is ignored and rewritten', () => {
  // Each case: damage the cache of a built series, build again, expect the message and every brief rebuilt.
  const cases: { name: string; damage: (file: string, root: string) => void; message: RegExp }[] = [
    { name: 'truncated JSON', damage: (f) => truncateSync(f, Math.floor(statSync(f).size / 2)), message: /build cache was ignored \(not valid JSON/ },
    { name: 'not an object', damage: (f) => writeFileSync(f, 'null'), message: /build cache was ignored \(the file: / },
    {
      name: 'wrong types',
      damage: (f) => editCache(f, (c) => ((c.briefs['brief-002'].outputs = 5), (c.briefs['brief-001'].key = 42))),
      message: /build cache was ignored \(briefs\.brief-00[12]\.(outputs|key): /,
    },
    { name: 'a source of /dev/zero', damage: (f) => editCache(f, (c) => (c.briefs['brief-001'].sources[0].path = '/dev/zero')), message: /sources\.0\.path: not a relative path inside its folder/ },
    {
      name: 'a source outside the manuscript',
      damage: (f) => editCache(f, (c) => (c.briefs['brief-002'].sources[1].path = '../../etc/passwd')),
      message: /sources\.1\.path: not a relative path inside its folder/,
    },
    { name: 'outputs with ../', damage: (f) => editCache(f, (c) => c.briefs['brief-003'].outputs.push('../manuscript/series.yaml')), message: /outputs\.\d+: not a relative path inside its folder/ },
    {
      name: 'an entry of another slug',
      damage: (f) => editCache(f, (c) => (c.briefs['brief-001'].entry.slug = 'brief-002')),
      message: /briefs\.brief-001\.entry\.slug: not brief-001/,
    },
    {
      name: 'a cache of an older format',
      damage: (f) => writeFileSync(f, JSON.stringify({ format: 1, briefs: { 'brief-001': { key: 'x', sources: [], outputs: [], briefHash: 'x', head: { title: 'Tampered', date: '2015-01-05', number: 3 } } } })),
      message: /build cache was ignored \(written by an older briefpress \(format 1\)\)/,
    },
    {
      name: 'a FIFO in place of the cache',
      damage: (f) => {
        rmSync(f);
        execFileSync('mkfifo', [f]);
      },
      message: /build cache was ignored \(it is not a regular file/,
    },
  ];
  it('(an undamaged cache, moved with its manuscript and output folder, is trusted)', async () => {
    const { root, out } = await built();
    const r = await build(root, out);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/cache-ignored/);
    expect(summary(r)).toEqual([0, 3, 0]);
  });
  for (const c of cases) {
    it(c.name, async () => {
      const { root, out, cacheFile } = await built();
      c.damage(cacheFile, root);
      const r = await build(root, out);
      expect(r.stderr).toMatch(c.message);
      expect(r.stderr).toMatch(/cache-ignored/);
      expect(r.stderr).not.toMatch(/TypeError|internal error|\n\s+at /);
      expect(r.code).toBe(0);
      expect(summary(r)).toEqual([3, 0, 0]);
      expectCatalogMatches(root, out);
      // Rewritten: the next build trusts it, silently.
      const again = await build(root, out);
      expect(again.code).toBe(0);
      expect(again.stderr).not.toMatch(/cache-ignored/);
      expect(summary(again)).toEqual([0, 3, 0]);
      expect(readJson(cacheFile).format).toBe(2);
    });
  }
});

describe('a folder in place of the cache', () => {
  it('is left alone: every build rebuilds, with a warning, until it is removed', async () => {
    const { root, out, cacheFile } = await built();
    rmSync(cacheFile);
    mkdirSync(cacheFile);
    for (let i = 0; i < 2; i++) {
      const r = await build(root, out);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/briefpress-cache\.json\s+warning\s+The build cache is a folder: it was ignored and is not written.*cache-ignored/);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(summary(r)).toEqual([3, 0, 0]);
      expect(statSync(cacheFile).isDirectory()).toBe(true);
    }
    expectCatalogMatches(root, out);
    rmSync(cacheFile, { recursive: true });
    expect(summary(await build(root, out))).toEqual([3, 0, 0]);
    expect(summary(await build(root, out))).toEqual([0, 3, 0]);
  });
});

describe('a cache that validates never outranks the manuscript', () => {
  it('a number or title changed in the cache changes nothing', async () => {
    const { root, out, cacheFile } = await built();
    const catalog = readFileSync(path.join(out, 'catalog.json'), 'utf8');
    editCache(cacheFile, (c) => {
      for (const [slug, e] of Object.entries<any>(c.briefs)) {
        e.entry.title = `Tampered ${slug}`;
        e.entry.number = 9;
      }
    });
    const r = await build(root, out);
    expect(r.code).toBe(0);
    expect(summary(r)).toEqual([0, 3, 0]);
    expect(readFileSync(path.join(out, 'catalog.json'), 'utf8')).toBe(catalog);
    expectCatalogMatches(root, out);
    // The remembered entries are the manuscript's again (they serve only while a brief fails).
    expect(Object.values<any>(readJson(cacheFile).briefs).map((e) => e.entry.title)).toEqual(['Critical Question 1', 'Critical Question 2', 'Critical Question 3']);
  });

  it('a deleted brief leaves the catalog and the cache, and an invented one never enters', async () => {
    const { root, out, cacheFile } = await built();
    rmSync(path.join(root, 'briefs/brief-003'), { recursive: true });
    editCache(cacheFile, (c) => (c.briefs['brief-999'] = { ...c.briefs['brief-001'], entry: { ...c.briefs['brief-001'].entry, slug: 'brief-999', title: 'Tampered', number: 4 } }));
    const r = await build(root, out);
    expect(r.code).toBe(0);
    // brief-002 lost its "next" neighbour: rebuilt; brief-001 is unchanged.
    expect(summary(r)).toEqual([1, 1, 0]);
    expectCatalogMatches(root, out);
    expect(Object.keys(readJson(cacheFile).briefs)).toEqual(['brief-001', 'brief-002']);
  });

  it('a source named in the cache that is a FIFO, a folder or missing is not read: that brief is rebuilt', async () => {
    const { root, out, cacheFile } = await built();
    execFileSync('mkfifo', [path.join(root, 'briefs/brief-001/pipe')]);
    editCache(cacheFile, (c) => {
      c.briefs['brief-001'].sources.push({ path: 'briefs/brief-001/pipe', hash: 'a'.repeat(64) });
      c.briefs['brief-002'].sources.push({ path: 'briefs', hash: 'b'.repeat(64) });
      c.briefs['brief-003'].sources.push({ path: 'briefs/brief-003/gone.png', hash: 'c'.repeat(64) });
    });
    const r = await build(root, out);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/killed|internal error/);
    expect(summary(r)).toEqual([3, 0, 0]);
    expectCatalogMatches(root, out);
    expect((await build(root, out)).stderr).toMatch(/0 built, 3 unchanged/);
  });

  it('a theme file that is a FIFO or leads outside is an error, never read', async () => {
    const { root, out } = series(1);
    const theme = path.join(root, 'theme/csis');
    mkdirSync(theme, { recursive: true });
    execFileSync('mkfifo', [path.join(theme, 'extra.css')]);
    const fifo = await build(root, out);
    expect(fifo.code).toBe(1);
    expect(fifo.stderr).toMatch(/extra\.css\s+error\s+The theme file is not a regular file.*input-not-file/);
    rmSync(path.join(theme, 'extra.css'));
    symlinkSync('/dev/zero', path.join(theme, 'zero.css'));
    const zero = await build(root, out);
    expect(zero.code).toBe(1);
    expect(zero.stderr).toMatch(/zero\.css\s+error\s+The theme file leads outside .*input-outside/);
  });

  it('--force rebuilds every brief and writes the cache afresh', async () => {
    const { root, out, cacheFile } = await built();
    const catalog = readFileSync(path.join(out, 'catalog.json'), 'utf8');
    writeFileSync(cacheFile, '{ "format": 2, "briefs": ');
    const forced = await build(root, out, ['--force']);
    expect(forced.code).toBe(0);
    expect(summary(forced)).toEqual([3, 0, 0]);
    expect(readJson(cacheFile).format).toBe(2);
    // The same manuscript: the same catalog, byte for byte (an unchanged brief's entry is made as a built one's).
    expect(readFileSync(path.join(out, 'catalog.json'), 'utf8')).toBe(catalog);
    const again = await build(root, out);
    expect(again.stderr).not.toMatch(/cache-ignored/);
    expect(summary(again)).toEqual([0, 3, 0]);
  });
});

describe('a brief that fails keeps its last good editions and its catalog entry', () => {
  it('front matter that no longer parses: exit 1 with the position, editions and entry kept', async () => {
    const { root, out } = series(numbered(3));
    expect((await build(root, out)).code).toBe(0);
    const file = path.join(root, 'briefs/brief-002/brief.md');
    const good = readFileSync(file, 'utf8');
    const page = path.join(out, 'brief-002/index.html');
    const before = readFileSync(page, 'utf8');
    writeFileSync(file, good.replace(/^title: .*$/m, 'title: [Tampered'));
    const r = await build(root, out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/briefs\/brief-002\/brief\.md:\d+:\d+\s+error\s+YAML syntax.*yaml-syntax/);
    expect(summary(r)).toEqual([2, 0, 1]); // its neighbours link past it: the manuscript no longer numbers it
    expect(readFileSync(page, 'utf8')).toBe(before);
    // The catalog still lists it as its editions show it: the last good title and number.
    expectCatalogMatches(root, out, [
      { slug: 'brief-001', number: 1, title: 'Critical Question 1' },
      { slug: 'brief-002', number: 2, title: 'Critical Question 2' },
      { slug: 'brief-003', number: 3, title: 'Critical Question 3' },
    ]);
    // Fixed: rebuilt, with its new title everywhere.
    writeFileSync(file, good.replace(/^title: .*$/m, 'title: "Critical Question Two"'));
    const fixed = await build(root, out);
    expect(fixed.code).toBe(0);
    expect(summary(fixed)).toEqual([3, 0, 0]); // its neighbours link to it by its new title
    expectCatalogMatches(root, out);
  });

  it('a target that fails after another wrote: every last good file is put back, nothing of the attempt stays', async () => {
    const { root, out } = series(numbered(2));
    const formats = ['--format', 'html,epub'];
    expect((await cli(['build', root, '--out', out, ...formats])).code).toBe(0);
    const folder = path.join(out, 'brief-002');
    const snapshot = () => Object.fromEntries(readdirSync(folder, { recursive: true, encoding: 'utf8' }).sort().map((f) => [f, statSync(path.join(folder, f)).isFile() ? readFileSync(path.join(folder, f)).toString('base64') : 'folder']));
    const before = snapshot();
    // A link to nowhere in the brief's own disclaimer: the web page is written, then the EPUB refuses it.
    const file = path.join(root, 'briefs/brief-002/brief.md');
    const bad = (text: string) => text.replace(/^title: .*$/m, 'title: "Critical Question Two"\ndisclaimer: "Read [the rest](#nowhere-at-all)."').replace('Secretary Kerry is in Sochi', 'Secretary Kerry is in Yalta');
    writeFileSync(file, bad(readFileSync(file, 'utf8')));
    // And a new brief with the same fault: none of its files may stay.
    const fresh = path.join(root, 'briefs/brief-003');
    mkdirSync(fresh);
    writeFileSync(path.join(fresh, 'brief.md'), bad(readFileSync(file, 'utf8')).replace(/^number: 2$/m, 'number: 3'));
    const r = await cli(['build', root, '--out', out, ...formats]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/brief-002\/brief\.md.*error\s+Link to `#nowhere-at-all` points to nothing in the brief\s+link-fragment/);
    expect(summary(r)).toEqual([1, 0, 2]); // brief-001 links to the new title of brief-002
    expect(snapshot()).toEqual(before);
    const newFolder = path.join(out, 'brief-003');
    expect(existsSync(newFolder) ? readdirSync(newFolder, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(path.join(newFolder, f)).isFile()) : []).toEqual([]);
    expectCatalogMatches(root, out, [
      { slug: 'brief-001', number: 1, title: 'Critical Question 1' },
      { slug: 'brief-002', number: 2, title: 'Critical Question 2' },
    ]);
  });

  it('a failing brief whose number another brief now claims leaves the catalog', async () => {
    const { root, out } = series(numbered(3));
    expect((await build(root, out)).code).toBe(0);
    const file = path.join(root, 'briefs/brief-002/brief.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^title: .*$/m, 'title: [broken'));
    const third = path.join(root, 'briefs/brief-003/brief.md');
    writeFileSync(third, readFileSync(third, 'utf8').replace(/^number: 3$/m, 'number: 2'));
    const r = await build(root, out);
    expect(r.code).toBe(1);
    expectCatalogMatches(root, out, [
      { slug: 'brief-001', number: 1, title: 'Critical Question 1' },
      { slug: 'brief-003', number: 2, title: 'Critical Question 3' },
    ]);
  });

  it('a failing brief whose editions are no longer all on disk leaves the catalog', async () => {
    const { root, out } = series(numbered(2));
    expect((await build(root, out)).code).toBe(0);
    const file = path.join(root, 'briefs/brief-002/brief.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace('- id: jeffrey-mankoff', '- id: nobody'));
    rmSync(path.join(out, 'brief-002/style.css'));
    const r = await build(root, out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/author-missing/);
    expect(readJson(path.join(out, 'catalog.json')).briefs.map((b: { slug: string }) => b.slug)).toEqual(['brief-001']);
  });
});

describe('a file edited while the build runs', () => {
  // BRIEFPRESS_TEST_PAUSE_AFTER_READ holds each brief after its files were read; the test edits a
  // file in that window, for real, then checks the warning, and that the next build rebuilds.
  const pause = { BRIEFPRESS_TEST_PAUSE_AFTER_READ: '5000' };
  const all = ['--format', 'html,epub,pdf', '--no-previews'];

  async function editDuring(root: string, out: string, file: string, from: string, to: string): Promise<Run> {
    const original = readFileSync(file, 'utf8');
    expect(original).toContain(from);
    let edited = false;
    const r = await cli(['build', root, '--out', out, ...all], {
      env: pause,
      timeoutMs: 120_000,
      onStderr: (text) => {
        if (!edited && /test pause after reading brief-001/.test(text)) {
          edited = true;
          writeFileSync(file, original.replaceAll(from, to));
        }
      },
    });
    expect(edited, r.stderr).toBe(true);
    return r;
  }

  async function editionsText(out: string): Promise<{ html: string; epub: string; pdf: string }> {
    const epub = await openEpub(path.join(out, 'brief-001/brief-001.epub'));
    const docs = await Promise.all(epub.names.filter((n) => n.endsWith('.xhtml')).map((n) => epub.text(n)));
    return {
      html: readFileSync(path.join(out, 'brief-001/index.html'), 'utf8'),
      epub: docs.join('\n'),
      pdf: searchable(pdftext(path.join(out, 'brief-001/brief-001.pdf'))),
    };
  }

  it('brief.md: this build warns, the next rebuilds, and every edition shows the new text', async () => {
    const { root, out } = series(1);
    const file = path.join(root, 'briefs/brief-001/brief.md');
    const r = await editDuring(root, out, file, 'Secretary Kerry is in Sochi', 'Secretary Kerry is in Yalta');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/brief\.md changed while the brief was being built: its editions show the earlier text; the next build rebuilds it\s+source-changed/);
    expect((await editionsText(out)).html).toContain('Secretary Kerry is in Sochi');

    const next = await cli(['build', root, '--out', out, ...all], { timeoutMs: 120_000 });
    expect(next.code).toBe(0);
    expect(summary(next)).toEqual([1, 0, 0]);
    expect(next.stderr).not.toMatch(/source-changed/);
    const text = await editionsText(out);
    for (const edition of [text.html, text.epub, text.pdf]) {
      expect(edition).toContain('Secretary Kerry is in Yalta');
      expect(edition).not.toContain('Secretary Kerry is in Sochi');
    }
    expect(summary(await cli(['build', root, '--out', out, ...all]))).toEqual([0, 1, 0]);
  });

  it('the series disclaimer: this build warns, the next rebuilds every brief with the new text', async () => {
    const { root, out } = series(1);
    const file = path.join(root, 'boilerplate/disclaimer.md');
    const r = await editDuring(root, out, file, 'a private, tax-exempt institution', 'a private, tax-exempt research institution');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/disclaimer\.md\s+warning\s+.*disclaimer\.md changed while the series was being built: the editions built in this run show the earlier text; the next build rebuilds them\s+source-changed/);

    const next = await cli(['build', root, '--out', out, ...all], { timeoutMs: 120_000 });
    expect(next.code).toBe(0);
    expect(summary(next)).toEqual([1, 0, 0]);
    const text = await editionsText(out);
    for (const edition of [text.html, text.epub, text.pdf]) expect(edition).toContain('tax-exempt research institution');
  });
});
