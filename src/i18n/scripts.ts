/**
 * Before a brief is built: every character it shows has a font of the theme (for its language),
 * and the script font its language needs is installed. A character no font covers would print as
 * an empty box (or in a system font); a missing package, the same for the whole brief. Both are
 * positioned errors instead: the character at its first place in the files the brief read, the
 * package at the brief's (or the series') `language:`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { toString } from 'hast-util-to-string';
import type { Brief } from '../model/brief.js';
import { covers, type Theme } from '../theme/theme.js';
import { offsetToPosition, type Diagnostic } from '../util/diagnostics.js';
import { displayPath } from '../util/paths.js';
import { messagesFor } from './messages.js';

/** Characters that draw nothing: spaces, controls, format characters (ZWJ, bidi marks), variation selectors. */
const invisible = /[\p{White_Space}\p{Cc}\p{Cf}\p{Mn}\u{FE00}-\u{FE0F}\u{E0100}-\u{E01EF}]/u;

export function checkScripts(brief: Brief, theme: Theme): Diagnostic[] {
  const { fonts, missing } = theme.fontsForLanguage(brief.language);
  if (missing) {
    const at = languagePlace(brief);
    return [
      {
        ...at,
        severity: 'error',
        message: `No font of the theme covers ${brief.language} text: the font package ${missing} is not installed`,
        ruleId: 'font-missing',
        hint: `Run \`npm install ${missing}\` in the manuscript's project (${displayPath(brief.series.root)} or a folder above it).`,
      },
    ];
  }
  const msgs = messagesFor(brief.language, theme.messages, brief.series.messages);
  const text = [
    brief.title,
    brief.subtitle ?? '',
    brief.summary,
    toString(brief.body),
    toString(brief.notes),
    ...brief.authors.map((a) => `${a.name} ${a.title ?? ''} ${a.bioText}`),
    toString(brief.disclaimer),
    brief.copyrightText,
    brief.series.name,
    brief.series.publisher,
    ...Object.values(msgs.view),
  ].join(' ');
  const out: Diagnostic[] = [];
  const seen = new Set<number>();
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (seen.has(code)) continue;
    seen.add(code);
    if (invisible.test(ch) || covers(fonts, code)) continue;
    const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    out.push({
      ...placeOf(brief, ch),
      severity: 'error',
      message: `No font of the theme has the character ${hex} “${ch}” (it would print as an empty box)`,
      ruleId: 'font-coverage',
      hint: `Write the character another way, or give the theme a font that has it (theme.yaml \`fonts\`, \`subsets\` or \`scripts\`).`,
    });
  }
  return out;
}

/** The first place of `ch` in the files the brief read (brief.md first), else brief.md itself. */
function placeOf(brief: Brief, ch: string): { file: string; line: number; column: number } {
  const files = [brief.file, ...brief.sources.map((s) => s.path).filter((p) => p !== brief.file && /\.(md|ya?ml)$/i.test(p))];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const i = text.indexOf(ch);
    if (i >= 0) return { file: displayPath(file), ...offsetToPosition(text, i) };
  }
  return { file: displayPath(brief.file), line: 0, column: 0 };
}

/** Where the brief's language is set: its front matter's `language:`, else series.yaml's, else brief.md. */
function languagePlace(brief: Brief): { file: string; line: number; column: number } {
  for (const file of [brief.file, path.join(brief.series.root, 'series.yaml')]) {
    try {
      const text = readFileSync(file, 'utf8');
      const m = /^language:[ \t]*/m.exec(text);
      if (m) return { file: displayPath(file), ...offsetToPosition(text, m.index + m[0].length) };
    } catch {
      // unreadable: the next place
    }
  }
  return { file: displayPath(brief.file), line: 1, column: 1 };
}
