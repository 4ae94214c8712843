/** The command line's contract: usage, exit codes, and no stack trace for the user's mistakes. */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDir } from '../src/util/write.js';
import { repoRoot, runCli } from './helpers/cli.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'bp-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const noTrace = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);

describe('briefpress CLI', () => {
  it('prints usage with --help and the version with --version', () => {
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage:\n\s+briefpress build/);
    const v = runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('runs from a bundle of src/, made again when a source file changes, or from the sources through tsx', () => {
    const cache = path.join(repoRoot, 'node_modules', '.cache', 'briefpress');
    expect(runCli(['--version']).code).toBe(0);
    const before = new Set(readdirSync(cache));
    expect([...before].some((d) => existsSync(path.join(cache, d, 'main.js')))).toBe(true);
    // A changed source file (its modification time, here) gives a new bundle.
    const file = path.join(repoRoot, 'src', 'cli', 'report.ts');
    const { atime, mtime } = statSync(file);
    let made: string[] = [];
    try {
      utimesSync(file, atime, new Date(mtime.getTime() + 1000 + Math.floor(Math.random() * 1e9)));
      const v = runCli(['--version']);
      expect(v.code).toBe(0);
      made = readdirSync(cache).filter((d) => !before.has(d));
      expect(made.length).toBeGreaterThan(0);
      expect(existsSync(path.join(cache, made[0]!, 'main.js'))).toBe(true);
    } finally {
      utimesSync(file, atime, mtime);
      for (const d of made) rmSync(path.join(cache, d), { recursive: true, force: true });
    }
    const fromSource = runCli(['--help'], { env: { BRIEFPRESS_NO_BUNDLE: '1' } });
    expect(fromSource.code).toBe(0);
    expect(fromSource.stdout).toBe(runCli(['--help']).stdout);
  });

  it('build --json prints a report on stdout: each brief, its files and time, the totals', () => {
    const out = path.join(tmp, 'json');
    const r = runCli(['build', 'manuscript', '--out', out, '--format', 'html', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ ok: true, built: 1, unchanged: 0, failed: 0 });
    expect(report.briefs[0]).toMatchObject({ slug: 'kerry-in-russia', number: 1, ok: true, unchanged: false });
    expect(report.briefs[0].files).toContain(path.join(out, 'kerry-in-russia', 'index.html')); // outside the working folder: absolute
    expect(report.series.some((f: string) => f.endsWith('opds.xml'))).toBe(true);
    expect(report.peakRssKb).toBeGreaterThan(10_000);
    expect(r.stderr).not.toContain('Building'); // no progress lines
    const again = JSON.parse(runCli(['build', 'manuscript', '--out', out, '--format', 'html', '--json']).stdout);
    expect(again).toMatchObject({ built: 0, unchanged: 1 });
  });

  it('exits 2 on an unknown command, option or format', () => {
    for (const args of [['frobnicate'], ['build', '--colour'], ['build', 'manuscript', '--format', 'docx'], ['build', '--jobs', 'many']]) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      noTrace(r.stderr);
    }
  });

  it('exits 3 with a hint when the output folder cannot be written, and does not hang', () => {
    const file = path.join(tmp, 'a-file');
    writeFileSync(file, 'x');
    const r = runCli(['build', path.join(repoRoot, 'manuscript'), '--out', file, '--format', 'html']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot write .*a-file.*ENOTDIR\n\s+hint: /);
    noTrace(r.stderr);
  });

  it('exits 1 for a folder that is not a manuscript', () => {
    const r = runCli(['build', tmp, '--format', 'html']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/series\.yaml/);
    noTrace(r.stderr);
  });

  it('makeDir fails at once where recursive mkdir would spin (/proc)', () => {
    expect(() => makeDir('/proc/briefpress-nope/x')).toThrow(/ENOENT/);
    const d = path.join(tmp, 'a/b/c');
    makeDir(d);
    makeDir(d); // idempotent
  });
});
