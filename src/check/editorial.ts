/**
 * Editorial lint of a brief's Markdown: slips a copy editor would mark. Only warnings: the text is the
 * author's. Rules: `repeated-words` ("by the by the", "the the").
 */
import type { Diagnostic } from '../util/diagnostics.js';
import { offsetToPosition } from '../util/diagnostics.js';

/** A run of one to three words said twice in a row ("the the", "by the by the"). */
const repeated = /(?<!\p{L})(\p{L}[\p{L}'’-]*(?:\s+\p{L}[\p{L}'’-]*){0,2})\s+\1(?![\p{L}'’-])/giu;

/** Doubled words that are correct English. */
const allowed = new Set(['had had', 'that that', 'is is', 'bye bye', 'so so', 'very very', 'no no']);

export function lintEditorial(text: string, file: string, bodyOffset = 0): Diagnostic[] {
  const out: Diagnostic[] = [];
  const body = text.slice(bodyOffset);
  for (const m of body.matchAll(repeated)) {
    const phrase = m[0].replace(/\s+/g, ' ');
    if (allowed.has(phrase.toLowerCase())) continue;
    out.push({
      file,
      ...offsetToPosition(text, bodyOffset + m.index!),
      severity: 'warning',
      message: `Repeated words “${phrase}”`,
      ruleId: 'repeated-words',
      hint: `Keep one “${m[1]}”.`,
    });
  }
  return out;
}
