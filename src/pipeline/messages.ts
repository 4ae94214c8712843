/** Helpers to put positioned messages on a VFile and read them back as Diagnostics. */
import type { Node } from 'unist';
import type { VFile } from 'vfile';
import type { Diagnostic, Severity } from '../util/diagnostics.js';

export interface MessageOptions {
  ruleId: string;
  severity?: Severity;
  hint?: string;
}

/** Record a message at a node (or the whole file when the node has no position). */
export function report(file: VFile, node: Node | undefined, reason: string, opts: MessageOptions): void {
  const msg = file.message(reason, { place: node?.position, ruleId: opts.ruleId, source: 'briefpress' });
  msg.fatal = (opts.severity ?? 'error') === 'error' ? true : opts.severity === 'warning' ? false : undefined;
  if (opts.hint) msg.note = opts.hint;
}

/** Convert a VFile's messages to Diagnostics. `lineOffset` shifts positions of fragments cut from a bigger file. */
export function toDiagnostics(file: VFile, displayPath: string, lineOffset = 0): Diagnostic[] {
  return file.messages.map((m) => ({
    file: displayPath,
    line: m.line ? m.line + lineOffset : 0,
    column: m.column ?? 0,
    severity: m.fatal === true ? 'error' : m.fatal === false ? 'warning' : 'info',
    message: m.reason,
    ruleId: m.ruleId ?? 'briefpress',
    hint: m.note,
  }));
}
