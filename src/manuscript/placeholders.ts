/** Fill {{placeholders}} in boilerplate Markdown; unknown names are positioned errors. */
import type { Diagnostic } from '../util/diagnostics.js';
import { offsetToPosition } from '../util/diagnostics.js';

export function fillPlaceholders(
  text: string,
  values: Record<string, string>,
  file: string,
): { text: string; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const out = text.replace(/\{\{\s*([A-Za-z]+)\s*\}\}/g, (whole, name: string, offset: number) => {
    if (name in values) return values[name]!;
    diagnostics.push({
      file,
      ...offsetToPosition(text, offset),
      severity: 'error',
      message: `Unknown placeholder \`{{${name}}}\``,
      ruleId: 'placeholder-unknown',
      hint: `Use one of ${Object.keys(values).map((k) => `{{${k}}}`).join(', ')}.`,
    });
    return whole;
  });
  return { text: out, diagnostics };
}
