/**
 * Diagnostics as the unified ecosystem carries them: `VFileMessage`s (vfile-message), and VFiles
 * holding them, so vfile-reporter, unified-engine and editor integrations show briefpress' messages
 * as they show remark's or retext's.
 */
import { VFile } from 'vfile';
import { VFileMessage } from 'vfile-message';
import type { Diagnostic } from './diagnostics.js';

/** The `source` of every message briefpress makes. */
export const messageSource = 'briefpress';

/**
 * One `VFileMessage` per diagnostic: `reason` the message, `file` its path, `place`/`line`/`column`
 * its position (none when the whole file is at fault), `ruleId`, `source: 'briefpress'`, `note` the
 * hint, and `fatal` as vfile has it: `true` an error, `false` a warning, `undefined` an info.
 */
export function toVFileMessages(diagnostics: readonly Diagnostic[]): VFileMessage[] {
  return diagnostics.map((d) => {
    const place = d.line > 0 ? { line: d.line, column: Math.max(1, d.column) } : undefined;
    const m = new VFileMessage(d.message, { place, ruleId: d.ruleId, source: messageSource });
    m.file = d.file;
    m.fatal = d.severity === 'error' ? true : d.severity === 'warning' ? false : undefined;
    if (d.hint) m.note = d.hint;
    return m;
  });
}

/**
 * The diagnostics grouped into one `VFile` per file (in order of first mention), each holding its
 * messages: what `reporter(files)` of vfile-reporter takes.
 */
export function toVFiles(diagnostics: readonly Diagnostic[]): VFile[] {
  const files = new Map<string, VFile>();
  for (const m of toVFileMessages(diagnostics)) {
    const key = m.file ?? '';
    let f = files.get(key);
    if (!f) {
      f = new VFile(key ? { path: key } : {});
      files.set(key, f);
    }
    f.messages.push(m);
  }
  return [...files.values()];
}
