/**
 * Input faults through the real CLI (issue 11, sections 2, 5 and 7): symlinks of each kind that lead
 * out of the manuscript, brief.md that is not a file, YAML that expands aliases, unknown themes,
 * broken author files and folders, text that is not UTF-8. Each case asserts the exit code, the
 * positioned message and rule id, no stack trace, which briefs were built, and that a secret planted
 * outside the manuscript appears in no file of --out (the EPUBs' zip entries included).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, type CliResult } from './helpers/cli.js';
import { runEpubcheck } from './helpers/validators.js';

const base = path.join(repoRoot, 'tests/fixtures/broken/_base');
const secret = `SECRET-${randomBytes(8).toString('hex')}`;
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A 1x1 PNG that carries `text` in a tEXt chunk (a valid image: only its bytes give the secret away). */
function png(text: string): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.from(`Comment\0${text}`, 'latin1')),
    chunk('IDAT', deflateSync(Buffer.from([0, 255, 255, 255]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const brief = (title: string, opts: { authors?: string; extra?: string; body?: string } = {}) =>
  `---\ntitle: ${title}\nauthors: [${opts.authors ?? 'ann-author'}]\ndate: 2020-01-02\nsummary: A brief of the input-fault tests.\n${opts.extra ?? ''}---\n\n${opts.body ?? '## Is this a question?\n\nYes, and this is its answer.\n'}`;

/**
 * A series of two briefs: `sample` (by ann-author, with an image, the series boilerplate) and
 * `other` (by bob, its own disclaimer), plus the files planted outside it, each full of the secret.
 */
function makeCase(): { dir: string; ms: string; outside: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bp-faults-'));
  made.push(dir);
  const ms = path.join(dir, 'manuscript');
  cpSync(base, ms, { recursive: true });
  writeFileSync(path.join(ms, 'briefs/sample/brief.md'), brief('A Sample Brief', { body: '## Is this a question?\n\nYes.\n\n![A white dot](dot.png)\n' }));
  writeFileSync(path.join(ms, 'briefs/sample/dot.png'), png('an ordinary dot'));
  writeFileSync(path.join(ms, 'authors/bob.md'), '---\nname: Bob Writer\n---\nBob writes briefs.\n');
  mkdirSync(path.join(ms, 'briefs/other'));
  writeFileSync(path.join(ms, 'briefs/other/brief.md'), brief('Another Brief', { authors: 'bob', extra: 'disclaimer: This brief has its own disclaimer.\n' }));

  const outside = path.join(dir, 'outside');
  mkdirSync(path.join(outside, 'folder'), { recursive: true });
  writeFileSync(path.join(outside, 'brief.md'), brief(`Leaked ${secret}`, { body: `## Why?\n\n${secret}\n` }));
  writeFileSync(path.join(outside, 'folder/brief.md'), brief(`Leaked ${secret}`, { body: `## Why?\n\n${secret}\n` }));
  writeFileSync(path.join(outside, 'author.md'), `---\nname: Ann ${secret}\n---\n${secret} bio.\n`);
  writeFileSync(path.join(outside, 'disclaimer.md'), `${secret} disclaimer.\n`);
  writeFileSync(path.join(outside, 'series.yaml'), readFileSync(path.join(base, 'series.yaml'), 'utf8').replace('name: Test Questions', `name: ${secret}`));
  writeFileSync(path.join(outside, 'secret.png'), png(secret));
  writeFileSync(path.join(outside, 'style.css'), `/* ${secret} */\nbody { color: black; }\n`);
  writeFileSync(path.join(outside, 'theme.yaml'), readFileSync(path.join(repoRoot, 'templates/csis/theme.yaml'), 'utf8').replace('name: CSIS', `name: ${secret}`));
  mkdirSync(path.join(outside, 'theme'));
  cpSync(path.join(outside, 'theme.yaml'), path.join(outside, 'theme/theme.yaml'));
  cpSync(path.join(outside, 'style.css'), path.join(outside, 'theme/style.css'));
  return { dir, ms, outside };
}

const build = (dir: string, formats = 'html,epub'): CliResult => runCli(['build', 'manuscript', '--out', 'out', '--format', formats], { cwd: dir });

function filesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** Every file of `out` holding `needle`, EPUB zip entries searched entry by entry (uncompressed). */
async function filesHolding(out: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const f of filesIn(out)) {
    const bytes = readFileSync(f);
    if (bytes.includes(needle)) hits.push(f);
    if (f.endsWith('.epub')) {
      const zip = await JSZip.loadAsync(bytes);
      for (const name of Object.keys(zip.files)) {
        if ((await zip.file(name)?.async('nodebuffer'))?.includes(needle)) hits.push(`${f}!/${name}`);
      }
    }
  }
  return hits;
}

const built = (dir: string) =>
  ['sample', 'other', 'leak']
    .filter((s) => existsSync(path.join(dir, 'out', s, 'index.html')))
    .sort();

function expectReported(r: CliResult, place: string, ruleId: string, code = 1) {
  expect(r.code, r.stderr).toBe(code);
  const line = r.stderr.split('\n').find((l) => l.startsWith(`${place}  error  `));
  expect(line, r.stderr).toBeDefined();
  expect(line!.endsWith(`  ${ruleId}`), line).toBe(true);
  expect(r.stderr.split('\n')[r.stderr.split('\n').indexOf(line!) + 1]).toMatch(/^ {2}hint: \S/);
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
  expect(r.stderr).not.toMatch(/internal error/);
}

const rel = (target: string, from: string) => path.relative(path.dirname(from), target);

describe('a symlink that leads out of the manuscript', () => {
  const kinds: { kind: string; link: string; to: string; place: string; ruleId?: string; built: string[] }[] = [
    { kind: 'brief.md', link: 'briefs/sample/brief.md', to: 'brief.md', place: 'manuscript/briefs/sample/brief.md', built: ['other'] },
    { kind: 'author file', link: 'authors/ann-author.md', to: 'author.md', place: 'manuscript/authors/ann-author.md', built: ['other'] },
    { kind: 'boilerplate file', link: 'boilerplate/disclaimer.md', to: 'disclaimer.md', place: 'manuscript/boilerplate/disclaimer.md', built: ['other'] },
    { kind: 'series.yaml', link: 'series.yaml', to: 'series.yaml', place: 'manuscript/series.yaml', built: [] },
    { kind: 'brief folder', link: 'briefs/leak', to: 'folder', place: 'manuscript/briefs/leak', built: ['other', 'sample'] },
    { kind: 'image', link: 'briefs/sample/dot.png', to: 'secret.png', place: 'manuscript/briefs/sample/brief.md:12:1', ruleId: 'image-outside', built: ['other'] },
    { kind: 'theme stylesheet', link: 'theme/csis/style.css', to: 'style.css', place: 'manuscript/theme/csis/style.css', built: [] },
    { kind: 'theme.yaml', link: 'theme/csis/theme.yaml', to: 'theme.yaml', place: 'manuscript/theme/csis/theme.yaml', built: [] },
    { kind: 'theme folder', link: 'theme/csis', to: 'theme', place: 'manuscript/theme/csis', built: [] },
  ];
  for (const k of kinds) {
    it(`(${k.kind}) is a positioned error; only what uses it fails; the secret is in no output file`, async () => {
      const { dir, ms, outside } = makeCase();
      const link = path.join(ms, k.link);
      mkdirSync(path.dirname(link), { recursive: true });
      rmSync(link, { force: true });
      symlinkSync(path.join(outside, k.to), link);
      const r = build(dir);
      expectReported(r, k.place, k.ruleId ?? 'input-outside');
      expect(built(dir)).toEqual(k.built);
      expect(await filesHolding(path.join(dir, 'out'), secret)).toEqual([]);
      if (k.built.length === 0) expect(filesIn(path.join(dir, 'out'))).toEqual([]);
    });
  }

  // The search above can fail: the same files copied into the manuscript do reach the editions.
  it('(control) copied in instead of linked, the secret is found in the web page and inside the EPUB', async () => {
    const { dir, ms, outside } = makeCase();
    cpSync(path.join(outside, 'brief.md'), path.join(ms, 'briefs/sample/brief.md'));
    cpSync(path.join(outside, 'secret.png'), path.join(ms, 'briefs/other/dot.png'));
    writeFileSync(path.join(ms, 'briefs/other/brief.md'), brief('Another Brief', { authors: 'bob', body: '## Q?\n\n![A dot](dot.png)\n' }));
    const r = build(dir);
    expect(r.code, r.stderr).toBe(0);
    const hits = (await filesHolding(path.join(dir, 'out'), secret)).map((h) => path.relative(path.join(dir, 'out'), h));
    expect(hits).toEqual(expect.arrayContaining(['sample/index.html', 'sample/sample.epub!/OEBPS/brief.xhtml']));
    expect(hits.some((h) => /^other\/images\/[0-9a-f]+\.png$/.test(h))).toBe(true);
    expect(hits.some((h) => /^other\/other\.epub!\/.+\.png$/.test(h))).toBe(true);
  });

  it('a symlink to a file or folder inside the manuscript (or a theme file inside the theme) still works', async () => {
    const { dir, ms } = makeCase();
    const shared = path.join(ms, 'shared');
    mkdirSync(path.join(ms, 'drafts/linked'), { recursive: true });
    mkdirSync(shared);
    // author file, boilerplate, image and brief.md: each a relative link to a file elsewhere in the manuscript
    for (const [file, target] of [
      ['authors/ann-author.md', 'shared/ann.md'],
      ['boilerplate/disclaimer.md', 'shared/disclaimer.md'],
      ['briefs/sample/dot.png', 'shared/dot.png'],
      ['briefs/other/brief.md', 'shared/other.md'],
    ] as const) {
      cpSync(path.join(ms, file), path.join(ms, target));
      rmSync(path.join(ms, file));
      symlinkSync(rel(path.join(ms, target), path.join(ms, file)), path.join(ms, file));
    }
    writeFileSync(path.join(ms, 'shared/disclaimer.md'), 'The linked disclaimer.\n');
    writeFileSync(path.join(ms, 'drafts/linked/brief.md'), brief('A Linked Folder'));
    symlinkSync('../drafts/linked', path.join(ms, 'briefs/linked'));
    // a theme override whose stylesheet links to another file of the same theme folder
    const theme = path.join(ms, 'theme/csis');
    mkdirSync(theme, { recursive: true });
    cpSync(path.join(repoRoot, 'templates/csis/style.css'), path.join(theme, 'house.css'));
    writeFileSync(path.join(theme, 'house.css'), `${readFileSync(path.join(theme, 'house.css'), 'utf8')}\n/* linked-house-style */\n`);
    symlinkSync('house.css', path.join(theme, 'style.css'));
    const r = build(dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/ error /);
    for (const slug of ['sample', 'other', 'linked']) expect(existsSync(path.join(dir, 'out', slug, 'index.html')), slug).toBe(true);
    expect(readFileSync(path.join(dir, 'out/sample/index.html'), 'utf8')).toContain('The linked disclaimer.');
    expect(readFileSync(path.join(dir, 'out/sample/style.css'), 'utf8')).toContain('linked-house-style');
    expect(readdirSync(path.join(dir, 'out/sample/images'))).toHaveLength(1);
  });
});

describe('brief.md that is not a regular file', () => {
  const cases: { kind: string; plant: (file: string) => void; ruleId: string; message: RegExp }[] = [
    { kind: 'a folder', plant: (f) => mkdirSync(f), ruleId: 'input-not-file', message: /is a folder/ },
    { kind: 'a FIFO', plant: (f) => execFileSync('mkfifo', [f]), ruleId: 'input-not-file', message: /not a regular file/ },
    { kind: 'a dangling symlink', plant: (f) => symlinkSync('nowhere.md', f), ruleId: 'input-unreadable', message: /symlink to nothing/ },
    { kind: 'a symlink loop', plant: (f) => symlinkSync('brief.md', f), ruleId: 'input-unreadable', message: /symlink loop/ },
    // sparse: 65 MB on paper, nothing on disk; refused from its size, before a byte is read
    { kind: 'larger than 64 MB', plant: (f) => (writeFileSync(f, brief('Huge')), truncateSync(f, 65 * 1024 * 1024)), ruleId: 'input-too-large', message: /is 65 MB, more than briefpress reads/ },
  ];
  for (const c of cases) {
    it(`(${c.kind}) fails that brief with a message at brief.md; the other brief is built`, () => {
      const { dir, ms } = makeCase();
      const file = path.join(ms, 'briefs/sample/brief.md');
      rmSync(file);
      c.plant(file);
      const r = build(dir, 'html');
      expectReported(r, 'manuscript/briefs/sample/brief.md', c.ruleId);
      expect(r.stderr).toMatch(c.message);
      expect(built(dir)).toEqual(['other']);
      // the catalog lists the brief that was built
      expect(readFileSync(path.join(dir, 'out/index.html'), 'utf8')).toContain('Another Brief');
    });
  }

  it('a dangling symlink in briefs/ is an error at that folder (exit 1); the other briefs are built', () => {
    const { dir, ms } = makeCase();
    symlinkSync('../nowhere', path.join(ms, 'briefs/ghost'));
    const r = build(dir, 'html');
    expectReported(r, 'manuscript/briefs/ghost', 'input-unreadable');
    expect(built(dir)).toEqual(['other', 'sample']);
  });
});

describe('other inputs that are not regular files', () => {
  it('an image that is a FIFO is never read: a positioned error for that brief (no hang); the other brief is built', () => {
    const { dir, ms } = makeCase();
    const img = path.join(ms, 'briefs/sample/dot.png');
    rmSync(img);
    execFileSync('mkfifo', [img]);
    const r = build(dir, 'html');
    expectReported(r, 'manuscript/briefs/sample/brief.md:12:1', 'input-not-file');
    expect(built(dir)).toEqual(['other']);
  });

  it("the series' theme folder as a symlink to nothing is an error there, not a silent fall back to the stock theme", () => {
    const { dir, ms } = makeCase();
    mkdirSync(path.join(ms, 'theme'), { recursive: true });
    symlinkSync('../nowhere', path.join(ms, 'theme/csis'));
    const r = build(dir, 'html');
    expectReported(r, 'manuscript/theme/csis', 'input-unreadable');
    expect(built(dir)).toEqual([]);
  });

  it('when no brief could be built, the catalog is not written, and the CLI says so', () => {
    const { dir, ms } = makeCase();
    for (const slug of ['sample', 'other']) writeFileSync(path.join(ms, 'briefs', slug, 'brief.md'), 'no front matter\n');
    const r = build(dir, 'html');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('· catalog not written: no brief has editions yet');
    expect(existsSync(path.join(dir, 'out/index.html'))).toBe(false);
  });
});

/** Nine levels of nine aliases: 387 million strings once expanded ("billion laughs"). */
const bomb = (indent = '') => {
  let y = `${indent}lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n`;
  for (let i = 1; i < 9; i++) y += `${indent}lol${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]\n`;
  return y;
};

describe('YAML that expands aliases without end', () => {
  it('in a front matter: a positioned yaml-syntax error for that brief, whose editions stay untouched; the healthy brief is rebuilt whole', async () => {
    const { dir, ms } = makeCase();
    expect(build(dir).code).toBe(0);
    const before = new Map(filesIn(path.join(dir, 'out')).map((f) => [f, readFileSync(f)]));
    const mtimes = new Map([...before.keys()].map((f) => [f, statSync(f).mtimeMs]));
    const file = path.join(ms, 'briefs/sample/brief.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace('date: 2020-01-02\n', `date: 2020-01-02\n${bomb()}`));
    // --force: the healthy brief is rebuilt too, while the other one fails
    const r = runCli(['build', 'manuscript', '--out', 'out', '--format', 'html,epub', '--force'], { cwd: dir });
    expectReported(r, 'manuscript/briefs/sample/brief.md:6:12', 'yaml-syntax');
    expect(r.stderr).toMatch(/✓ other/);
    // The failed brief keeps its last good editions, untouched. (The healthy brief may be renumbered
    // now that the other drops out of the numbering: its files are whole, not the same bytes.)
    const inFolder = (slug: string) => [...before.keys()].filter((f) => path.relative(path.join(dir, 'out'), f).startsWith(`${slug}${path.sep}`));
    expect(inFolder('sample').length).toBeGreaterThan(3);
    for (const f of inFolder('sample')) {
      expect(readFileSync(f).equals(before.get(f)!), f).toBe(true);
      expect(statSync(f).mtimeMs, f).toBe(mtimes.get(f));
    }
    expect(filesIn(path.join(dir, 'out/other')).sort()).toEqual(inFolder('other').sort());
    await JSZip.loadAsync(readFileSync(path.join(dir, 'out/other/other.epub')));
    expect(readFileSync(path.join(dir, 'out/other/index.html'), 'utf8')).toMatch(/<\/html>\s*$/);
  });

  it('in series.yaml: exit 1 at the first alias, nothing written', () => {
    const { dir, ms } = makeCase();
    writeFileSync(path.join(ms, 'series.yaml'), `${readFileSync(path.join(ms, 'series.yaml'), 'utf8')}${bomb()}`);
    const r = build(dir, 'html');
    expectReported(r, 'manuscript/series.yaml:10:12', 'yaml-syntax');
    expect(filesIn(path.join(dir, 'out'))).toEqual([]);
  });

  it('in an author file: the briefs naming that author fail with its message; the others are built', () => {
    const { dir, ms } = makeCase();
    writeFileSync(path.join(ms, 'authors/ann-author.md'), `---\nname: Ann Author\n${bomb()}---\nBio.\n`);
    const r = build(dir, 'html');
    expectReported(r, 'manuscript/authors/ann-author.md:4:12', 'yaml-syntax');
    expect(built(dir)).toEqual(['other']);
  });

  it("in a theme's theme.yaml: exit 1 positioned in theme.yaml", () => {
    const { dir, ms } = makeCase();
    mkdirSync(path.join(ms, 'theme/csis'), { recursive: true });
    writeFileSync(path.join(ms, 'theme/csis/theme.yaml'), `${readFileSync(path.join(repoRoot, 'templates/csis/theme.yaml'), 'utf8')}${bomb()}`);
    const r = build(dir, 'html');
    expect(r.stderr).toMatch(/^manuscript\/theme\/csis\/theme\.yaml:\d+:\d+ {2}error {2}.+ {2}yaml-syntax$/m);
    expect(r.code).toBe(1);
    expect(filesIn(path.join(dir, 'out'))).toEqual([]);
  });
});

describe('faults stay in what they touch', () => {
  it('a bad slug folder, a broken author file and a broken front matter fail only their briefs (exit 1); the catalog lists the rest', () => {
    const { dir, ms } = makeCase();
    for (const slug of ['third', 'fourth']) {
      mkdirSync(path.join(ms, 'briefs', slug));
      writeFileSync(path.join(ms, 'briefs', slug, 'brief.md'), brief(`Brief ${slug}`, { authors: 'bob' }));
    }
    mkdirSync(path.join(ms, 'briefs/Not_A_Slug'));
    writeFileSync(path.join(ms, 'briefs/Not_A_Slug/brief.md'), brief('Bad slug'));
    writeFileSync(path.join(ms, 'authors/ann-author.md'), '---\nname: Ann Author\nposition: Fellow\n---\nBio.\n');
    writeFileSync(path.join(ms, 'briefs/third/brief.md'), brief('Third', { authors: 'bob', extra: 'date: twice\n' }));
    const r = build(dir, 'html');
    expectReported(r, 'manuscript/briefs/Not_A_Slug', 'slug-invalid');
    expectReported(r, 'manuscript/authors/ann-author.md:3:1', 'author-schema');
    expect(r.stderr).toMatch(/^manuscript\/briefs\/third\/brief\.md:\d+:\d+ {2}error {2}/m);
    expect(r.stderr).toMatch(/✗ 2 built, 0 unchanged, 2 failed/);
    expect(existsSync(path.join(dir, 'out/other/index.html'))).toBe(true);
    expect(existsSync(path.join(dir, 'out/fourth/index.html'))).toBe(true);
    expect(existsSync(path.join(dir, 'out/sample'))).toBe(false);
    expect(existsSync(path.join(dir, 'out/third'))).toBe(false);
    const catalog = readFileSync(path.join(dir, 'out/index.html'), 'utf8');
    expect(catalog).toContain('Another Brief');
    expect(catalog).toContain('Brief fourth');
  });

  it('a broken author file that no brief names still fails the build (exit 1), once, and every brief is built', () => {
    const { dir, ms } = makeCase();
    writeFileSync(path.join(ms, 'authors/nobody.md'), 'no front matter\n');
    const r = build(dir, 'html');
    expectReported(r, 'manuscript/authors/nobody.md:1:1', 'author-schema');
    expect(r.stderr.match(/authors\/nobody\.md/g)).toHaveLength(1);
    expect(built(dir)).toEqual(['other', 'sample']);
  });

  it("a broken series disclaimer fails the briefs that use it, not a brief with its own", () => {
    const { dir, ms } = makeCase();
    rmSync(path.join(ms, 'boilerplate/disclaimer.md'));
    const r = build(dir, 'html');
    expectReported(r, 'manuscript/boilerplate/disclaimer.md', 'boilerplate-missing');
    expect(built(dir)).toEqual(['other']);
  });

  it('an unknown theme is an error at series.yaml\'s theme line (exit 1)', () => {
    const { dir, ms } = makeCase();
    writeFileSync(path.join(ms, 'series.yaml'), readFileSync(path.join(ms, 'series.yaml'), 'utf8').replace('theme: csis', 'theme: nope'));
    const r = build(dir, 'html');
    expectReported(r, 'manuscript/series.yaml:5:8', 'theme-missing');
    expect(filesIn(path.join(dir, 'out'))).toEqual([]);
  });
});

describe('check', () => {
  it('reports the same faults as a build, each once, and exits 1', () => {
    const { dir, ms, outside } = makeCase();
    symlinkSync(path.join(outside, 'folder'), path.join(ms, 'briefs/leak'));
    writeFileSync(path.join(ms, 'authors/ann-author.md'), '---\nname: Ann Author\nposition: Fellow\n---\nBio.\n');
    mkdirSync(path.join(ms, 'briefs/Not_A_Slug'));
    writeFileSync(path.join(ms, 'briefs/Not_A_Slug/brief.md'), brief('Bad slug'));
    const r = runCli(['check', 'manuscript', '--no-editions'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    for (const [place, rule] of [
      ['manuscript/briefs/leak', 'input-outside'],
      ['manuscript/authors/ann-author.md:3:1', 'author-schema'],
      ['manuscript/briefs/Not_A_Slug', 'slug-invalid'],
    ]) {
      const hits = r.stderr.split('\n').filter((l) => l.startsWith(`${place}  error  `));
      expect(hits, `${place}\n${r.stderr}`).toHaveLength(1);
      expect(hits[0]!.endsWith(`  ${rule}`)).toBe(true);
    }
    expect(r.stderr).not.toContain(secret);
  });
});

describe('silent changes of the text become warnings', () => {
  it('invalid UTF-8 and NUL bytes: warnings at their place (exit 0); the edition has U+FFFD and no NUL', async () => {
    const { dir, ms } = makeCase();
    const file = path.join(ms, 'briefs/other/brief.md');
    const [head, tail] = readFileSync(file, 'utf8').split('Yes, and this is its answer.');
    // line 11: "Caf" + a Latin-1 é (not UTF-8) + " au" + NUL + "lait."
    writeFileSync(file, Buffer.concat([Buffer.from(`${head}Caf`), Buffer.from([0xe9]), Buffer.from(` au\0lait.${tail}`)]));
    const r = build(dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^manuscript\/briefs\/other\/brief\.md:11:4 {2}warning {2}The file is not valid UTF-8.+ {2}text-encoding$/m);
    expect(r.stderr).toMatch(/^manuscript\/briefs\/other\/brief\.md:11:8 {2}warning {2}The file holds NUL characters.+ {2}text-encoding$/m);
    const page = readFileSync(path.join(dir, 'out/other/index.html'), 'utf8');
    expect(page).toContain('Caf\uFFFD aulait.');
    expect(page).not.toContain('\0');
    const zip = await JSZip.loadAsync(readFileSync(path.join(dir, 'out/other/other.epub')));
    expect(await zip.file('OEBPS/brief.xhtml')!.async('string')).toContain('Caf\uFFFD aulait.');
  });

  it('a brief of a Q&A series without a ## question: a no-questions warning (exit 0)', () => {
    const { dir, ms } = makeCase();
    writeFileSync(path.join(ms, 'briefs/other/brief.md'), brief('Another Brief', { authors: 'bob', body: 'An essay without questions.\n' }));
    const r = build(dir, 'html');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^manuscript\/briefs\/other\/brief\.md:8:1 {2}warning {2}The brief has no question.+ {2}no-questions$/m);
  });
});

describe('editions left in --out after the faults', () => {
  let dir: string;
  beforeAll(() => {
    ({ dir } = makeCase());
    const { ms, outside } = { ms: path.join(dir, 'manuscript'), outside: path.join(dir, 'outside') };
    rmSync(path.join(ms, 'authors/ann-author.md'));
    symlinkSync(path.join(outside, 'author.md'), path.join(ms, 'authors/ann-author.md'));
  });

  it('are valid: the EPUB of the brief built beside a failing one passes epubcheck', async () => {
    const r = build(dir);
    expect(r.code).toBe(1);
    const check = await runEpubcheck(path.join(dir, 'out/other/other.epub'));
    expect(check.messages.filter((m) => ['FATAL', 'ERROR', 'WARNING'].includes(m.severity)), check.output).toEqual([]);
    expect(check.exitCode).toBe(0);
  });
});

describe('a bug while building one brief', () => {
  it('writes nothing for the briefs still in progress (their files are held until they succeed)', async () => {
    const { build } = await import('../src/api.js');
    const list = await import('../src/targets/list.js');
    const { dir } = makeCase();
    // A test target: on `sample` it fails as a bug would; on `other` it finishes only after that
    // failure was reported, when `other`'s web page is already made.
    let crashed!: () => void;
    const gate = new Promise<void>((resolve) => (crashed = resolve));
    const probe = {
      name: 'probe',
      build: async (b: { slug: string }) => {
        if (b.slug === 'sample') throw new Error('a bug in a target');
        await gate;
        return [];
      },
    };
    (list.targets as unknown as object[]).push(probe);
    (list.targetNames as string[]).push('probe');
    try {
      const run = build({
        input: path.join(dir, 'manuscript'),
        outDir: path.join(dir, 'out'),
        formats: ['html', 'probe'],
        concurrency: 2,
        onEvent: (e) => {
          if (e.type === 'brief-failed' && e.slug === 'sample') crashed();
        },
      });
      await expect(run).rejects.toThrow('a bug in a target');
      expect(filesIn(path.join(dir, 'out'))).toEqual([]);
    } finally {
      (list.targets as unknown as object[]).pop();
      (list.targetNames as string[]).pop();
    }
  });
});
