/**
 * Positioned messages about a user's input, and the one error type that carries them.
 * Checks return Diagnostics; one reporter (src/cli/report.ts) formats them.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  /** Path of the file at fault, as given by the user (relative to cwd where possible). */
  file: string;
  /** 1-based line and column; 0 when the whole file is at fault. */
  line: number;
  column: number;
  severity: Severity;
  message: string;
  /** Stable rule id, catalogued in src/check/rules.ts. */
  ruleId: string;
  /** How to fix it. */
  hint?: string;
}

/** A failure caused by the user's input (not our bug): reported without a stack trace. */
export class BriefpressError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'BriefpressError';
    this.diagnostics = diagnostics;
  }
}

/** A failure of the environment (no browser, unwritable output ...): a message and a hint, no position. */
export class EnvironmentError extends Error {
  readonly hint?: string;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'EnvironmentError';
    this.hint = hint;
  }
}

export function formatDiagnostic(d: Diagnostic): string {
  const place = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  const head = `${place}  ${d.severity}  ${d.message}  ${d.ruleId}`;
  return d.hint ? `${head}\n  hint: ${d.hint}` : head;
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}

/** Turn a 0-based offset into a 1-based line and column. */
export function offsetToPosition(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: end - last };
}
