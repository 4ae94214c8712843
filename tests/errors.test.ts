/**
 * Golden tests of the error messages: one folder per case under tests/fixtures/broken/, each an
 * overlay on _base/ (a `.remove` file lists base files to delete). The CLI must exit 1, print the
 * expected positioned messages (expected.txt), no stack trace, and write nothing; a case whose
 * messages are all warnings must exit 0 and build.
 * Regenerate expectations with UPDATE_GOLDEN=1 npx vitest run tests/errors.test.ts
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../src/check/rules.js';
import { repoRoot, runCli } from './helpers/cli.js';

const fixtures = path.join(repoRoot, 'tests/fixtures/broken');
const cases = readdirSync(fixtures).filter((n) => !n.startsWith('_')).sort();

function materialize(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `bp-broken-${name}-`));
  const ms = path.join(dir, 'manuscript');
  cpSync(path.join(fixtures, '_base'), ms, { recursive: true });
  cpSync(path.join(fixtures, name), ms, { recursive: true, filter: (src) => !src.endsWith('expected.txt') });
  const remove = path.join(ms, '.remove');
  if (existsSync(remove)) {
    for (const f of readFileSync(remove, 'utf8').split('\n').filter(Boolean)) rmSync(path.join(ms, f));
    rmSync(remove);
  }
  return dir;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
}

describe('broken manuscripts', () => {
  it('has a case for at least ten rules', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  for (const name of cases) {
    it(`reports ${name}`, () => {
      const dir = materialize(name);
      try {
        const r = runCli(['build', 'manuscript', '--out', 'out', '--format', 'html'], { cwd: dir });
        const lines = r.stderr.split('\n').filter((l) => /  (error|warning)  /.test(l) || l.startsWith('  hint: '));
        const got = lines.join('\n') + '\n';
        const expectedFile = path.join(fixtures, name, 'expected.txt');
        if (process.env.UPDATE_GOLDEN) writeFileSync(expectedFile, got);
        expect(got).toBe(readFileSync(expectedFile, 'utf8'));
        // A case with warnings only (the text was changed, not refused) builds and exits 0.
        const warningsOnly = !lines.some((l) => /  error  /.test(l));
        expect(r.code).toBe(warningsOnly ? 0 : 1);
        expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/); // no stack trace
        expect(r.stderr).toMatch(warningsOnly ? /warning/ : /error/);
        // file:line:column (or a whole-file path), severity, message, a catalogued rule id
        for (const l of lines.filter((x) => !x.startsWith('  hint'))) {
          const m = /^(\S+?)(?::(\d+):(\d+))?  (error|warning)  (.+)  ([a-z-]+)$/.exec(l);
          expect(m, l).not.toBeNull();
          expect(Object.keys(rules)).toContain(m![6]);
        }
        expect(lines.some((l) => l.startsWith('  hint: '))).toBe(true);
        if (warningsOnly) expect(listFiles(path.join(dir, 'out'))).toContain('index.html');
        else expect(listFiles(path.join(dir, 'out'))).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
