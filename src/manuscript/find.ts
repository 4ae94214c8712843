/**
 * Locate a manuscript: the series folder and its brief folders. A path to one brief folder (or its
 * brief.md) selects that brief in the series above it.
 */
import { existsSync, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { slugRe } from '../config/schema.js';
import type { Diagnostic } from '../util/diagnostics.js';
import { displayPath, isInside } from '../util/paths.js';
import { realRoots } from './source.js';

export interface ManuscriptLocation {
  /** The series folder (holds series.yaml). */
  root: string;
  /** Brief folders to build, sorted by slug. */
  briefDirs: string[];
  diagnostics: Diagnostic[];
}

export function findManuscript(input: string): ManuscriptLocation {
  let target = path.resolve(input);
  const diagnostics: Diagnostic[] = [];
  if (!existsSync(target)) {
    return {
      root: target,
      briefDirs: [],
      diagnostics: [{ file: displayPath(target), line: 0, column: 0, severity: 'error', message: 'No such folder', ruleId: 'series-missing', hint: 'Give the path of a manuscript folder (one with series.yaml).' }],
    };
  }
  if (statSync(target).isFile() && path.basename(target) === 'brief.md') target = path.dirname(target);
  if (existsSync(path.join(target, 'brief.md'))) {
    let up = path.dirname(target);
    while (!existsSync(path.join(up, 'series.yaml')) && path.dirname(up) !== up) up = path.dirname(up);
    const root = existsSync(path.join(up, 'series.yaml')) ? up : path.dirname(target);
    return { root, briefDirs: [target], diagnostics };
  }
  const briefsDir = path.join(target, 'briefs');
  const briefDirs: string[] = [];
  if (existsSync(briefsDir)) {
    const root = realRoots([target]);
    for (const name of readdirSync(briefsDir).sort()) {
      const dir = path.join(briefsDir, name);
      if (name.startsWith('.')) continue;
      // A brief folder must be a folder inside the manuscript: a dangling or outward symlink is an error.
      let real: string;
      try {
        real = realpathSync(dir);
      } catch {
        if (lstatSync(dir).isSymbolicLink()) {
          diagnostics.push({ file: displayPath(dir), line: 0, column: 0, severity: 'error', message: `\`briefs/${name}\` is a symlink to nothing`, ruleId: 'input-unreadable', hint: 'Remove the link, or restore what it points to.' });
        }
        continue;
      }
      if (!root.some((r) => isInside(real, r))) {
        diagnostics.push({
          file: displayPath(dir),
          line: 0,
          column: 0,
          severity: 'error',
          message: `The brief folder \`${name}\` leads outside the manuscript (to ${real})`,
          ruleId: 'input-outside',
          hint: 'Move the brief folder into briefs/ instead of linking to it.',
        });
        continue;
      }
      if (!statSync(real).isDirectory()) continue;
      if (!existsSync(path.join(dir, 'brief.md')) && !isLink(path.join(dir, 'brief.md'))) continue;
      if (!slugRe.test(name)) {
        diagnostics.push({
          file: displayPath(dir),
          line: 0,
          column: 0,
          severity: 'error',
          message: `Brief folder name \`${name}\` is not a slug`,
          ruleId: 'slug-invalid',
          hint: 'Use lower-case letters, digits and single hyphens, e.g. `kerry-in-russia`: it becomes the file names and the URL.',
        });
        continue;
      }
      briefDirs.push(dir);
    }
  }
  if (briefDirs.length === 0 && diagnostics.length === 0 && existsSync(path.join(target, 'series.yaml'))) {
    diagnostics.push({
      file: displayPath(briefsDir),
      line: 0,
      column: 0,
      severity: 'error',
      message: 'The series has no brief',
      ruleId: 'no-briefs',
      hint: 'Add a folder briefs/<slug>/ with a brief.md (or run `briefpress new <slug>`).',
    });
  }
  return { root: target, briefDirs, diagnostics };
}

/** A symlink, dangling or not (existsSync follows links and says false for a dangling one). */
function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
