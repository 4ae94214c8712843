/**
 * Locate a manuscript: the series folder and its brief folders. A path to one brief folder (or its
 * brief.md) selects that brief in the series above it.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { slugRe } from '../config/schema.js';
import type { Diagnostic } from '../util/diagnostics.js';
import { displayPath, isInside } from '../util/paths.js';
import { isSymlink, realRoots } from './source.js';

export interface ManuscriptLocation {
  /** The series folder (holds series.yaml). */
  root: string;
  /** Brief folders to build, sorted by slug. */
  briefDirs: string[];
  /**
   * Brief folders (in briefDirs) that cannot be read: a symlink to nothing or to a folder outside
   * the manuscript. Their errors fail that brief only (keyed by the folder's absolute path).
   */
  faults: Map<string, Diagnostic[]>;
  /** Problems with the manuscript folder, and folders in briefs/ that are not briefs (a bad slug). */
  diagnostics: Diagnostic[];
}

export function findManuscript(input: string): ManuscriptLocation {
  let target = path.resolve(input);
  const diagnostics: Diagnostic[] = [];
  if (!existsSync(target)) {
    return {
      root: target,
      briefDirs: [],
      faults: new Map(),
      diagnostics: [{ file: displayPath(target), line: 0, column: 0, severity: 'error', message: 'No such folder', ruleId: 'series-missing', hint: 'Give the path of a manuscript folder (one with series.yaml).' }],
    };
  }
  const faults = new Map<string, Diagnostic[]>();
  if (statSync(target).isFile() && path.basename(target) === 'brief.md') target = path.dirname(target);
  if (existsSync(path.join(target, 'brief.md')) || isSymlink(path.join(target, 'brief.md'))) {
    let up = path.dirname(target);
    while (!existsSync(path.join(up, 'series.yaml')) && path.dirname(up) !== up) up = path.dirname(up);
    const root = existsSync(path.join(up, 'series.yaml')) ? up : path.dirname(target);
    const outside = leadsOutside(target, realRoots([root]));
    if (outside) faults.set(target, [outside]);
    return { root, briefDirs: [target], faults, diagnostics };
  }
  const briefsDir = path.join(target, 'briefs');
  const briefDirs: string[] = [];
  let names: string[] = [];
  try {
    names = existsSync(briefsDir) ? readdirSync(briefsDir).sort() : [];
  } catch (e) {
    diagnostics.push({
      file: displayPath(briefsDir),
      line: 0,
      column: 0,
      severity: 'error',
      message: `briefs/ cannot be listed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      ruleId: 'input-unreadable',
      hint: 'briefs/ must be a folder holding one folder per brief.',
    });
  }
  const roots = realRoots([target]);
  for (const name of names) {
    const dir = path.join(briefsDir, name);
    if (name.startsWith('.')) continue;
    const link = isSymlink(dir);
    let real: string | undefined;
    try {
      real = realpathSync(dir);
    } catch {
      // A dangling link (or a loop): a brief that cannot be read, not a folder to pass over.
    }
    if (real === undefined && !link) continue;
    if (real !== undefined && !statSync(real).isDirectory()) continue;
    if (real !== undefined && !existsSync(path.join(dir, 'brief.md')) && !isSymlink(path.join(dir, 'brief.md'))) continue;
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
    // A brief folder must be a folder inside the manuscript: a dangling or outward symlink fails that brief.
    const fault = real === undefined ? dangling(dir, name) : leadsOutside(dir, roots, real);
    if (fault) faults.set(dir, [fault]);
    briefDirs.push(dir);
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
  return { root: target, briefDirs, faults, diagnostics };
}

function dangling(dir: string, name: string): Diagnostic {
  return {
    file: displayPath(dir),
    line: 0,
    column: 0,
    severity: 'error',
    message: `The brief folder \`${name}\` is a symlink to nothing`,
    ruleId: 'input-unreadable',
    hint: 'Remove the link, or restore what it points to.',
  };
}

/** An error when the folder `dir` (a symlink, or under one) resolves outside the manuscript (`roots`: real paths). */
function leadsOutside(dir: string, roots: string[], known?: string): Diagnostic | undefined {
  let real = known;
  try {
    real ??= realpathSync(dir);
  } catch {
    return undefined;
  }
  if (roots.some((r) => isInside(real, r))) return undefined;
  return {
    file: displayPath(dir),
    line: 0,
    column: 0,
    severity: 'error',
    message: `The brief folder \`${path.basename(dir)}\` leads outside the manuscript (to ${real})`,
    ruleId: 'input-outside',
    hint: 'Move the brief folder into briefs/ instead of linking to it.',
  };
}
