/** `briefpress check`: the manuscript rules, editorial lint and the real validators on built editions. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/api.js';
import { lintEditorial } from '../src/check/editorial.js';
import { repoRoot, runCli } from './helpers/cli.js';
import { cmdline, descendants, isRunning, startCli, until } from './helpers/faults.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'bp-check-'));
const out = path.join(tmp, 'dist');

beforeAll(async () => {
  const r = await build({ input: path.join(repoRoot, 'manuscript'), outDir: out, formats: ['epub', 'pdf'] });
  expect(r.ok).toBe(true);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('editorial lint', () => {
  it('flags repeated words, in any script and case, with their position', () => {
    const text = 'One.\nNot covered by the by the Geneva agreement. The the end.\nОн был в в Москве.\n';
    const d = lintEditorial(text, 'b.md');
    expect(d.map((x) => `${x.line}:${x.column} ${x.message}`)).toEqual([
      '2:13 Repeated words “by the by the”',
      '2:45 Repeated words “The the”',
      '3:8 Repeated words “в в”',
    ]);
    expect(d.every((x) => x.severity === 'warning' && x.ruleId === 'repeated-words')).toBe(true);
  });

  it('leaves correct doublings and near misses alone', () => {
    expect(lintEditorial('He had had enough. She said that that was fine. The theory.', 'b.md')).toEqual([]);
  });
});

describe('briefpress check', () => {
  it('finds the sample brief’s published slip and passes its editions through epubcheck and the PDF checks', () => {
    const r = runCli(['check', 'manuscript', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('manuscript/briefs/kerry-in-russia/brief.md:30:220  warning  Repeated words “by the by the”  repeated-words');
    // the other slips it was published with: a transposed acronym and a heading typed with a straight apostrophe
    expect(r.stderr).toContain('manuscript/briefs/kerry-in-russia/brief.md:28:972  warning  “OCPW” does not fit “Organization for the Prohibition of Chemical Weapons” (OPCW)  acronym-expansion');
    expect(r.stderr).toContain('manuscript/briefs/kerry-in-russia/brief.md:32:14  warning  Straight apostrophe in “Putin\'s” where the brief uses curly ones  quote-style');
    expect(r.stderr).toMatch(/1 brief checked: 0 error\(s\), 3 warning\(s\)/);
  });

  it('reports a broken EPUB through epubcheck, an unbuilt PDF, and exits 1; --json gives the messages', async () => {
    const bad = path.join(tmp, 'bad');
    cpSync(out, bad, { recursive: true });
    const epub = path.join(bad, 'kerry-in-russia', 'kerry-in-russia.epub');
    const zip = await JSZip.loadAsync(readFileSync(epub));
    const doc = Object.keys(zip.files).find((n) => n.endsWith('brief.xhtml'))!;
    zip.remove(doc);
    writeFileSync(epub, await zip.generateAsync({ type: 'nodebuffer', mimeType: 'application/epub+zip' }));
    rmSync(path.join(bad, 'kerry-in-russia', 'kerry-in-russia.pdf'));
    const r = runCli(['check', 'manuscript', '--out', bad, '--json']);
    expect(r.code).toBe(1);
    const ds = JSON.parse(r.stdout).diagnostics as { severity: string; ruleId: string; message: string; file: string }[];
    const errors = ds.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((d) => d.ruleId === 'epubcheck')).toBe(true);
    expect(errors.some((d) => d.message.includes('brief.xhtml'))).toBe(true);
    expect(ds).toContainEqual(expect.objectContaining({ ruleId: 'edition-missing', severity: 'info' }));
  });
});

describe('briefpress check: the EPUB\'s page list against the PDF', () => {
  it('warns about a PDF page the EPUB has no marker for, naming it (the sample marks both of its pages: no warning above)', async () => {
    const gap = path.join(tmp, 'gap');
    cpSync(out, gap, { recursive: true });
    const epub = path.join(gap, 'kerry-in-russia', 'kerry-in-russia.epub');
    const zip = await JSZip.loadAsync(readFileSync(epub));
    const doc = Object.keys(zip.files).find((n) => n.endsWith('brief.xhtml'))!;
    const text = await zip.file(doc)!.async('string');
    const marker = /<span id="page-2"[^>]*\/>/.exec(text)![0];
    zip.file(doc, text.replace(marker, ''));
    const nav = Object.keys(zip.files).find((n) => n.endsWith('toc.xhtml'))!;
    zip.file(nav, (await zip.file(nav)!.async('string')).replace(/<li><a href="brief\.xhtml#page-2">2<\/a><\/li>/, ''));
    writeFileSync(epub, await zip.generateAsync({ type: 'nodebuffer', mimeType: 'application/epub+zip' }));
    const r = runCli(['check', 'manuscript', '--out', gap, '--json']);
    const ds = JSON.parse(r.stdout).diagnostics as { severity: string; ruleId: string; message: string; file: string }[];
    const gaps = ds.filter((d) => d.ruleId === 'page-list-incomplete');
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.severity).toBe('warning');
    expect(gaps[0]!.file).toMatch(/kerry-in-russia\.epub$/);
    expect(gaps[0]!.message).toContain("The page list marks 1 of the PDF's 2 pages: no marker for page 2");
  });
});

describe('briefpress check stopped by a signal', () => {
  it('SIGTERM to briefpress alone (not its process group) ends the epubcheck it started: exit 143, no validator left running', async () => {
    const r = startCli(['check', 'manuscript', '--out', out]);
    try {
      // epubcheck is a JVM: found among briefpress' own descendants by its command line, never by name.
      const java = await until(() => descendants(r.pid).find((pid) => cmdline(pid).some((a) => a.endsWith('.jar'))), 'epubcheck running', 120_000);
      r.child.kill('SIGTERM');
      const done = await r.done;
      expect(done.code, done.stderr).toBe(143);
      expect(done.stderr).not.toMatch(/\n\s+at /); // no stack trace
      await until(() => (isRunning(java) ? undefined : true), 'epubcheck gone', 10_000);
    } finally {
      if (r.child.exitCode === null) r.child.kill('SIGKILL');
    }
  });
});
