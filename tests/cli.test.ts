/** The command line's contract: usage, exit codes, and no stack trace for the user's mistakes. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
