/**
 * The second built-in theme, Northbridge Institute, is the proof that a theme is data: the sample
 * series built with only `theme: northbridge` changed in series.yaml gives three editions that pass
 * the real validators (epubcheck 0/0, Ace, `briefpress check` on the PDF) in Northbridge's house
 * style (A4, its fonts and colours, its logo), not CSIS's.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, type CliResult } from './helpers/cli.js';
import { pdffonts, pdfinfo, pdftext } from './helpers/pdf.js';
import { runAce, runEpubcheck, type AceResult, type EpubcheckResult } from './helpers/validators.js';

let tmp: string;
let out: string;
let built: CliResult;
let checked: CliResult;
let epubcheck: EpubcheckResult;
let ace: AceResult;
const slug = 'kerry-in-russia';

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'bp-northbridge-'));
  const ms = path.join(tmp, 'manuscript');
  cpSync(path.join(repoRoot, 'manuscript'), ms, { recursive: true });
  const series = readFileSync(path.join(ms, 'series.yaml'), 'utf8');
  const changed = series.replace(/^theme: csis$/m, 'theme: northbridge');
  // Only that line differs.
  const diff = series.split('\n').filter((l, i) => l !== changed.split('\n')[i]);
  expect(diff).toEqual(['theme: csis']);
  writeFileSync(path.join(ms, 'series.yaml'), changed);
  out = path.join(tmp, 'out');
  built = runCli(['build', ms, '--out', out]);
  checked = runCli(['check', ms, '--out', out, '--json']);
  const epub = path.join(out, slug, `${slug}.epub`);
  [epubcheck, ace] = await Promise.all([runEpubcheck(epub), runAce(epub)]);
}, 300_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the sample built with theme: northbridge', () => {
  it('builds its three editions and the catalog', () => {
    expect(built.code, built.stderr).toBe(0);
    expect(built.stdout + built.stderr).toMatch(/1 built, 0 unchanged, 0 failed/);
  });

  it('passes epubcheck with 0 errors and 0 warnings, and Ace with no violation', () => {
    expect(epubcheck.messages.filter((m) => m.severity !== 'USAGE' && m.severity !== 'INFO'), epubcheck.output).toEqual([]);
    expect({ fatals: epubcheck.fatals, errors: epubcheck.errors, warnings: epubcheck.warnings, exitCode: epubcheck.exitCode }).toEqual({ fatals: 0, errors: 0, warnings: 0, exitCode: 0 });
    expect(ace.violations, ace.output).toEqual([]);
    expect(ace.outcome).toBe('pass');
  });

  it('passes check: the PDF is A4 with only Northbridge fonts, all embedded', () => {
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    // `check --json` prints {ok, exitCode, reason, briefs, diagnostics}.
    const report = (JSON.parse(checked.stdout) as { diagnostics: { severity: string; ruleId: string; file: string }[] }).diagnostics;
    expect(report.filter((d) => d.severity === 'error')).toEqual([]);
    // No finding at all about the editions (page size, fonts, epubcheck): only the sample's editorial warnings.
    expect(report.filter((d) => d.file.endsWith('.pdf') || d.file.endsWith('.epub'))).toEqual([]);
    const pdf = path.join(out, slug, `${slug}.pdf`);
    expect(pdfinfo(pdf)['Page size']).toMatch(/\(A4\)/);
    const fonts = pdffonts(pdf);
    expect(fonts.length).toBeGreaterThan(0);
    for (const f of fonts) {
      expect(f.name).toMatch(/^[A-Z]{6}\+(Literata|IBMPlex(Sans|Mono))/);
      expect(f.emb).toBe(true);
    }
    // The footer pattern: the title on the left, "page / pages" on the right, page 1 included.
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1]);
    expect(pdftext(pdf, 1)).toMatch(new RegExp(`^1 ?/ ?${pages}$`, 'm'));
  });

  it('is Northbridge, not CSIS: tokens, logo and byline of the theme', () => {
    const html = readFileSync(path.join(out, slug, 'index.html'), 'utf8');
    expect(html).toContain('aria-label="Northbridge Institute"');
    expect(html).toMatch(/<span class="publisher-logo" aria-hidden="true"><svg[^>]*>[\s\S]*NORTHBRIDGE/);
    expect(html).toContain('<span class="byline-role">Senior Associate (Non-Resident), Europe, Russia, and Eurasia Program, Center for Strategic and International Studies</span>');
    const css = readFileSync(path.join(out, slug, 'style.css'), 'utf8');
    expect(css).toMatch(/--color-accent: #1d5c4d;/);
    expect(css).toMatch(/--font-body: 'Literata';/);
    expect(css).not.toContain('#0065a6');
    expect(css + readFileSync(path.join(out, slug, 'fonts.css'), 'utf8')).not.toMatch(/Source (Serif|Sans)/);
    const catalog = readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(catalog).toContain('aria-label="Northbridge Institute"');
  });
});
