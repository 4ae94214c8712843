/** `briefpress init`: a new series that builds, checks and grows with `new` at once; never over a user's files. */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { runCli } from './helpers/cli.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'bp-init-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const noTrace = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);

/** Every file under a folder, relative, sorted. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name), `${prefix}${e.name}/`);
      else out.push(`${prefix}${e.name}`);
    }
  };
  walk(dir, '');
  return out.sort();
}

describe('briefpress init', () => {
  it('makes a series that builds (3 editions and the catalog), passes check, and takes a new brief that builds', () => {
    const cwd = path.join(tmp, 'fresh');
    mkdirSync(cwd);
    const init = runCli(['init', 'demo', '--publisher', 'Center for Policy Studies', '--series', 'Policy Notes: "Short" Briefs'], { cwd });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).toContain('created the series demo/');
    const demo = path.join(cwd, 'demo');
    expect(tree(demo)).toEqual(['README.md', 'authors/sample-author.md', 'boilerplate/copyright.md', 'boilerplate/disclaimer.md', 'briefs/sample-brief/brief.md', 'series.yaml']);
    const seriesYaml = readFileSync(path.join(demo, 'series.yaml'), 'utf8');
    expect(seriesYaml).toMatch(/^publisher: Center for Policy Studies$/m);
    expect(seriesYaml).toContain('Policy Notes: "Short" Briefs'); // quoted YAML: the colon does not break it
    const readme = readFileSync(path.join(demo, 'README.md'), 'utf8');
    for (const part of ['series.yaml', 'boilerplate/disclaimer.md', 'authors/sample-author.md', 'briefs/sample-brief/brief.md', 'briefpress build demo', 'briefpress new']) expect(readme).toContain(part);
    // Nothing but the series is left beside it (no temporary folder).
    expect(readdirSync(cwd)).toEqual(['demo']);

    const build = runCli(['build', 'demo'], { cwd });
    expect(build.code, build.stderr).toBe(0);
    noTrace(build.stderr);
    const dist = path.join(cwd, 'dist');
    for (const f of ['sample-brief/index.html', 'sample-brief/sample-brief.epub', 'sample-brief/sample-brief.pdf', 'index.html', 'opds.xml', 'catalog.json']) {
      expect(statSync(path.join(dist, f)).size, f).toBeGreaterThan(500);
    }
    const catalog = JSON.parse(readFileSync(path.join(dist, 'catalog.json'), 'utf8'));
    expect(JSON.stringify(catalog)).toContain('Policy Notes: \\"Short\\" Briefs');
    expect(readFileSync(path.join(dist, 'sample-brief/index.html'), 'utf8')).toContain('Center for Policy Studies');

    // check: the manuscript and the editions with the real validators, no error and no warning.
    const check = runCli(['check', 'demo', '--json'], { cwd });
    expect(check.code, check.stdout).toBe(0);
    const report = JSON.parse(check.stdout);
    expect(report).toMatchObject({ ok: true, exitCode: 0, reason: 'ok', briefs: ['sample-brief'] });
    expect(report.diagnostics.filter((d: { severity: string }) => d.severity !== 'info')).toEqual([]);

    // new: the next brief, by the series' author, which builds.
    const added = runCli(['new', 'second-brief', 'demo', '--title', 'The Second Brief', '--json'], { cwd });
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ ok: true, slug: 'second-brief', number: 2 });
    expect(readFileSync(path.join(demo, 'briefs/second-brief/brief.md'), 'utf8')).toMatch(/authors:\n\s+- sample-author/);
    const again = runCli(['build', 'demo', '--format', 'html,epub', '--json'], { cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, built: 2, failed: 0 });
    expect(existsSync(path.join(dist, 'second-brief/second-brief.epub'))).toBe(true);
  });

  it('makes the folder `manuscript` by default, and the parent folders it needs', () => {
    const cwd = path.join(tmp, 'default');
    mkdirSync(cwd);
    expect(runCli(['init', '--quiet'], { cwd })).toMatchObject({ code: 0, stderr: '', stdout: '' });
    expect(existsSync(path.join(cwd, 'manuscript/series.yaml'))).toBe(true);
    const deep = runCli(['init', 'a/b/series', '--json'], { cwd });
    expect(deep.code).toBe(0);
    const doc = JSON.parse(deep.stdout);
    expect(doc).toMatchObject({ ok: true, exitCode: 0, dir: path.join('a', 'b', 'series'), brief: 'sample-brief', author: 'sample-author' });
    expect(doc.files).toHaveLength(6);
    // An empty folder is fine too.
    mkdirSync(path.join(cwd, 'empty'));
    expect(runCli(['init', 'empty', '-q'], { cwd }).code).toBe(0);
    expect(existsSync(path.join(cwd, 'empty/briefs/sample-brief/brief.md'))).toBe(true);
  });

  it('refuses a folder that is not empty, a file and an unknown theme, changing nothing (exit 1, positioned message)', () => {
    const cwd = path.join(tmp, 'refuse');
    mkdirSync(path.join(cwd, 'mine'), { recursive: true });
    writeFileSync(path.join(cwd, 'mine', 'notes.txt'), 'my notes');
    const r = runCli(['init', 'mine'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mine {2}error {2}The folder is not empty \(1 entry: notes\.txt\): init makes a series only in a new or empty folder {2}init-not-empty\n {2}hint: /m);
    noTrace(r.stderr);
    expect(tree(path.join(cwd, 'mine'))).toEqual(['notes.txt']);
    expect(readFileSync(path.join(cwd, 'mine', 'notes.txt'), 'utf8')).toBe('my notes');

    const j = runCli(['init', 'mine', '--json'], { cwd });
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, exitCode: 1, reason: 'manuscript-errors', command: 'init', diagnostics: [{ ruleId: 'init-not-empty', file: 'mine', severity: 'error' }] });

    writeFileSync(path.join(cwd, 'afile'), 'x');
    expect(runCli(['init', 'afile'], { cwd })).toMatchObject({ code: 1, stderr: expect.stringMatching(/This is a file, not a folder {2}init-not-empty/) });
    const theme = runCli(['init', 'themed', '--theme', 'nope'], { cwd });
    expect(theme.code).toBe(1);
    expect(theme.stderr).toMatch(/Theme `nope` not found {2}theme-missing\n {2}hint: Name a theme briefpress has: csis/);
    expect(runCli(['init', 'named', '--publisher', ' '], { cwd }).code).toBe(1);
    expect(readdirSync(cwd).sort()).toEqual(['afile', 'mine']);
  });

  it('leaves nothing half-made when a write fails (exit 3, naming the file)', () => {
    const cwd = path.join(tmp, 'full');
    mkdirSync(cwd);
    const r = runCli(['init', 'demo'], { cwd, env: { BRIEFPRESS_TEST_ENOSPC_AFTER: '3' } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot write demo\/\S+: no space left on the device \(ENOSPC\)\n {2}hint: Nothing was made/);
    noTrace(r.stderr);
    expect(readdirSync(cwd)).toEqual([]); // neither the series nor a temporary folder
  });

  it('refuses bad usage with exit 2: two folders, an option of another command', () => {
    expect(runCli(['init', 'a', 'b'], { cwd: tmp }).code).toBe(2);
    const r = runCli(['init', 'x', '--force'], { cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('`--force` is not an option of `init`: only `build` takes it');
    expect(existsSync(path.join(tmp, 'x'))).toBe(false);
  });
});
