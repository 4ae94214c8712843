/** The command line's contract: usage, exit codes, and no stack trace for the user's mistakes. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

  it('runs the compiled lib/ only while it is current, else the sources through tsx, and writes nothing at run time', () => {
    // A copy of the package (its own src/ and lib/, the same node_modules), so the real ones are not touched.
    const pkg = path.join(tmp, 'pkg');
    for (const f of ['src', 'scripts', 'package.json', 'tsconfig.json', 'tsconfig.build.json']) cpSync(path.join(repoRoot, f), path.join(pkg, f), { recursive: true });
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(pkg, 'node_modules'));
    const bin = path.join(pkg, 'src', 'cli', 'bin.js');
    const run = (env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8', env: { ...process.env, ...env } });
    // Files under node_modules newer than the copy (vitest's own cache aside).
    const listing = () =>
      spawnSync('find', [path.join(repoRoot, 'node_modules'), '-newer', path.join(pkg, 'package.json'), '-not', '-path', '*/node_modules/.vite*'], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter(Boolean)
        .join('\n');
    // No lib/: the sources.
    const fromSource = run();
    expect(fromSource.status).toBe(0);
    expect(fromSource.stdout).toMatch(/Usage:/);
    const compiled = spawnSync(process.execPath, [path.join(pkg, 'scripts', 'compile.mjs')], { encoding: 'utf8' });
    expect(compiled.status, compiled.stderr).toBe(0);
    expect(existsSync(path.join(pkg, 'lib', 'cli', 'main.js'))).toBe(true);
    expect(existsSync(path.join(pkg, 'lib', 'api.d.ts'))).toBe(true);
    expect(existsSync(path.join(pkg, 'lib', 'preview', 'ui', 'index.html'))).toBe(true);
    // lib/ is current: it is what runs (a marker put into the compiled code shows).
    const main = path.join(pkg, 'lib', 'cli', 'main.js');
    writeFileSync(main, `${readFileSync(main, 'utf8')}\nconsole.error('from lib');\n`);
    const fromLib = run();
    expect(fromLib.status).toBe(0);
    expect(fromLib.stderr).toContain('from lib');
    expect(fromLib.stdout).toBe(fromSource.stdout);
    // A source changes: lib/ is stale and never runs.
    writeFileSync(path.join(pkg, 'src', 'cli', 'report.ts'), readFileSync(path.join(pkg, 'src', 'cli', 'report.ts'), 'utf8') + '\n// changed\n');
    const stale = run();
    expect(stale.status).toBe(0);
    expect(stale.stderr).not.toContain('from lib');
    expect(stale.stdout).toBe(fromSource.stdout);
    // Nothing under node_modules was written by these runs (no cache, no bundle).
    expect(listing()).toBe('');
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
