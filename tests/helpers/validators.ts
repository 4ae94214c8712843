/**
 * The real EPUB validators, for tests: W3C epubcheck and DAISY Ace. Each costs 7-12 s a run: call
 * them once per book, from a beforeAll. Results come from the exit code AND the JSON report
 * (epubcheck prints "0 errors" even when it could not read the file).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findChromium } from '../../src/browser/find.js';
import { runTool } from '../../src/check/run.js';
import { repoRoot } from './cli.js';

export { epubcheckJar, runEpubcheck, type EpubcheckMessage, type EpubcheckResult } from '../../src/check/epubcheck.js';

export interface AceViolation {
  rule: string;
  impact: string;
  file: string;
  html: string;
}

export interface AceResult {
  exitCode: number;
  outcome: string;
  violations: AceViolation[];
  /** Ace's view of the package's accessibility metadata. */
  metadata: { missing: string[]; empty: string[]; present: string[] };
  output: string;
  /** What Ace read of the publication: its accessibility features, whether it has page breaks. */
  subject?: { features: string[]; hasPageBreaks: boolean };
}

/** Ace by DAISY, with `-E` (non-zero exit on violations). */
export async function runAce(epub: string): Promise<AceResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ace-'));
  try {
    const ace = path.join(repoRoot, 'node_modules', '.bin', 'ace-cli');
    const r = await runTool(ace, ['-s', '-f', '-E', '-o', dir, epub], { PUPPETEER_EXECUTABLE_PATH: findChromium() });
    const reportPath = path.join(dir, 'report.json');
    if (!existsSync(reportPath)) throw new Error(`Ace wrote no report (exit ${r.code}): ${r.stderr || r.stdout}`);
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as {
      'earl:result': { 'earl:outcome': string };
      'a11y-metadata': AceResult['metadata'];
      'earl:testSubject'?: { metadata?: Record<string, unknown> };
      properties?: { hasPageBreaks?: boolean };
      assertions: {
        'earl:testSubject': { url: string };
        assertions?: { 'earl:test': { 'dct:title': string; 'earl:impact': string }; 'earl:result': { html?: string } }[];
      }[];
    };
    const violations = report.assertions.flatMap((doc) =>
      (doc.assertions ?? []).map((a) => ({
        rule: a['earl:test']['dct:title'],
        impact: a['earl:test']['earl:impact'],
        file: doc['earl:testSubject'].url,
        html: (a['earl:result'].html ?? '').slice(0, 300),
      })),
    );
    const features = report['earl:testSubject']?.metadata?.['schema:accessibilityFeature'];
    const subject = { features: Array.isArray(features) ? features.map(String) : typeof features === 'string' ? [features] : [], hasPageBreaks: report.properties?.hasPageBreaks === true };
    return { exitCode: r.code, outcome: report['earl:result']['earl:outcome'], violations, metadata: report['a11y-metadata'], output: `${r.stdout}\n${r.stderr}`.trim(), subject };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
