/**
 * W3C epubcheck, the reference EPUB validator (Java). Results come from its JSON report AND its exit
 * code: it prints "0 errors" even when it could not read the file.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTool } from './run.js';

export const epubcheckJar = process.env.EPUBCHECK_JAR ?? '/usr/share/java/epubcheck.jar';

export interface EpubcheckMessage {
  id: string;
  severity: string;
  message: string;
  locations: string[];
}

export interface EpubcheckResult {
  exitCode: number;
  fatals: number;
  errors: number;
  warnings: number;
  messages: EpubcheckMessage[];
  /** epubcheck's own output, for failure reports. */
  output: string;
}

export function epubcheckAvailable(): boolean {
  return existsSync(epubcheckJar);
}

export async function runEpubcheck(epub: string): Promise<EpubcheckResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'epubcheck-'));
  const json = path.join(dir, 'out.json');
  try {
    const r = await runTool('java', ['-jar', epubcheckJar, epub, '--json', json]);
    if (r.missing) throw new Error('java is not installed');
    if (!existsSync(json)) throw new Error(`epubcheck wrote no report (exit ${r.code}): ${r.stderr || r.stdout}`);
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      checker: { nFatal: number; nError: number; nWarning: number };
      messages: { ID: string; severity: string; message: string; locations?: { path: string; line: number; column: number }[] }[];
    };
    return {
      exitCode: r.code,
      fatals: report.checker.nFatal,
      errors: report.checker.nError,
      warnings: report.checker.nWarning,
      messages: report.messages.map((m) => ({
        id: m.ID,
        severity: m.severity,
        message: m.message,
        locations: (m.locations ?? []).map((l) => `${l.path}:${l.line}:${l.column}`),
      })),
      output: `${r.stdout}\n${r.stderr}`.trim(),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
