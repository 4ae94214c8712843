/** The command line's contract: usage, exit codes, and no stack trace for the user's mistakes. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
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
    // A copy of the package (its own src/, the same node_modules), so the real sources are not touched.
    const pkg = path.join(tmp, 'pkg');
    cpSync(path.join(repoRoot, 'src'), path.join(pkg, 'src'), { recursive: true });
    cpSync(path.join(repoRoot, 'package.json'), path.join(pkg, 'package.json'));
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(pkg, 'node_modules'));
    const cache = path.join(repoRoot, 'node_modules', '.cache', 'briefpress');
    const bin = path.join(pkg, 'src', 'cli', 'bin.js');
    const run = (env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8', env: { ...process.env, ...env } });
    const bundles = () => new Set(existsSync(cache) ? readdirSync(cache) : []);
    const before = bundles();
    const first = run();
    expect(first.status).toBe(0);
    const made = [...bundles()].filter((d) => !before.has(d));
    expect(made).toHaveLength(1);
    expect(existsSync(path.join(cache, made[0]!, 'main.js'))).toBe(true);
    // A bundle's folder is dated by its last use: one used two days ago, and now, is not old.
    const firstDir = path.join(cache, made[0]!);
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(firstDir, twoDaysAgo, twoDaysAgo);
    expect(run().status).toBe(0);
    expect(bundles().size, 'unchanged sources: the same bundle').toBe(before.size + 1);
    expect(statSync(firstDir).mtimeMs).toBeGreaterThan(Date.now() - 600_000);
    // A changed source file gives a new bundle; the other, used a moment ago, stays.
    const change = (mark: string) => writeFileSync(path.join(pkg, 'src', 'cli', 'report.ts'), readFileSync(path.join(pkg, 'src', 'cli', 'report.ts'), 'utf8') + `\n// ${mark}\n`);
    change('changed');
    expect(run().status).toBe(0);
    expect(bundles().size).toBe(before.size + 2);
    expect(existsSync(firstDir)).toBe(true);
    // Unused for two days, it goes when the next bundle is made.
    utimesSync(firstDir, twoDaysAgo, twoDaysAgo);
    change('changed again');
    expect(run().status).toBe(0);
    expect(existsSync(firstDir)).toBe(false);
    const fromSource = run({ BRIEFPRESS_NO_BUNDLE: '1' });
    expect(fromSource.status).toBe(0);
    expect(fromSource.stdout).toBe(first.stdout);
    // The copy's bundles are its own (their fingerprints name its files' times): remove them.
    for (const d of bundles()) if (!before.has(d)) rmSync(path.join(cache, d), { recursive: true, force: true });
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
    expect(r.stderr).toMatch(/cannot write .*a-file.*\(ENOTDIR\)\n\s+hint: /);
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
